"""What is due for an enrolment in a month: a pure function of the facts in effect on the month's
first day, the parameters in force for it, and the decisions on the enrolment (``docs/money.md``).

``due_in_month`` gives every enrolment's entitlement for one month (dibao and tekun first: an
unsupported child's top-up depends on them). ``reconcile`` compares it with what each enrolment has
recorded, at every month where anything it depends on changes, and records ``EntitlementChanged``
wherever they differ, naming the cause — so the recorded schedule, which payroll, rolls and
statistics read, is always what the rules give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.assessment import Assessment
from domain.disability import certificate_dates
from domain.enrolment import PAYABLE, Enrolment, Entitlement, Status, TownshipOpinion, parts_of
from domain.errors import RuleViolation
from domain.facts import FactsOn, facts_on
from domain.household_migration import migrated_amount
from domain.policy import STATUTORY_DEFAULTS, ParameterSnapshot
from domain.rules import programs
from domain.rules.ages import Ages, ages_in_force
from domain.rules.dibao import counted
from domain.values import ZERO, Actor, Program, first_of_next_month

if TYPE_CHECKING:
    from domain.household import Household

#: Statuses in which an enrolment has an entitlement (paid, or paid again once resumed).
ENTITLED = frozenset({Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT})
FIRST = (Program.DIBAO, Program.TEKUN)

ParamsFor = Callable[[date], ParameterSnapshot]


@dataclass(frozen=True, slots=True)
class Found:
    """One enrolment's entitlement for a month, with the assessment that found it (None: no rule ran)."""

    entitlement: Entitlement
    assessment: Assessment | None
    why: str  # what decided it, when no assessment says it


@dataclass(frozen=True, slots=True)
class Trigger:
    """The change that asked for a re-computation: its kind, what it was, who made it."""

    cause: str  # parameter | fact | decision
    reason: str
    actor: Actor
    request_id: str | None


def month_of(d: date) -> date:
    """The first month whose first day is on or after ``d``: the first month a change on ``d`` affects."""
    return d if d.day == 1 else first_of_next_month(d)


