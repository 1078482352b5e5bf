"""The disability subsidies' case tables (``cases/disability.yaml``): a certificate (or none) and the
household's standing on the date assessed, run through either subsidy's rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

from domain.assessment import Assessment
from domain.disability import DisabilityCertificate
from domain.members import DisabilityKind
from domain.policy import ParameterSnapshot
from domain.rules.disability import DisabilityFacts, assess_disability_care, assess_disability_living

if TYPE_CHECKING:
    from tests.rules.case_tables import Case


def disability_facts(case: Case) -> DisabilityFacts:
    g = case.given
    spec = g.get("certificate")
    certificate = (
        None
        if spec is None
        else DisabilityCertificate(
            category=DisabilityKind(spec.get("category", "physical")),
            grade=int(spec["grade"]),
            number=str(spec.get("number", "11010519800101123X11")),
            issued_on=spec["issued_on"],
            valid_until=spec["valid_until"],
        )
    )
    return DisabilityFacts(
        person_id=uuid4(),
        on=case.on,
        certificate=certificate,
        in_dibao=bool(g.get("in_dibao", False)),
        in_margin=g.get("in_margin"),
    )


def _outcome(a: Assessment) -> dict[str, Any]:
    from tests.rules.case_tables import outcome_of  # the tables import this module

    out = outcome_of(a)
    assert "number" not in str(a.inputs)  # the certificate number is personal data: never in an assessment
    return out


def run_disability_living(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    return _outcome(assess_disability_living(disability_facts(case), params))


def run_disability_care(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    return _outcome(assess_disability_care(disability_facts(case), params))
