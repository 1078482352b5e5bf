"""The elderly programs' rule runners for the case tables (``cases/elderly_allowance.yaml``,
``cases/home_care.yaml``): each turns a case's inputs into the assessment's outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.policy import ParameterSnapshot
from domain.residence import Residence
from domain.rules.elderly import AllowanceFacts, HomeCareFacts, PaidAs, assess_elderly_allowance, assess_home_care
from domain.rules.tekun import Arrangement, DailyActivity
from tests.rules.support import member

if TYPE_CHECKING:
    from tests.rules.case_tables import Case


def _residence(spec: dict[str, Any] | str) -> Residence | None:
    if spec == "none":
        return None
    assert isinstance(spec, dict)
    return Residence(
        str(spec.get("division", "430112001001")), spec.get("since", date(1990, 1, 1)), spec.get("ended_on")
    )


def run_elderly_allowance(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    from tests.rules.case_tables import outcome_of

    g = case.given
    facts = AllowanceFacts(
        person=member(g.get("person") or {}),
        on=case.on,
        residence=_residence(g.get("residence", {})),
        jurisdiction=str(g.get("jurisdiction", "430112")),
    )
    return outcome_of(assess_elderly_allowance(facts, params))


def run_home_care(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    from tests.rules.case_tables import outcome_of

    g = case.given
    tekun = g.get("tekun")
    facts = HomeCareFacts(
        person=member(g.get("person") or {}),
        on=case.on,
        in_dibao=bool(g.get("dibao", False)),
        tekun_arrangement=None if tekun is None else Arrangement(tekun),
        on_low_income_register=bool(g.get("low_income", False)),
        unable_activities=frozenset(DailyActivity(a) for a in g.get("unable", [])),
        paid_as=PaidAs(g.get("paid_as", "money")),
    )
    return outcome_of(assess_home_care(facts, params))


ELDERLY_RULES: dict[str, Callable[[Case, ParameterSnapshot], dict[str, Any]]] = {
    "elderly_allowance": run_elderly_allowance,
    "home_care": run_home_care,
}
