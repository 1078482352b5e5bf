"""The tekun rules composed: the three criteria, the care level and the amount (docs/rules.md)."""

from __future__ import annotations

from typing import Any

from domain.assessment import Assessment, Finding
from domain.policy import ParameterSnapshot
from domain.rules.tekun.amount import assessed_care_level, basic_living, care_subsidy, tekun_amount
from domain.rules.tekun.codes import Arrangement
from domain.rules.tekun.criteria import asset_test, income_test, supporter_test, work_test
from domain.rules.tekun.facts import Ages, TekunFacts
from domain.values import ZERO, Program, round_yuan


def inputs(facts: TekunFacts) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; no names and no ID numbers."""
    p, d = facts.person, facts.person.disability
    return {
        "area_type": str(facts.area_type),
        "on": facts.on.isoformat(),
        "person": {
            "person_id": str(p.person_id),
            "age": p.age_on(facts.on),
            "disability": None if d is None else {"kind": str(d.kind), "grade": d.grade},
            "labour_capacity": str(p.labour_capacity),
            "school_status": str(p.school_status),
        },
        "monthly_income": str(facts.monthly_income),
        "financial_assets": str(facts.financial_assets),
        "has_capable_supporter": facts.has_capable_supporter,
        "unable_activities": sorted(str(a) for a in facts.unable_activities),
        "arrangement": str(facts.arrangement),
        "takes_child_program": facts.takes_child_program,
    }


def assess_tekun(facts: TekunFacts, params: ParameterSnapshot) -> Assessment:
    """Run the tekun rules: the three criteria, the care level, the amount, and what was used."""
    standard = params.decimal(f"dibao.standard.{facts.area_type}")
    multiplier = params.decimal("tekun.multiplier")
    limit = params.decimal("tekun.asset.financial_limit")
    arrangement = Arrangement(facts.arrangement)
    level = assessed_care_level(facts.unable_activities, arrangement)
    subsidy = care_subsidy(params, arrangement, level.value)
    tests = (
        work_test(facts, Ages.read(params), params),
        income_test(facts, standard),
        asset_test(facts, limit),
        supporter_test(facts),
    )
    eligible = all(t.value for t in tests)
    amount = tekun_amount(multiplier, standard, subsidy, arrangement, level.value) if eligible else Finding(ZERO)
    return Assessment(
        program=Program.TEKUN,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=amount.value,
        reasons=tuple(r for f in (*tests, level, amount) for r in f.reasons),
        figures={
            "standard": str(round_yuan(standard)),
            "multiplier": str(multiplier),
            "basic_living": str(basic_living(multiplier, standard)),
            "care_level": str(level.value),
            "care_subsidy": str(round_yuan(subsidy)),
            "financial_limit": str(round_yuan(limit)),
        },
        inputs=inputs(facts),
        parameters=params.used_values(),
    )
