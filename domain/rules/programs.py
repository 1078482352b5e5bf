"""Which rules a program runs, on which facts of the household, and the terms each application needs.

A pure dispatcher: household state + beneficiaries + application terms + parameters → Assessment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.assessment import Assessment
from domain.enrolment import FINAL, Status
from domain.errors import InvalidValue, RuleViolation
from domain.members import Member, SchoolStatus
from domain.policy import ParameterSnapshot
from domain.rules.children import ChildFacts, Placement, assess_orphan
from domain.rules.dibao import DibaoFacts, assess_dibao
from domain.rules.disability import DisabilityFacts, HouseholdKind, assess_disability_care, assess_disability_living
from domain.rules.elderly import PaidAs, assess_elderly_allowance, assess_home_care
from domain.rules.elderly.household import allowance_facts, home_care_facts, precheck_elderly
from domain.rules.tekun import Ages, Arrangement, DailyActivity, TekunFacts, able_to_work, assess_tekun
from domain.rules.unsupported_child import assess_unsupported_child
from domain.values import Program

if TYPE_CHECKING:
    from domain.facts import HouseholdFacts

#: Programs whose enrolments cover one person only.
PERSONAL = frozenset(
    {
        Program.TEKUN,
        Program.ORPHAN,
        Program.UNSUPPORTED_CHILD,
        Program.ELDERLY_ALLOWANCE,
        Program.HOME_CARE_SUBSIDY,
        Program.DISABILITY_LIVING,
        Program.DISABILITY_CARE,
    }
)
DISABILITY = frozenset({Program.DISABILITY_LIVING, Program.DISABILITY_CARE})
CHILDREN = frozenset({Program.ORPHAN, Program.UNSUPPORTED_CHILD})
ELDERLY = frozenset({Program.ELDERLY_ALLOWANCE, Program.HOME_CARE_SUBSIDY})
#: Programs with a public notice after the township opinion (docs/rules.md).
NOTICED = frozenset({Program.DIBAO, Program.TEKUN})
ENROLLING = frozenset({Program.DIBAO, Program.TEKUN, Program.ORPHAN, Program.UNSUPPORTED_CHILD}) | ELDERLY | DISABILITY
#: The statuses of a dibao enrolment in which its household is a dibao household (the living subsidy's test).
DIBAO_STANDING = frozenset({Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT})


def parse_terms(program: Program, terms: dict[str, Any]) -> dict[str, Any]:
    """Check an application's program-specific terms; returns them as plain JSON values."""
    required: dict[str, type[StrEnum] | None] = {}  # None: a yes/no term
    if program is Program.TEKUN:
        required = {"arrangement": Arrangement, "has_capable_supporter": None}
    elif program in CHILDREN:
        required = {"placement": Placement}
    elif program is Program.HOME_CARE_SUBSIDY:
        required = {"paid_as": PaidAs}
    unknown = sorted(set(terms) - set(required))
    if unknown:
        raise InvalidValue(
            f"{program} applications take no term {unknown[0]!r}", field=f"terms.{unknown[0]}", rule="term-known"
        )
    out: dict[str, Any] = {}
    for name, kind in required.items():
        if name not in terms:
            raise InvalidValue(f"{program} applications state {name}", field=f"terms.{name}", rule="term-required")
        value = terms[name]
        if kind is None:
            if not isinstance(value, bool):
                raise InvalidValue(f"{name} is true or false", field=f"terms.{name}", rule="term-boolean")
            out[name] = value
        elif isinstance(value, str) and value in {k.value for k in kind}:
            out[name] = kind(value).value
        else:
            raise InvalidValue(
                f"{name} {value!r} is not one of {[k.value for k in kind]}", field=f"terms.{name}", rule="term-value"
            )
    return out


