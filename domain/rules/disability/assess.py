"""The two disability subsidies composed: the tests, the amount by grade, and what was used."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.assessment import Assessment, Finding, Reason
from domain.policy import ParameterSnapshot
from domain.rules.disability.codes import CARE_AMOUNT, LIVING_AMOUNT, reason
from domain.rules.disability.criteria import certificate_test, household_test, severity_test
from domain.rules.disability.facts import DisabilityFacts
from domain.values import ZERO, Program, round_yuan


def inputs(facts: DisabilityFacts) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; the certificate number never (it is personal data)."""
    c = facts.certificate
    return {
        "person_id": str(facts.person_id),
        "on": facts.on.isoformat(),
        "certificate": None
        if c is None
        else {
            "category": str(c.category),
            "grade": c.grade,
            "issued_on": c.issued_on.isoformat(),
            "valid_until": c.valid_until.isoformat(),
        },
        "in_dibao": facts.in_dibao,
        "in_margin": facts.in_margin,
    }


def amount_by_grade(params: ParameterSnapshot, program: Program, grade: int, code: str) -> Finding[Decimal]:
    """The monthly amount: the parameter ``<program>.amount.grade_<n>`` (equal values make it flat)."""
    if program is Program.DISABILITY_LIVING:
        value = round_yuan(params.decimal(f"disability_living.amount.grade_{grade}"))
    else:
        value = round_yuan(params.decimal(f"disability_care.amount.grade_{grade}"))
    return Finding(value, (reason(code, f"{program} for grade {grade}: {value} yuan a month"),))


def _assessment(
    program: Program, facts: DisabilityFacts, tests: tuple[Finding[bool], ...], params: ParameterSnapshot, code: str
) -> Assessment:
    eligible = all(t.value for t in tests)
    c = facts.certificate
    amount = amount_by_grade(params, program, c.grade, code) if eligible and c is not None else Finding(ZERO)
    reasons: tuple[Reason, ...] = (*(r for t in tests for r in t.reasons), *amount.reasons)
    return Assessment(
        program=program,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=amount.value,
        reasons=reasons,
        figures={
            "grade": None if c is None else c.grade,
            "category": None if c is None else str(c.category),
            "valid_until": None if c is None else c.valid_until.isoformat(),
            "amount": str(amount.value),
        },
        inputs=inputs(facts),
        parameters=params.used_values(),
    )


def assess_disability_living(facts: DisabilityFacts, params: ParameterSnapshot) -> Assessment:
    """困难残疾人生活补贴: a valid certificate in a dibao household (or a margin household where allowed)."""
    kinds = params.codes("disability_living.household_kinds")
    tests = (certificate_test(facts), household_test(facts, kinds))
    return _assessment(Program.DISABILITY_LIVING, facts, tests, params, LIVING_AMOUNT)


def assess_disability_care(facts: DisabilityFacts, params: ParameterSnapshot) -> Assessment:
    """重度残疾人护理补贴: a valid certificate of grade 1–2, or 3–4 in a category the parameter allows."""
    valid = certificate_test(facts)
    tests: tuple[Finding[bool], ...] = (valid,)
    if facts.certificate is not None:
        lesser = params.codes("disability_care.lesser_grade_categories")
        tests = (valid, severity_test(facts.certificate, lesser))
    return _assessment(Program.DISABILITY_CARE, facts, tests, params, CARE_AMOUNT)
