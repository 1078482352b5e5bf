"""The elderly allowance (高龄津贴): age reached before the month, residence, and the band's amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.assessment import Assessment, Finding
from domain.policy import ParameterSnapshot
from domain.rules.elderly.codes import (
    ALLOWANCE_BAND,
    BANDS,
    ELDERLY_AGE_NOT_REACHED,
    ELDERLY_AGE_REACHED,
    RESIDENT_NOT_REGISTERED,
    RESIDENT_REGISTERED,
    reason,
)
from domain.rules.elderly.facts import AllowanceFacts, age_before_month
from domain.values import ZERO, Program, round_yuan


def band_ages(params: ParameterSnapshot) -> dict[str, int]:
    """Each band's lowest age (``elderly_allowance.age.<band>``)."""
    return {band: params.count(f"elderly_allowance.age.{band}") for band in BANDS}


def age_test(facts: AllowanceFacts, ages: dict[str, int]) -> Finding[str | None]:
    """The band of the age completed before the month began (None: below the lowest band's age)."""
    age = age_before_month(facts.person, facts.on)
    reached = [band for band in BANDS if age >= ages[band]]
    lowest = ages[BANDS[0]]
    if not reached:
        text = f"aged {age} at the end of the month before {facts.on:%Y-%m}: {lowest} not yet reached"
        return Finding(None, (reason(ELDERLY_AGE_NOT_REACHED, text),))
    text = f"aged {age} at the end of the month before {facts.on:%Y-%m}: {lowest} reached, {reached[-1]}"
    return Finding(reached[-1], (reason(ELDERLY_AGE_REACHED, text),))


def residence_test(facts: AllowanceFacts) -> Finding[bool]:
    """Registered as a resident inside the jurisdiction on the date."""
    r = facts.residence
    if r is not None and r.registered_on(facts.on, facts.jurisdiction):
        text = f"registered in {r.division_code} since {r.registered_from}, inside {facts.jurisdiction}"
        return Finding(True, (reason(RESIDENT_REGISTERED, text),))
    if r is None:
        text = "no residence registration recorded"
    else:
        until = f" until {r.ended_on}" if r.ended_on else ""
        where = f"registered in {r.division_code} from {r.registered_from}{until}"
        text = f"{where}: not in {facts.jurisdiction} on {facts.on}"
    return Finding(False, (reason(RESIDENT_NOT_REGISTERED, text),))


def band_amount(band: str, ages: dict[str, int], params: ParameterSnapshot) -> Finding[Decimal]:
    """The monthly amount of the band (``elderly_allowance.amount.<band>``)."""
    amount = round_yuan(params.decimal(f"elderly_allowance.amount.{band}"))
    return Finding(amount, (reason(ALLOWANCE_BAND, f"monthly amount: {band} (from {ages[band]}) {amount}"),))


def inputs(facts: AllowanceFacts) -> dict[str, Any]:
    """A plain-JSON record of the facts seen; no names and no ID numbers."""
    r = facts.residence
    return {
        "on": facts.on.isoformat(),
        "person": {
            "person_id": str(facts.person.person_id),
            "age_before_month": age_before_month(facts.person, facts.on),
        },
        "residence": None
        if r is None
        else {
            "division_code": r.division_code,
            "registered_from": r.registered_from.isoformat(),
            "ended_on": None if r.ended_on is None else r.ended_on.isoformat(),
        },
        "jurisdiction": facts.jurisdiction,
    }


def assess_elderly_allowance(facts: AllowanceFacts, params: ParameterSnapshot) -> Assessment:
    """Run the allowance rules: age band, residence, the band's amount."""
    ages = band_ages(params)
    age, resident = age_test(facts, ages), residence_test(facts)
    band = age.value
    eligible = band is not None and resident.value
    amount = band_amount(band, ages, params) if eligible and band is not None else Finding(ZERO)
    return Assessment(
        program=Program.ELDERLY_ALLOWANCE,
        assessed_on=facts.on,
        eligible=eligible,
        monthly_amount=amount.value,
        reasons=tuple(r for f in (age, resident, amount) for r in f.reasons),
        figures={"band": band, "band_ages": dict(ages)},
        inputs=inputs(facts),
        parameters=params.used_values(),
    )