def parse_activities(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The daily activities a person cannot do, checked against the six of docs/rules.md."""
    out = []
    for i, v in enumerate(values):
        try:
            out.append(DailyActivity(v).value)
        except ValueError:
            raise InvalidValue(
                f"unknown daily activity {v!r}; known: {[a.value for a in DailyActivity]}",
                field=f"unable_activities[{i}]",
                rule="daily-activity-known",
            ) from None
    if len(set(out)) != len(out):
        raise InvalidValue("an activity is named twice", field="unable_activities", rule="daily-activity-duplicate")
    return tuple(sorted(out))


def assistance_share(h: HouseholdFacts, person_id: UUID, on: date, *, excluding: UUID | None = None) -> Decimal:
    """The person's monthly share of the dibao and tekun amounts payable in this household on a date
    (an amount divided by the beneficiaries it covers then; not rounded: the top-up is, at the end)."""
    share = Decimal("0.00")
    for e in h.enrolments.values():
        if e.enrolment_id == excluding or e.program not in (Program.DIBAO, Program.TEKUN):
            continue
        covered = e.beneficiaries_on(on)
        amount = e.amount_on(on)
        if person_id in covered and amount > 0:
            share += amount / len(covered)
    return share


def _dibao_facts(h: HouseholdFacts, beneficiaries: tuple[UUID, ...], on: date) -> DibaoFacts:
    return DibaoFacts(
        area_type=h.area_type,
        members=tuple(h.members.values()),
        circumstances=h.circumstances_on(on),
        beneficiaries=beneficiaries,
        on=on,
    )


def _tekun_facts(
    h: HouseholdFacts, person: Member, terms: dict[str, Any], on: date, params: ParameterSnapshot
) -> TekunFacts:
    """The person's own counted income (the dibao exclusions apply) and the household's financial assets."""
    means = h.circumstances_on(on)
    excluded = params.codes("dibao.income.excluded_kinds")
    income = sum(
        (i.monthly_amount for i in means.income_of(person.person_id) if i.kind not in excluded), Decimal("0.00")
    )
    takes_child = any(
        e.program in CHILDREN and person.person_id in e.beneficiaries and (e.status_on(on) or e.status) not in FINAL
        for e in h.enrolments.values()
    )
    return TekunFacts(
        area_type=h.area_type,
        person=person,
        on=on,
        monthly_income=income,
        financial_assets=means.assets.financial,
        has_capable_supporter=bool(terms["has_capable_supporter"]),
        unable_activities=frozenset(DailyActivity(a) for a in h.care_on(person.person_id, on)),
        arrangement=Arrangement(terms["arrangement"]),
        takes_child_program=takes_child,
    )


def in_dibao(h: HouseholdFacts, on: date) -> bool:
    """Whether a dibao enrolment of the household is approved and not ended on a date."""
    return any(e.program is Program.DIBAO and e.status_on(on) in DIBAO_STANDING for e in h.enrolments.values())


def _disability_facts(h: HouseholdFacts, person: Member, on: date, params: ParameterSnapshot) -> DisabilityFacts:
    """The certificate in force and the household's standing; margin only where the parameter reaches it."""
    margin = None
    if HouseholdKind.MARGIN in params.codes("disability_living.household_kinds"):
        figures = assess_dibao(_dibao_facts(h, (), on), params).figures
        per_capita = figures["per_capita_income"]
        margin = per_capita is not None and Decimal(per_capita) <= Decimal(figures["margin_limit"])
    return DisabilityFacts(
        person_id=person.person_id,
        on=on,
        certificate=h.certificate_on(person.person_id, on),
        in_dibao=in_dibao(h, on),
        in_margin=margin,
    )


def _child_facts(
    h: HouseholdFacts, person: Member, terms: dict[str, Any], on: date, enrolment_id: UUID | None, share: Decimal | None
) -> ChildFacts:
    father, mother = h.parents_on(person.person_id, on)
    return ChildFacts(
        child=person,
        on=on,
        father=father,
        mother=mother,
        placement=Placement(terms["placement"]),
        current_assistance_share=assistance_share(h, person.person_id, on, excluding=enrolment_id)
        if share is None
        else share,
    )


def assess(
    h: HouseholdFacts,
    program: Program,
    beneficiaries: tuple[UUID, ...],
    terms: dict[str, Any],
    on: date,
    params: ParameterSnapshot,
    *,
    enrolment_id: UUID | None = None,
    share: Decimal | None = None,
) -> Assessment:
    """Run the program's rules on the household's facts in force on ``on``."""
    program = Program(program)
    if program is Program.DIBAO:
        return assess_dibao(_dibao_facts(h, beneficiaries, on), params)
    if len(beneficiaries) != 1:
        raise InvalidValue(
            f"a {program} enrolment covers exactly one person", field="beneficiaries", rule="one-beneficiary"
        )
    person = h.member(beneficiaries[0])
    if program is Program.TEKUN:
        return assess_tekun(_tekun_facts(h, person, terms, on, params), params)
    if program is Program.ELDERLY_ALLOWANCE:
        return assess_elderly_allowance(allowance_facts(h, person, on), params)
    if program is Program.HOME_CARE_SUBSIDY:
        return assess_home_care(home_care_facts(h, person, terms, on), params)
    if program is Program.DISABILITY_CARE:
        return assess_disability_care(_disability_facts(h, person, on, params), params)
    if program is Program.DISABILITY_LIVING:
        return assess_disability_living(_disability_facts(h, person, on, params), params)
    facts = _child_facts(h, person, terms, on, enrolment_id, share)
    if program is Program.ORPHAN:
        return assess_orphan(facts, params)
    return assess_unsupported_child(facts, params)


def review_interval_key(program: Program) -> str | None:
    """The parameter holding the review interval; None for dibao, whose interval depends on the household."""
    if program is Program.TEKUN:
        return "tekun.review_months"
    if program in CHILDREN:
        return "children.review_months"
    if program is Program.ELDERLY_ALLOWANCE:
        return "elderly_allowance.verification_months"
    if program is Program.HOME_CARE_SUBSIDY:
        return "home_care.review_months"
    if program is Program.DISABILITY_LIVING:
        return "disability_living.review_months"
    if program is Program.DISABILITY_CARE:
        return "disability_care.review_months"
    return None


def precheck(
    h: HouseholdFacts, program: Program, beneficiaries: tuple[UUID, ...], on: date, params: ParameterSnapshot
) -> None:
    """Refuse at once an application that no investigation could make eligible (age, ability to work)."""
    if program not in PERSONAL:
        return
    person = h.member(beneficiaries[0])
    if program in ELDERLY:
        return precheck_elderly(program, person, on, params)
    age, ages = person.age_on(on), Ages.read(params)
    if program in CHILDREN and age >= ages.adult:
        raise RuleViolation(
            f"the {program} programme is for children under {ages.adult}; this person is {age}",
            field="beneficiaries[0]",
            rule="child-under-18",
        )
    if program is Program.TEKUN and age >= ages.adult:
        able, _ = able_to_work(person, on, ages)
        student = person.school_status is SchoolStatus.FULL_TIME and age < params.count("tekun.school_extension_age")
        if able and not student:
            raise RuleViolation(
                f"tekun requires inability to work: aged {ages.elderly} or over, under {ages.working},"
                " or a qualifying disability",
                field="beneficiaries[0]",
                rule="tekun-unable-to-work",
            )
