"""Minimum living guarantee (最低生活保障, dibao): pure functions of facts and parameters (docs/rules.md).

Who counts, household and per-capita income, the asset test, whole-household enrolment and
individual enrolment (单人保). No I/O and no clock: the date assessed for comes with the facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.assessment import Assessment, Reason
from domain.circumstances import Assets, Circumstances
from domain.members import Absence, LabourCapacity, Member, Relation, SchoolStatus
from domain.policy import ParameterSnapshot
from domain.values import AreaType, Program, round_yuan

ZERO = Decimal("0.00")
ADULT_AGE = 18

_ORDINANCE = "《社会救助暂行办法》(国务院令第649号)"
_MEASURES = "《最低生活保障审核确认办法》(民发〔2021〕57号)"
BASIS_MEANS_TEST = f"{_ORDINANCE} 第九条"
BASIS_AMOUNT = f"{_ORDINANCE} 第十二条"
BASIS_MEMBERS = f"{_MEASURES} 共同生活家庭成员"
BASIS_INCOME = f"{_MEASURES} 家庭收入"
BASIS_INDIVIDUAL = f"{_MEASURES} 单人保"

# Reason codes: stored with every decision, so never rename one; add new ones.
COUNTED_HEAD_OR_SPOUSE = "COUNTED_HEAD_OR_SPOUSE"
COUNTED_MINOR_CHILD = "COUNTED_MINOR_CHILD"
COUNTED_CHILD_NO_LABOUR_CAPACITY = "COUNTED_CHILD_NO_LABOUR_CAPACITY"
COUNTED_CHILD_FULL_TIME_STUDENT = "COUNTED_CHILD_FULL_TIME_STUDENT"
COUNTED_SUPPORT_DUTY = "COUNTED_SUPPORT_DUTY"
MEMBER_ABSENT_PRISON = "MEMBER_ABSENT_PRISON"
MEMBER_ABSENT_REHABILITATION = "MEMBER_ABSENT_REHABILITATION"
MEMBER_ABSENT_MISSING = "MEMBER_ABSENT_MISSING"
NOT_RESIDENT = "NOT_RESIDENT"
NO_SUPPORT_RELATION = "NO_SUPPORT_RELATION"
COUNTED_MEMBERS = "COUNTED_MEMBERS"
NO_COUNTED_MEMBERS = "NO_COUNTED_MEMBERS"
INCOME_EXCLUDED = "INCOME_EXCLUDED"
COSTS_DEDUCTED = "COSTS_DEDUCTED"
INCOME_BELOW_STANDARD = "INCOME_BELOW_STANDARD"
INCOME_NOT_BELOW_STANDARD = "INCOME_NOT_BELOW_STANDARD"
ASSETS_WITHIN_LIMITS = "ASSETS_WITHIN_LIMITS"
ASSETS_FINANCIAL_OVER_LIMIT = "ASSETS_FINANCIAL_OVER_LIMIT"
ASSETS_VEHICLE_OVER_LIMIT = "ASSETS_VEHICLE_OVER_LIMIT"
ASSETS_DWELLINGS_OVER_LIMIT = "ASSETS_DWELLINGS_OVER_LIMIT"
NO_BENEFICIARIES = "NO_BENEFICIARIES"
BENEFICIARY_NOT_COUNTED = "BENEFICIARY_NOT_COUNTED"
BENEFIT_AMOUNT = "BENEFIT_AMOUNT"
INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY = "INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY"
INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS = "INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS"
BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL = "BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL"
MARGIN_INCOME_BELOW_LIMIT = "MARGIN_INCOME_BELOW_LIMIT"
MARGIN_INCOME_OVER_LIMIT = "MARGIN_INCOME_OVER_LIMIT"
PARTIAL_ENROLMENT_REFUSED = "PARTIAL_ENROLMENT_REFUSED"
OWN_INCOME_ABOVE_STANDARD = "OWN_INCOME_ABOVE_STANDARD"

#: Every reason code this module emits, with the legal basis it rests on.
REASON_CATALOGUE: dict[str, str] = {
    **dict.fromkeys(
        (
            COUNTED_HEAD_OR_SPOUSE,
            COUNTED_MINOR_CHILD,
            COUNTED_CHILD_NO_LABOUR_CAPACITY,
            COUNTED_CHILD_FULL_TIME_STUDENT,
            COUNTED_SUPPORT_DUTY,
            MEMBER_ABSENT_PRISON,
            MEMBER_ABSENT_REHABILITATION,
            MEMBER_ABSENT_MISSING,
            NOT_RESIDENT,
            NO_SUPPORT_RELATION,
            COUNTED_MEMBERS,
            NO_COUNTED_MEMBERS,
            NO_BENEFICIARIES,
            BENEFICIARY_NOT_COUNTED,
        ),
        BASIS_MEMBERS,
    ),
    **dict.fromkeys((INCOME_EXCLUDED, COSTS_DEDUCTED), BASIS_INCOME),
    **dict.fromkeys(
        (
            INCOME_BELOW_STANDARD,
            INCOME_NOT_BELOW_STANDARD,
            ASSETS_WITHIN_LIMITS,
            ASSETS_FINANCIAL_OVER_LIMIT,
            ASSETS_VEHICLE_OVER_LIMIT,
            ASSETS_DWELLINGS_OVER_LIMIT,
        ),
        BASIS_MEANS_TEST,
    ),
    BENEFIT_AMOUNT: BASIS_AMOUNT,
    **dict.fromkeys(
        (
            INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY,
            INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS,
            BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL,
            MARGIN_INCOME_BELOW_LIMIT,
            MARGIN_INCOME_OVER_LIMIT,
            PARTIAL_ENROLMENT_REFUSED,
            OWN_INCOME_ABOVE_STANDARD,
        ),
        BASIS_INDIVIDUAL,
    ),
}

_COUNT_TEXT: dict[str, str] = {
    COUNTED_HEAD_OR_SPOUSE: "head of household or spouse",
    COUNTED_MINOR_CHILD: "child under 18",
    COUNTED_CHILD_NO_LABOUR_CAPACITY: "adult child without labour capacity",
    COUNTED_CHILD_FULL_TIME_STUDENT: "adult child in full-time education",
    COUNTED_SUPPORT_DUTY: "has a support duty and lives in the household",
    MEMBER_ABSENT_PRISON: "serving a prison sentence",
    MEMBER_ABSENT_REHABILITATION: "in compulsory drug rehabilitation",
    MEMBER_ABSENT_MISSING: "declared missing",
    NOT_RESIDENT: "does not live in the household",
    NO_SUPPORT_RELATION: "no support relation to the household",
}

_ABSENCE_CODES: dict[Absence, str] = {
    Absence.PRISON: MEMBER_ABSENT_PRISON,
    Absence.COMPULSORY_REHABILITATION: MEMBER_ABSENT_REHABILITATION,
    Absence.DECLARED_MISSING: MEMBER_ABSENT_MISSING,
}


@dataclass(frozen=True, slots=True)
class DibaoFacts:
    """What the dibao rules look at, as in force on ``on``."""

    area_type: AreaType
    members: tuple[Member, ...]
    circumstances: Circumstances
    beneficiaries: tuple[UUID, ...]
    on: date


def counted(member: Member, on: date) -> tuple[bool, str]:
    """Whether the member counts in the household (共同生活家庭成员) on ``on``, and why."""
    if member.absence is not None:
        return False, _ABSENCE_CODES[Absence(member.absence)]
    if not member.resident:
        return False, NOT_RESIDENT
    if member.relation in (Relation.HEAD, Relation.SPOUSE):
        return True, COUNTED_HEAD_OR_SPOUSE
    if member.relation == Relation.CHILD:
        if member.age_on(on) < ADULT_AGE:
            return True, COUNTED_MINOR_CHILD
        if member.labour_capacity == LabourCapacity.NONE:
            return True, COUNTED_CHILD_NO_LABOUR_CAPACITY
        if member.school_status == SchoolStatus.FULL_TIME:
            return True, COUNTED_CHILD_FULL_TIME_STUDENT
    if member.support_duty:
        return True, COUNTED_SUPPORT_DUTY
    return False, NO_SUPPORT_RELATION


def _reason(code: str, message: str) -> Reason:
    return Reason(code=code, message=message, legal_basis=REASON_CATALOGUE[code])


def _yuan(amount: Decimal) -> str:
    return str(round_yuan(amount))


def _own_net_income(circ: Circumstances, person_id: UUID, excluded: frozenset[str]) -> Decimal:
    """A person's non-excluded income minus their own deductible costs, floored at 0."""
    income = sum((i.monthly_amount for i in circ.income_of(person_id) if str(i.kind) not in excluded), ZERO)
    costs = sum((c.monthly_amount for c in circ.costs_of(person_id)), ZERO)
    return max(ZERO, income - costs)


