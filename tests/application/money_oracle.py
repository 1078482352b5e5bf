"""The oracle of the money model test: its own log of every fact, parameter value and decision the
test sent, and what is due for an enrolment in a month, re-derived from that log alone, following
``docs/money.md`` (and docs/rules.md where the docs leave a detail open).

Nothing here reads the application: no household, enrolment, view or payroll. The rules are written
out again on purpose (not imported from ``domain.rules``), so the oracle cannot share a mistake with
the code under test. Every query takes ``known``: the sequence number of the last command whose
effect it may see, so the same log answers "what was due as known when this payroll ran" and "what
is due as known now".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from domain.circumstances import Circumstances
from domain.members import DisabilityKind, LabourCapacity, Member, Relation, SchoolStatus

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ALWAYS = 10**12  # a ``known`` that sees the whole log

DIBAO, TEKUN, ORPHAN, UNSUPPORTED = "dibao", "tekun", "orphan", "unsupported_child"
PERSONAL = frozenset({TEKUN, ORPHAN, UNSUPPORTED})

# Parent situations (docs/rules.md), by their stored values.
LOST = frozenset({"dead", "declared_missing", "not_found"})
SIX_MONTHS = frozenset({"other_restriction", "out_of_contact"})
UNABLE = frozenset(
    {
        "severe_disability",
        "serious_illness",
        "serving_sentence",
        "compulsory_rehabilitation",
        "other_restriction",
        "out_of_contact",
        "guardianship_revoked",
        "deported",
    }
)
ACTIVITIES = ("eating", "dressing", "bed_transfer", "toileting", "walking_indoors", "bathing")
Parent = tuple[bool, bool]  # a parent on a date: (lost, unable to support)


def half_up(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def ceil_fen(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_CEILING)


def next_month(d: date, n: int = 1) -> date:
    """The first day of the month ``n`` months after ``d``'s month."""
    i = d.year * 12 + d.month - 1 + n
    return date(i // 12, i % 12 + 1, 1)


def month_first(d: date) -> date:
    return d.replace(day=1)


def months(first: date, last: date) -> list[date]:
    out, m = [], month_first(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def add_months(d: date, n: int) -> date:
    i = d.year * 12 + d.month - 1 + n
    y, m = divmod(i, 12)
    import calendar

    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def whole_months(since: date, on: date) -> int:
    n = (on.year - since.year) * 12 + on.month - since.month
    if add_months(since, n) > on:
        n -= 1
    return max(n, 0)


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class ParamRow:
    name: str
    jurisdiction: str
    effective_from: date
    value: Any
    seq: int
    recorded_on: date


class Parameters:
    """The parameter values the test recorded (the seed file's included), with their record order."""

    def __init__(self) -> None:
        self.rows: list[ParamRow] = []

    def add(self, name: str, jurisdiction: str, effective_from: date, raw: Any, seq: int, recorded_on: date) -> None:
        if isinstance(raw, (list, tuple)):
            value: Any = frozenset(raw)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        else:
            value = Decimal(str(raw))
        self.rows.append(ParamRow(name, jurisdiction, effective_from, value, seq, recorded_on))

    def row(self, name: str, division: str, on: date, known: int = ALWAYS) -> ParamRow:
        """Longest jurisdiction prefix wins, then the latest effective date, then the later recorded."""
        best: ParamRow | None = None
        for r in self.rows:
            if r.name != name or r.seq > known or r.effective_from > on or not division.startswith(r.jurisdiction):
                continue
            if best is None or (len(r.jurisdiction), r.effective_from, r.seq) > (
                len(best.jurisdiction),
                best.effective_from,
                best.seq,
            ):
                best = r
        if best is None:
            raise KeyError(f"no value of {name} for {division} on {on}")
        return best

    def get(self, name: str, division: str, on: date, known: int = ALWAYS) -> Any:
        return self.row(name, division, on, known).value


# --------------------------------------------------------------------------- the log


@dataclass
class Fact:
    """One fact the test recorded: member added / changed / removed, means declared, care, parents."""

    seq: int
    on: date  # effective
    recorded_on: date
    kind: str  # add | change | remove | means | care | parents
    person: UUID | None
    data: Any
    note: str


@dataclass
class Decision:
    seq: int
    on: date
    recorded_on: date
    kind: str  # applied reviewed approved rejected withdrawn suspended resumed terminated gradual_exit review
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class HouseholdLog:
    id: UUID
    label: str
    area: str
    division: str
    registered_on: date
    facts: list[Fact] = field(default_factory=list)
    enrolments: list[EnrolmentLog] = field(default_factory=list)
    names: dict[UUID, str] = field(default_factory=dict)

    def name(self, pid: UUID) -> str:
        return self.names.get(pid, str(pid)[:8])


@dataclass
class EnrolmentLog:
    id: UUID
    household: HouseholdLog
    program: str
    beneficiaries: tuple[UUID, ...]  # as named in the application
    terms: dict[str, Any]
    individual: bool  # a dibao enrolment of some members only (单人保)
    label: str
    applied_seq: int
    decisions: list[Decision] = field(default_factory=list)


@dataclass(frozen=True)
class Due:
    """What is due for an enrolment in a month; amount zero: nothing due (no payment)."""

    amount: Decimal
    beneficiaries: frozenset[UUID]
    parts: tuple[tuple[str, Decimal], ...]
    why: str
    eligible: bool = True  # what the rules found (before decisions); for the generator's own checks
    detail: dict[str, Any] = field(default_factory=dict)


NOTHING = frozenset[UUID]()


def nothing(why: str, eligible: bool = False, **detail: Any) -> Due:
    return Due(ZERO, NOTHING, (), why, eligible, detail)


# --------------------------------------------------------------------------- facts on a date


def _seen(facts: Iterable[Fact], on: date, known: int, kinds: frozenset[str]) -> list[Fact]:
    return sorted((f for f in facts if f.kind in kinds and f.on <= on and f.seq <= known), key=lambda f: (f.on, f.seq))


MEMBER_KINDS = frozenset({"add", "change", "remove"})


def members_on(h: HouseholdLog, on: date, known: int = ALWAYS) -> dict[UUID, Member]:
    """Members in effect on a date: additions, changes and removals applied in effective order
    (two on the same day: the later recorded wins)."""
    out: dict[UUID, Member] = {}
    for f in _seen(h.facts, on, known, MEMBER_KINDS):
        assert f.person is not None
        if f.kind == "add":
            out[f.person] = f.data
        elif f.kind == "change":
            out[f.person] = replace(out[f.person], **f.data)
        else:
            out.pop(f.person, None)
    return out


def _latest(h: HouseholdLog, kind: str, on: date, known: int, person: UUID | None = None) -> Fact | None:
    found = [f for f in _seen(h.facts, on, known, frozenset({kind})) if person is None or f.person == person]
    return found[-1] if found else None


def means_on(h: HouseholdLog, on: date, known: int = ALWAYS) -> Circumstances:
    f = _latest(h, "means", on, known)
    return f.data if f else Circumstances()


def care_on(h: HouseholdLog, person: UUID, on: date, known: int = ALWAYS) -> tuple[str, ...]:
    f = _latest(h, "care", on, known, person)
    return f.data if f else ()


def parents_on(h: HouseholdLog, person: UUID, on: date, known: int = ALWAYS) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    f = _latest(h, "parents", on, known, person)
    return f.data if f else ((), ())


# --------------------------------------------------------------------------- the rules (docs/rules.md)


def counted(m: Member, on: date) -> bool:
    """共同生活家庭成员: head, spouse, minor children, adult children unable to live independently
    (no labour capacity, full-time students), others with a support duty; never someone absent
    (prison, compulsory rehabilitation, declared missing) or not living there."""
    if m.absence is not None or not m.resident:
        return False
    if m.relation in (Relation.HEAD, Relation.SPOUSE):
        return True
    if m.relation == Relation.CHILD and (
        age_on(m.birth_date, on) < 18
        or m.labour_capacity == LabourCapacity.NONE
        or m.school_status == SchoolStatus.FULL_TIME
    ):
        return True
    return bool(m.support_duty)


def _own_income(c: Circumstances, pid: UUID, excluded: frozenset[str]) -> Decimal:
    return sum((i.monthly_amount for i in c.incomes if i.person_id == pid and str(i.kind) not in excluded), ZERO)


def _own_costs(c: Circumstances, pid: UUID) -> Decimal:
    return sum((x.monthly_amount for x in c.costs if x.person_id == pid), ZERO)


def _severe(m: Member) -> bool:
    d = m.disability
    if d is not None and (
        d.grade <= 2 or (d.grade == 3 and d.kind in (DisabilityKind.INTELLECTUAL, DisabilityKind.MENTAL))
    ):
        return True
    return bool(m.seriously_ill)


class Oracle:
    """The test's log and the money it implies."""

    def __init__(self) -> None:
        self.seq = 0
        self.params = Parameters()
        self.households: list[HouseholdLog] = []
        self.enrolments: dict[UUID, EnrolmentLog] = {}
        self._memo: dict[tuple[UUID, date, int], Due] = {}

    def next_seq(self) -> int:
        self.seq += 1
        self._memo.clear()
        return self.seq

    def p(self, h: HouseholdLog, name: str, on: date, known: int) -> Any:
        return self.params.get(name, h.division, on, known)

    # ------------------------------------------------------------------- dibao

    def household_means(self, h: HouseholdLog, on: date, known: int) -> dict[str, Any]:
        """Counted members, counted income less deductible costs, per-capita income (exact), standard."""
        members = members_on(h, on, known)
        means = means_on(h, on, known)
        excluded = self.p(h, "dibao.income.excluded_kinds", on, known)
        ids = [pid for pid, m in members.items() if counted(m, on)]
        income = sum((_own_income(means, pid, excluded) for pid in ids), ZERO)
        costs = sum((_own_costs(means, pid) for pid in ids), ZERO)
        # The generator keeps costs below income; the floor at zero (as the rules have it) never bites.
        net = max(ZERO, income - costs)
        standard = self.p(h, f"dibao.standard.{h.area}", on, known)
        n = len(ids)
        a = means.assets
        assets_ok = (
            n > 0
            and a.financial <= self.p(h, "dibao.asset.financial_months", on, known) * standard * n
            and a.vehicle_value <= self.p(h, "dibao.asset.vehicle_value_limit", on, known)
            and a.dwellings <= self.p(h, "dibao.asset.max_dwellings", on, known)
        )
        return {
            "members": members,
            "means": means,
            "counted": ids,
            "n": n,
            "income": income,
            "costs": costs,
            "per_capita": net / n if n else None,
            "standard": standard,
            "assets_ok": assets_ok,
            "excluded": excluded,
        }

    def dibao(self, e: EnrolmentLog, on: date, known: int) -> Due:
        h = e.household
        f = self.household_means(h, on, known)
        n, pc, std = f["n"], f["per_capita"], f["standard"]
        names = ", ".join(h.name(p) for p in f["counted"])
        if n == 0:
            return nothing("dibao: nobody counted")
        head = (
            f"dibao {h.area} standard {std}; counted {n} [{names}]; income {f['income']} - costs {f['costs']}"
            f" -> per capita {pc:.4f}"
        )
        if not f["assets_ok"]:
            return nothing(head + "; assets over the limits", per_capita=pc, standard=std)
        if not e.individual:
            if not pc < std:
                return nothing(head + "; not below the standard", per_capita=pc, standard=std)
            amount = half_up((std - pc) * n)
            return Due(
                amount,
                frozenset(f["counted"]),
                (),
                head + f"; ({std} - {pc:.4f}) x {n} = {amount}",
                detail={"per_capita": pc, "standard": std},
            )
        # 单人保 (docs/money.md gives the household formula only; docs/rules.md says who may have it). Assumed,
        # as the rules have it: each named member's own gap (standard - own non-excluded income + own
        # costs, floored at 0) summed and rounded once; the household must stay a margin household
        # (per-capita income below dibao.margin_multiplier x standard, compared exactly) within the asset limits.
        named = [b for b in e.beneficiaries if b in f["members"]]
        if not named:
            return nothing(head + "; the named member is no longer a member")
        margin = self.p(h, "dibao.margin_multiplier", on, known) * std
        if any(b not in f["counted"] or not _severe(f["members"][b]) for b in named):
            return nothing(head + "; named member not counted or not severely disabled/ill")
        if not pc < margin:
            return nothing(head + f"; not below the margin {margin}", per_capita=pc, standard=std)
        gaps = [
            max(ZERO, std - max(ZERO, _own_income(f["means"], b, f["excluded"]) - _own_costs(f["means"], b)))
            for b in named
        ]
        amount = half_up(sum(gaps, ZERO))
        if amount <= 0:
            return nothing(head + "; own income not below the standard")
        return Due(
            amount,
            frozenset(named),
            (),
            head + f"; individual ({', '.join(h.name(b) for b in named)}) gaps {[str(g) for g in gaps]} = {amount}",
            detail={"per_capita": pc, "standard": std, "margin": margin},
        )

    # ------------------------------------------------------------------- tekun

    def tekun(self, e: EnrolmentLog, on: date, known: int) -> Due:
        h = e.household
        pid = e.beneficiaries[0]
        members = members_on(h, on, known)
        if pid not in members:
            return nothing(f"tekun: {h.name(pid)} is no longer a member")
        m = members[pid]
        age = age_on(m.birth_date, on)
        std = self.p(h, f"dibao.standard.{h.area}", on, known)
        means = means_on(h, on, known)
        excluded = self.p(h, "dibao.income.excluded_kinds", on, known)
        d = m.disability
        no_work_grade = {"intellectual": 3, "mental": 3, "physical": 2, "visual": 1}
        if age >= 60 or age < 16 or (d is not None and d.grade <= no_work_grade.get(str(d.kind), 0)):
            work = True
        elif age < 18:
            work = True  # minors stay eligible until 18
        elif m.school_status == SchoolStatus.FULL_TIME:
            work = age < self.p(h, "tekun.school_extension_age", on, known)
        else:
            work = False
        income = _own_income(means, pid, excluded)
        assets_ok = means.assets.financial <= self.p(h, "tekun.asset.financial_limit", on, known)
        supporter = bool(e.terms["has_capable_supporter"])
        why = (
            f"tekun {h.name(pid)} aged {age} school {m.school_status}; work criterion {work}; income {income}"
            f" vs standard {std}; assets ok {assets_ok}; supporter {supporter}"
        )
        if not (work and income < std and assets_ok and not supporter):
            return nothing(why + " -> not eligible")
        unable = len(care_on(h, pid, on, known))
        level = "self_care" if unable == 0 else "partial" if unable <= 3 else "full"
        arrangement = e.terms["arrangement"]
        care = half_up(self.p(h, f"tekun.care.{arrangement}.{level}", on, known))
        multiplier = self.p(h, "tekun.multiplier", on, known)
        basic = ceil_fen(multiplier * std)
        return Due(
            basic + care,
            frozenset({pid}),
            (("basic_living", basic), ("care_subsidy", care)),
            why + f"; basic ceil({multiplier} x {std}) = {basic} + care {arrangement}/{level} {care}",
        )

    # ------------------------------------------------------------------- children

    def _child(self, e: EnrolmentLog, on: date, known: int) -> tuple[Member | None, str, bool, Parent, Parent]:
        """The beneficiary child (None, with why, when no longer a member), whether under the age limit,
        and whether each parent, father then mother, is lost or unable to support on the date."""
        h = e.household
        pid = e.beneficiaries[0]
        members = members_on(h, on, known)
        if pid not in members:
            return None, f"{h.name(pid)} is no longer a member", False, (False, False), (False, False)
        m = members[pid]
        age = age_on(m.birth_date, on)
        limit = 18
        if m.school_status == SchoolStatus.FULL_TIME:  # in school: as long as the parameter allows (docs/rules.md)
            limit = max(limit, self.p(h, "children.school_extension_age", on, known))
        father, mother = parents_on(h, pid, on, known)
        return m, f"{h.name(pid)} aged {age}", age < limit, self._parent(father, on), self._parent(mother, on)

    @staticmethod
    def _parent(statuses: tuple[Any, ...], on: date) -> tuple[bool, bool]:
        lost = unable = False
        for s in statuses:
            situation = str(s.situation)
            if s.since > on:
                continue
            if situation in LOST:
                lost = True
            elif situation in SIX_MONTHS and whole_months(s.since, on) < 6:
                continue
            elif situation in UNABLE:
                unable = True
        return lost, unable

    def orphan(self, e: EnrolmentLog, on: date, known: int) -> Due:
        h = e.household
        m, why, young, father, mother = self._child(e, on, known)
        if m is None:
            return nothing("orphan: " + why)
        both = father[0] and mother[0]
        why = f"orphan {why} (under age limit {young}); both parents lost {both}"
        if not (young and both):
            return nothing(why + " -> not eligible")
        rate = half_up(self.p(h, f"orphan.rate.{e.terms['placement']}", on, known))
        return Due(rate, frozenset({m.person_id}), (), why + f"; {e.terms['placement']} rate {rate}")

    def unsupported(self, e: EnrolmentLog, on: date, known: int) -> Due:
        h = e.household
        m, why, young, (f_lost, f_unable), (m_lost, m_unable) = self._child(e, on, known)
        if m is None:
            return nothing("unsupported child: " + why)
        orphan = f_lost and m_lost
        ok = not orphan and ((f_unable and m_unable) or (f_lost and m_unable) or (m_lost and f_unable))
        why = (
            f"unsupported {why} (under age limit {young});"
            f" father lost/unable {f_lost}/{f_unable}, mother {m_lost}/{m_unable}"
        )
        if not (young and ok):
            return nothing(why + " -> not eligible")
        rate = self.p(h, "unsupported_child.rate", on, known)
        share = ZERO
        shares = []
        for other in h.enrolments:
            if other.program not in (DIBAO, TEKUN) or other.applied_seq > known:
                continue
            d = self.due(other, on, known)
            if d.amount > 0 and m.person_id in d.beneficiaries:
                share += d.amount / len(d.beneficiaries)
                shares.append(f"{other.label} {d.amount}/{len(d.beneficiaries)}")
        if share >= rate:
            return nothing(why + f"; share {share:.4f} ({shares}) reaches the rate {rate}", eligible=True)
        amount = half_up(rate - share)
        if amount <= 0:
            return nothing(why + f"; difference rounds to 0 ({shares})", eligible=True)
        return Due(amount, frozenset({m.person_id}), (), why + f"; rate {rate} - share {share:.4f} {shares} = {amount}")

    def rules(self, e: EnrolmentLog, on: date, known: int) -> Due:
        """The program's rules on the facts and parameters of a date (no decisions)."""
        if e.program == DIBAO:
            return self.dibao(e, on, known)
        if e.program == TEKUN:
            return self.tekun(e, on, known)
        if e.program == ORPHAN:
            return self.orphan(e, on, known)
        return self.unsupported(e, on, known)

    # ------------------------------------------------------------------- decisions

    def standing(self, e: EnrolmentLog, month: date, known: int) -> tuple[str | None, str, Decision | None]:
        """Paid or not on a month's first day by the decisions: 'active', 'gradual_exit' or None, and why."""
        ds = [d for d in e.decisions if d.seq <= known]
        approved = next((d for d in ds if d.kind == "approved"), None)
        if approved is None:
            return None, "not approved", None
        if month < approved.data["benefits_from"]:
            return None, f"approved {approved.on}, paid from {approved.data['benefits_from']}", None
        for d in ds:
            # A termination effective on D stops payment from the month after D's month.
            if d.kind == "terminated" and next_month(d.on) <= month:
                return None, f"terminated on {d.on}", None
        ge = next((d for d in ds if d.kind == "gradual_exit" and d.on <= month), None)
        if ge is not None and month >= ge.data["exit_until"]:
            return None, f"gradual exit decided {ge.on} ended {ge.data['exit_until']}", None
        pauses = sorted(
            (d for d in ds if d.kind in ("suspended", "resumed") and d.on <= month), key=lambda d: (d.on, d.seq)
        )
        if pauses and pauses[-1].kind == "suspended":
            return None, f"suspended on {pauses[-1].on}", None
        if ge is not None:
            return "gradual_exit", f"gradual exit decided {ge.on} until {ge.data['exit_until']}", ge
        return "active", f"approved {approved.on}, paid from {approved.data['benefits_from']}", None

    def due(self, e: EnrolmentLog, month: date, known: int = ALWAYS) -> Due:
        """What is due for the enrolment in the month (its first day), as known after command ``known``."""
        key = (e.id, month, known)
        if key in self._memo:
            return self._memo[key]
        if e.applied_seq > known:
            found = nothing("not applied yet")
        else:
            state, why, ge = self.standing(e, month, known)
            if state is None:
                found = nothing(why)
            elif ge is not None:
                # The amount the gradual-exit decision froze. Beneficiaries: those counted at the decision,
                # which are those counted on M (the generator changes nothing in the household once it
                # is in gradual exit, and keeps it only where no member crosses an age that matters).
                found = Due(
                    ge.data["amount"], ge.data["beneficiaries"], ge.data["parts"], why + f"; frozen {ge.data['amount']}"
                )
            else:
                r = self.rules(e, month, known)
                found = replace(r, why=f"{why}; {r.why}") if r.amount > 0 else nothing(f"{why}; {r.why}", r.eligible)
        self._memo[key] = found
        return found