def birthday(born: date, age: int) -> date:
    """The day a person born on ``born`` turns ``age`` (29 February → 1 March in common years)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)


def in_gradual_exit(e: Enrolment, month: date) -> bool:
    return e.exit_amount is not None and any(
        s.status is Status.GRADUAL_EXIT and s.effective_on <= month for s in e.steps
    )


def covered_on(
    facts: FactsOn,
    e: Enrolment,
    month: date,
    adult_age: int = STATUTORY_DEFAULTS["person.adult_age"],
    migrated: Decimal | None = None,
) -> tuple[UUID, ...]:
    """Who the enrolment covers in the month: the counted members for a whole-household dibao (unless
    it stands on a migrated roll's amount), else the named people still in the household."""
    if e.program is Program.DIBAO and not e.individual and migrated is None:
        return tuple(pid for pid, m in facts.members.items() if counted(m, month, adult_age)[0])
    return tuple(p for p in e.beneficiaries if p in facts.members)


def entitlement_in(
    h: Household, e: Enrolment, month: date, params: ParameterSnapshot, share: Decimal | None = None
) -> Found:
    """What the rules give the enrolment for the month on the facts in effect on its first day."""
    facts = facts_on(h, month)
    covered = covered_on(facts, e, month, params.count_in_force("person.adult_age"), migrated_amount(e, month))
    if not covered:
        return Found(Entitlement(month, ZERO, (), (), False), None, "nobody it covers is in the household")
    if in_gradual_exit(e, month):
        assert e.exit_amount is not None
        return Found(Entitlement(month, e.exit_amount, covered, (), True), None, "the amount the gradual exit froze")
    if (migrated := migrated_amount(e, month)) is not None:  # the roll named who it covers, in the household
        return Found(Entitlement(month, migrated, covered, (), True), None, "the amount the migrated roll recorded")
    a = programs.assess(facts, e.program, covered, e.terms, month, params, enrolment_id=e.enrolment_id, share=share)
    amount = a.monthly_amount if a.eligible else ZERO
    return Found(Entitlement(month, amount, covered, parts_of(a), a.eligible), a, "")


def priced_from(e: Enrolment) -> date | None:
    """The first month the enrolment has an entitlement: when benefits start once approved; before the
    approval, for an application the township found eligible, the month after its review (what the
    county would pay from if it approved now) — so that a change recorded while it waits is priced too."""
    if e.benefits_from is not None:
        return e.benefits_from
    review = e.township_review
    if review is None or review.opinion is not TownshipOpinion.APPROVE or not review.assessment.eligible:
        return None
    reviewed = next((s.effective_on for s in e.steps if s.status is Status.REVIEWED), None)
    return first_of_next_month(reviewed) if reviewed is not None else None


def priced_in(e: Enrolment, month: date) -> bool:
    """Whether the enrolment has an entitlement for the month (paid or not: suspended, awaiting approval)."""
    start = priced_from(e)
    if start is None or month < start:
        return False
    status = e.status_on(month)
    return status in ENTITLED or (status is Status.REVIEWED and e.benefits_from is None)


def due_in_month(h: Household, month: date, params: ParameterSnapshot) -> dict[UUID, Found]:
    """Every entitled enrolment's entitlement for a month; an unsupported child's top-up uses the
    dibao and tekun amounts paid to the child for the same month."""
    found: dict[UUID, Found] = {}
    ordered = sorted(h.enrolments.values(), key=lambda e: (e.program not in FIRST, str(e.enrolment_id)))
    for e in ordered:
        if not priced_in(e, month):
            continue
        share = None
        if e.program is Program.UNSUPPORTED_CHILD:
            child = e.beneficiaries[0]
            share = ZERO
            for other_id, other in found.items():
                paid = h.enrolments[other_id].status_on(month) in PAYABLE
                got = other.entitlement
                if paid and got.eligible and child in got.beneficiaries and got.amount > 0:
                    share += got.amount / len(got.beneficiaries)
        try:
            found[e.enrolment_id] = entitlement_in(h, e, month, params, share)
        except RuleViolation as exc:
            if exc.rule != "parameter-missing":
                raise
    return found


def birthdays(h: Household, ages: Ages) -> list[tuple[UUID, int, date]]:
    """(person, age, day) for every birthday at which the rules of an enrolment with benefits may answer
    differently: any member's for dibao (who counts), the beneficiary's for the other programs."""
    people = {**h.former_members, **h.members}
    wanted: dict[UUID, set[int]] = {}
    for e in h.enrolments.values():
        if priced_from(e) is None:
            continue
        covered = people if e.program is Program.DIBAO else e.beneficiaries  # dibao: every counted member
        for person in covered:
            wanted.setdefault(person, set()).update(ages.get(e.program, ()))
    return sorted(
        (person, age, birthday(people[person].birth_date, age))
        for person, at in wanted.items()
        if person in people
        for age in at
    )


def change_months(h: Household, param_dates: Iterable[date], ages: Ages, since: date | None = None) -> list[date]:
    """Every month whose first day may see a different entitlement than the month before it."""
    dates: set[date] = {d for d, _, _ in h.fact_log}
    dates.update(param_dates)
    for e in h.enrolments.values():
        dates.update(s.effective_on for s in e.steps)
        dates.update(x.effective_on for x in e.schedule)
        dates.update(d for d in (e.benefits_from, e.exit_until) if d is not None)
    dates.update(day for _, _, day in birthdays(h, ages))
    dates.update(
        first_of_next_month(day) for _, _, day in birthdays(h, ages)
    )  # a birthday counting from the next month
    dates.update(certificate_dates(h.certificates))  # a certificate starting or lapsing
    months = {month_of(d) for d in dates}
    return sorted(m for m in months if since is None or m >= since)


def _drivers(
    h: Household, param_names: dict[date, list[str]], ages: Ages, after: date | None, month: date, used: Found
) -> tuple[str, str]:
    """What changed in (after, month] that the amount depends on: the cause kind and a readable list."""
    lo = after or date.min
    read = {p.name for p in used.assessment.parameters} if used.assessment is not None else None

    def inside(d: date) -> bool:
        return lo < d <= month

    found: list[tuple[str, str]] = []
    for d, names in sorted(param_names.items()):
        if inside(d):
            found.extend(
                ("parameter", f"parameter {n} from {d}") for n in names if read is None or n.split(" ")[0] in read
            )
    for d, _, event in h.fact_log:
        if inside(d):
            found.append(("fact", f"{type(event).__name__} effective {d}"))
    for person, age, day in birthdays(h, ages):
        if inside(day):
            found.append(("age", f"member {person} turns {age} on {day}"))
    if not found:
        return "", ""
    return found[0][0], "; ".join(text for _, text in found)


def _why(
    h: Household,
    e: Enrolment,
    before: Entitlement | None,
    f: Found,
    changes: tuple[dict[date, list[str]], Ages],
    previous: date | None,
    month: date,
    *,
    dependency: bool,
) -> tuple[str, str]:
    """The cause and the drivers of a month's change of what is due ("" for the trigger's own)."""
    param_changes, ages = changes
    since_basis = previous
    if before is not None and not before.cause and e.last_assessment is not None:
        # an entry a decision recorded was priced on its assessment's date: look back to it
        since_basis = min(previous or date.min, e.last_assessment.assessed_on)
    cause, drivers = _drivers(h, param_changes, ages, since_basis, month, f)
    if before is not None and before.effective_on == month and before.cause:
        cause, drivers = "", ""  # that month's own changes were priced already: the trigger changed it
    if dependency:
        cause = "dependency"
        drivers = "the child's dibao/tekun share changed" + (f"; {drivers}" if drivers else "")
    return cause, drivers


def reconcile(
    h: Household,
    params_for: ParamsFor,
    param_changes: dict[date, list[str]],
    trigger: Trigger,
    *,
    since: date | None = None,
) -> list[UUID]:
    """Record ``EntitlementChanged`` for every enrolment and month where the recorded schedule differs
    from what the rules give; returns the decision ids recorded."""
    if not any(priced_from(e) is not None for e in h.enrolments.values()):
        return []
    recorded: list[UUID] = []
    previous: date | None = None
    shares: dict[UUID, object] = {}  # the dibao/tekun share each child's top-up used in the month before
    for month in change_months(h, param_changes, ages := ages_in_force(params_for, param_changes)):
        if since is not None and month < since:
            previous = month
            continue
        found = due_in_month(h, month, params_for(month))
        changed: set[Program] = set()
        share_moved = {eid: shares.get(eid) is not None and shares.get(eid) != _share(f) for eid, f in found.items()}
        shares.update({eid: _share(f) for eid, f in found.items()})
        for eid, f in found.items():
            e = h.enrolments[eid]
            before = e.entitlement_on(month)
            if before is not None and before.same_as(f.entitlement):
                continue
            dependency = e.program is Program.UNSUPPORTED_CHILD and bool(changed & set(FIRST) or share_moved[eid])
            cause, drivers = _why(h, e, before, f, (param_changes, ages), previous, month, dependency=dependency)
            changed.add(e.program)
            cause = cause or trigger.cause
            text = f"re-computed for {month:%Y-%m}: {drivers or f.why or 'the rules on the facts of the month'}"
            recorded.append(
                h.change_entitlement(
                    eid,
                    found=f,
                    previous=before,
                    cause=cause,
                    reason=f"{text} (after: {trigger.reason})",
                    effective_on=month,
                    actor=trigger.actor,
                    request_id=trigger.request_id,
                )
            )
        previous = month
    return recorded


def _share(found: Found) -> object:
    """The dibao/tekun share an unsupported child's assessment used (None for other assessments)."""
    return None if found.assessment is None else found.assessment.figures.get("current_assistance_share")