def _severity(member: Member) -> tuple[str, str] | None:
    """The 单人保 ground a member meets (code, text), or None."""
    if member.disability is not None and member.disability.severe:
        d = member.disability
        return INDIVIDUAL_ENROLMENT_SEVERE_DISABILITY, f"has a severe disability ({d.kind} grade {d.grade})"
    if member.seriously_ill:
        return INDIVIDUAL_ENROLMENT_SERIOUS_ILLNESS, "is seriously ill"
    return None


def _inputs(facts: DibaoFacts, status: dict[UUID, tuple[bool, str]], excluded: frozenset[str]) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; no names and no ID numbers."""
    circ = facts.circumstances
    is_counted = {pid for pid, (ok, _) in status.items() if ok}
    return {
        "area_type": str(facts.area_type),
        "on": facts.on.isoformat(),
        "members": [
            {
                "person_id": str(m.person_id),
                "relation": str(m.relation),
                "age": m.age_on(facts.on),
                "counted": status[m.person_id][0],
                "count_reason": status[m.person_id][1],
                "disability": None
                if m.disability is None
                else {"kind": str(m.disability.kind), "grade": m.disability.grade},
                "seriously_ill": m.seriously_ill,
                "labour_capacity": str(m.labour_capacity),
                "school_status": str(m.school_status),
                "absence": None if m.absence is None else str(m.absence),
                "resident": m.resident,
                "support_duty": m.support_duty,
            }
            for m in facts.members
        ],
        "incomes": [
            {
                "person_id": str(i.person_id),
                "kind": str(i.kind),
                "monthly_amount": str(i.monthly_amount),
                "excluded": str(i.kind) in excluded,
                "counted": i.person_id in is_counted and str(i.kind) not in excluded,
            }
            for i in circ.incomes
        ],
        "costs": [
            {
                "person_id": str(c.person_id),
                "kind": str(c.kind),
                "monthly_amount": str(c.monthly_amount),
                "deducted": c.person_id in is_counted,
            }
            for c in circ.costs
        ],
        "assets": {
            "financial": str(circ.assets.financial),
            "vehicle_value": str(circ.assets.vehicle_value),
            "dwellings": circ.assets.dwellings,
        },
        "beneficiaries": [str(b) for b in dict.fromkeys(facts.beneficiaries)],
    }


def _asset_failures(
    assets: Assets, n: int, financial_limit: Decimal, vehicle_limit: Decimal, max_dwellings: int
) -> list[Reason]:
    """The asset limits the household breaks; ``financial_limit`` is per counted member."""
    failures: list[Reason] = []
    if assets.financial > financial_limit * n:  # compared on totals: no rounding at the boundary
        failures.append(
            _reason(
                ASSETS_FINANCIAL_OVER_LIMIT,
                f"financial assets per capita {_yuan(assets.financial / n)} exceed the limit {_yuan(financial_limit)}",
            )
        )
    if assets.vehicle_value > vehicle_limit:
        failures.append(
            _reason(
                ASSETS_VEHICLE_OVER_LIMIT,
                f"vehicle value {_yuan(assets.vehicle_value)} exceeds the limit {_yuan(vehicle_limit)}",
            )
        )
    if assets.dwellings > max_dwellings:
        failures.append(
            _reason(ASSETS_DWELLINGS_OVER_LIMIT, f"{assets.dwellings} dwellings exceed the limit of {max_dwellings}")
        )
    return failures


def _individual(
    facts: DibaoFacts,
    beneficiaries: frozenset[UUID],
    per_capita: Decimal,
    standard: Decimal,
    margin_limit: Decimal,
    assets_ok: bool,
    excluded: frozenset[str],
) -> tuple[bool, Decimal, list[Reason]]:
    """单人保: some counted members only. Returns (eligible, monthly amount, reasons)."""
    by_id = {m.person_id: m for m in facts.members}
    ordered = sorted(beneficiaries, key=str)
    reasons: list[Reason] = []
    severe_ok = True
    for b in ordered:
        ground = _severity(by_id[b])
        if ground is None:
            severe_ok = False
            reasons.append(
                _reason(
                    BENEFICIARY_NOT_SEVERELY_DISABLED_OR_ILL,
                    f"member {b} is neither severely disabled nor seriously ill",
                )
            )
        else:
            reasons.append(_reason(ground[0], f"member {b} {ground[1]}"))
    margin_ok = per_capita < margin_limit
    reasons.append(
        _reason(
            MARGIN_INCOME_BELOW_LIMIT if margin_ok else MARGIN_INCOME_OVER_LIMIT,
            f"per-capita income {_yuan(per_capita)} is {'below' if margin_ok else 'not below'} "
            f"the margin limit {_yuan(margin_limit)}",
        )
    )
    if not (severe_ok and margin_ok and assets_ok):
        why = [
            text
            for ok, text in (
                (severe_ok, "not every beneficiary is severely disabled or seriously ill"),
                (margin_ok, "the household is not a margin household"),
                (assets_ok, "assets exceed the limits"),
            )
            if not ok
        ]
        reasons.append(_reason(PARTIAL_ENROLMENT_REFUSED, "enrolling only some members is refused: " + "; ".join(why)))
        return False, ZERO, reasons
    gaps = {b: max(ZERO, standard - _own_net_income(facts.circumstances, b, excluded)) for b in ordered}
    amount = round_yuan(sum(gaps.values(), ZERO))
    parts = "; ".join(f"member {b} gap {_yuan(g)}" for b, g in gaps.items())
    if amount <= 0:
        reasons.append(
            _reason(OWN_INCOME_ABOVE_STANDARD, f"own income is not below the standard {_yuan(standard)}: {parts}")
        )
        return False, ZERO, reasons
    reasons.append(_reason(BENEFIT_AMOUNT, f"individual enrolment monthly amount: {parts}; total {amount}"))
    return True, amount, reasons


def assess_dibao(facts: DibaoFacts, params: ParameterSnapshot) -> Assessment:
    """Run the dibao rules: eligibility, amount, reasons, and the record of what was used."""
    area = str(facts.area_type)
    standard = params.decimal(f"dibao.standard.{area}")
    months = params.count("dibao.asset.financial_months")
    vehicle_limit = params.decimal("dibao.asset.vehicle_value_limit")
    max_dwellings = params.count("dibao.asset.max_dwellings")
    margin_limit = params.decimal("dibao.margin_multiplier") * standard  # compared exactly, shown to the fen
    excluded = params.codes("dibao.income.excluded_kinds")

    circ, assets = facts.circumstances, facts.circumstances.assets
    status = {m.person_id: counted(m, facts.on) for m in facts.members}
    counted_ids = frozenset(pid for pid, (ok, _) in status.items() if ok)
    n = len(counted_ids)
    beneficiaries = frozenset(facts.beneficiaries)
    reasons: list[Reason] = []

    for m in facts.members:
        ok, code = status[m.person_id]
        if not ok:
            reasons.append(_reason(code, f"member {m.person_id} is not counted: {_COUNT_TEXT[code]}"))
    reasons.append(_reason(COUNTED_MEMBERS, f"{n} of {len(facts.members)} members are counted in the household"))

    counted_incomes = [i for i in circ.incomes if i.person_id in counted_ids]
    gross = sum((i.monthly_amount for i in counted_incomes if str(i.kind) not in excluded), ZERO)
    excluded_total = sum((i.monthly_amount for i in counted_incomes if str(i.kind) in excluded), ZERO)
    deductions = sum((c.monthly_amount for c in circ.costs if c.person_id in counted_ids), ZERO)
    household = max(ZERO, gross - deductions)
    if excluded_total > 0:
        reasons.append(_reason(INCOME_EXCLUDED, f"income {_yuan(excluded_total)} of excluded kinds is not counted"))
    if deductions > 0:
        reasons.append(
            _reason(COSTS_DEDUCTED, f"deductible costs {_yuan(deductions)} are deducted from income {_yuan(gross)}")
        )

    figures: dict[str, Any] = {
        "standard": _yuan(standard),
        "gross_income": _yuan(gross),
        "excluded_income": _yuan(excluded_total),
        "deductions": _yuan(deductions),
        "household_income": _yuan(household),
        "per_capita_income": None,
        "counted_members": n,
        "covered_members": len(beneficiaries),
        "financial_assets_per_capita": None,
        "financial_limit_per_capita": _yuan(months * standard),
        "margin_limit": _yuan(margin_limit),
    }
    eligible, individual, amount = False, False, ZERO

    if n == 0:
        reasons.append(_reason(NO_COUNTED_MEMBERS, "no member of the household is counted"))
    else:
        per_capita = household / n  # exact: money is rounded once, at the end of each amount (docs/rules.md)
        figures["per_capita_income"] = _yuan(per_capita)
        figures["financial_assets_per_capita"] = _yuan(assets.financial / n)
        below = per_capita < standard
        relation = "below" if below else "not below"
        reasons.append(
            _reason(
                INCOME_BELOW_STANDARD if below else INCOME_NOT_BELOW_STANDARD,
                f"per-capita income {_yuan(per_capita)} is {relation} the {area} standard {_yuan(standard)}",
            )
        )

        asset_failures = _asset_failures(assets, n, months * standard, vehicle_limit, max_dwellings)
        assets_ok = not asset_failures
        reasons.extend(
            asset_failures
            or [_reason(ASSETS_WITHIN_LIMITS, "financial assets, vehicles and dwellings are within the limits")]
        )

        strangers = [b for b in dict.fromkeys(facts.beneficiaries) if b not in counted_ids]
        if not beneficiaries:
            reasons.append(_reason(NO_BENEFICIARIES, "the application names no beneficiary"))
        elif strangers:
            reasons.extend(
                _reason(BENEFICIARY_NOT_COUNTED, f"beneficiary {b} is not a counted member of the household")
                for b in strangers
            )
        elif beneficiaries == counted_ids:
            eligible = below and assets_ok
            if eligible:
                amount = round_yuan((standard - per_capita) * n)
                reasons.append(
                    _reason(
                        BENEFIT_AMOUNT, f"monthly amount ({_yuan(standard)} - {_yuan(per_capita)}) x {n} = {amount}"
                    )
                )
        else:
            individual = True
            eligible, amount, found = _individual(
                facts, beneficiaries, per_capita, standard, margin_limit, assets_ok, excluded
            )
            reasons.extend(found)

    return Assessment(
        program=Program.DIBAO,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=amount if eligible else ZERO,
        reasons=tuple(reasons),
        figures=figures,
        inputs=_inputs(facts, status, excluded),
        parameters=params.used_values(),
        individual=individual,
    )
