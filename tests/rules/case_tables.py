"""Runs the rule case tables in ``tests/rules/cases/*.yaml`` (how to read and add one: docs/rules.md).

A file names the ``rule`` its cases run, the date they are ``assessed_on``, the ``parameters`` in force
and the ``defaults`` every case starts from; each case gives its own inputs (``given``, merged over the
defaults), parameter overrides, and what it ``expect``s. Each rule turns its inputs into an *outcome*,
a plain mapping the expectations are checked against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain.assessment import Assessment
from domain.circumstances import Assets, Circumstances, CostItem, CostKind, IncomeItem, IncomeKind
from domain.policy import ParameterSnapshot
from domain.rules import schedule
from domain.rules.children import ChildFacts, Placement, assess_orphan, whole_months
from domain.rules.dibao import DibaoFacts, assess_dibao
from domain.rules.tekun import Ages, Arrangement, DailyActivity, TekunFacts, able_to_work, assess_tekun
from domain.rules.temporary import ApprovalLevel, GrantKind, assess_temporary_grant
from domain.rules.unsupported_child import assess_unsupported_child
from domain.values import AreaType
from tests.rules.case_tables_elderly import ELDERLY_RULES
from tests.rules.disability_cases import run_disability_care, run_disability_living
from tests.rules.support import CASES, checked, member, parents, read_table, snapshot

STRANGER = "stranger"  # a beneficiary who is no member of the household


@dataclass(frozen=True)
class Case:
    """One row of a case table, with the file-level settings folded in."""

    file: str
    id: str
    rule: str
    on: date
    given: dict[str, Any]
    parameters: dict[str, Any]
    expect: dict[str, Any]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``; mappings merge key by key, and a key set to null is removed."""
    out = dict(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_cases() -> Iterator[Case]:
    """Every case of every table, in file order."""
    for path in sorted(CASES.glob("*.yaml")):
        table = read_table(path)
        for row in table["cases"]:
            yield Case(
                file=path.stem,
                id=str(row["id"]),
                rule=row.get("rule", table["rule"]),
                on=row.get("assessed_on", table["assessed_on"]),
                given=_merge(table.get("defaults") or {}, row.get("given") or {}),
                parameters=_merge(table.get("parameters") or {}, row.get("parameters") or {}),
                expect=row["expect"],
            )


# --- inputs ---------------------------------------------------------------------------------

# --- outcomes -------------------------------------------------------------------------------


def outcome_of(a: Assessment) -> dict[str, Any]:
    """What an assessment concluded, as plain values; checks the invariant of every assessment."""
    checked(a)
    return {
        "program": str(a.program),
        "eligible": a.eligible,
        "amount": str(a.monthly_amount),
        "individual": a.individual,
        "figures": a.figures,
        "reasons": [r.code for r in a.reasons],
        "parameters": sorted(p.name for p in a.parameters),
        "assessed_on": a.assessed_on,
        "inputs": a.inputs,
    }


def _assets(spec: dict[str, Any]) -> Assets:
    return Assets(
        financial=Decimal(spec.get("financial", "0.00")),
        vehicle_value=Decimal(spec.get("vehicle_value", "0.00")),
        dwellings=int(spec.get("dwellings", 0)),
    )


def run_dibao(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    g = case.given
    people = {label: member(spec) for label, spec in (g.get("members") or {}).items()}
    ids: dict[str, UUID] = {label: m.person_id for label, m in people.items()} | {STRANGER: uuid4()}
    circumstances = Circumstances(
        incomes=tuple(
            IncomeItem(ids[who], IncomeKind(kind), Decimal(amount)) for who, kind, amount in g.get("incomes", [])
        ),
        assets=_assets(g.get("assets") or {}),
        costs=tuple(CostItem(ids[who], CostKind.MEDICAL, Decimal(amount)) for who, amount in g.get("costs", [])),
    )
    named = g.get("beneficiaries")
    facts = DibaoFacts(
        area_type=AreaType(g.get("area", "urban")),
        members=tuple(people.values()),
        circumstances=circumstances,
        beneficiaries=tuple(ids[b] for b in named) if named is not None else (),
        on=case.on,
    )
    if named is None:  # every counted member, as the application would name them
        status = assess_dibao(facts, params).inputs["members"]
        counted = tuple(UUID(m["person_id"]) for m in status if m["counted"])
        facts = DibaoFacts(facts.area_type, facts.members, circumstances, counted, case.on)
    out = outcome_of(assess_dibao(facts, params))
    label_of = {str(i): label for label, i in ids.items()}
    out["counted"] = {label_of[m["person_id"]]: [m["counted"], m["count_reason"]] for m in out["inputs"]["members"]}
    return out


def run_tekun(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    g = case.given
    facts = TekunFacts(
        area_type=AreaType(g.get("area", "urban")),
        person=member(g.get("person") or {}),
        on=case.on,
        monthly_income=Decimal(g.get("income", "0.00")),
        financial_assets=Decimal(g.get("assets", "0.00")),
        has_capable_supporter=bool(g.get("capable_supporter", False)),
        unable_activities=frozenset(DailyActivity(a) for a in g.get("unable", [])),
        arrangement=Arrangement(g.get("arrangement", "dispersed")),
        takes_child_program=bool(g.get("takes_child_program", False)),
    )
    return outcome_of(assess_tekun(facts, params))


def run_able_to_work(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    able, code = able_to_work(member(case.given.get("person") or {}), case.on, Ages.read(params))
    return {"able": able, "code": code}


def _child_facts(case: Case) -> ChildFacts:
    g = case.given
    return ChildFacts(
        child=member({"relation": "child", "born": date(2015, 6, 1), **(g.get("child") or {})}),
        on=case.on,
        father=parents(g.get("father")),
        mother=parents(g.get("mother")),
        placement=Placement(g.get("placement", "community")),
        current_assistance_share=Decimal(g.get("share", "0.00")),
    )


def run_orphan(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    return outcome_of(assess_orphan(_child_facts(case), params))


def run_unsupported_child(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    return outcome_of(assess_unsupported_child(_child_facts(case), params))


def run_whole_months(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    return {"months": whole_months(case.given["since"], case.on)}


def run_temporary(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    g = case.given
    kind, level = GrantKind(g.get("kind", "emergency")), ApprovalLevel(g.get("level", "township"))
    out = outcome_of(assess_temporary_grant(kind, level, Decimal(g["amount"]), case.on, params))
    assert out["figures"]["one_off"] is True
    if out["eligible"]:
        assert out["amount"] == g["amount"]
    return out


def run_benefits_start(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    starts = schedule.benefits_start(case.given["approved"], params)
    return {"starts": starts, "parameters": [v.name for v in params.used_values()]}


def run_gradual_exit_until(case: Case, params: ParameterSnapshot) -> dict[str, Any]:
    until = schedule.gradual_exit_until(case.given["decided"], params)
    return {"until": until, "parameters": [v.name for v in params.used_values()]}


RULES: dict[str, Callable[[Case, ParameterSnapshot], dict[str, Any]]] = {
    "dibao": run_dibao,
    "tekun": run_tekun,
    "tekun.able_to_work": run_able_to_work,
    "orphan": run_orphan,
    "unsupported_child": run_unsupported_child,
    "children.whole_months": run_whole_months,
    "temporary": run_temporary,
    "schedule.benefits_start": run_benefits_start,
    "schedule.gradual_exit_until": run_gradual_exit_until,
    "disability_living": run_disability_living,
    "disability_care": run_disability_care,
}
RULES.update(ELDERLY_RULES)


# --- expectations ---------------------------------------------------------------------------


def _subset(name: str, actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert key in actual, f"{name}: no {key!r} in {actual}"
        if isinstance(value, dict):
            _subset(f"{name}.{key}", actual[key], value)
        else:
            assert actual[key] == value, f"{name}.{key}: {actual[key]!r} != {value!r}"


def _reasons(out: dict[str, Any], key: str, expected: Any) -> None:
    codes: list[str] = out["reasons"]
    if key == "reasons":
        assert codes == expected, f"reasons {codes} != {expected}"
    elif key == "reasons_include":
        assert set(expected) <= set(codes), f"{sorted(set(expected) - set(codes))} missing from {codes}"
    elif key == "reasons_exclude":
        assert not set(expected) & set(codes), f"{sorted(set(expected) & set(codes))} found in {codes}"
    elif key == "reason_at":
        for index, code in expected.items():
            assert codes[int(index)] == code, f"reason {index} is {codes[int(index)]}, not {code}"
    elif key == "reason_count":
        for code, n in expected.items():
            assert codes.count(code) == n, f"{code} appears {codes.count(code)} times, not {n}"


def check(case: Case) -> None:
    """Run the case's rule and hold its outcome to every expectation."""
    out = RULES[case.rule](case, snapshot(case.parameters, case.on))
    for key, expected in case.expect.items():
        if key.startswith("reason"):
            _reasons(out, key, expected)
        elif key.endswith("_exactly"):
            assert out[key.removesuffix("_exactly")] == expected, f"{key}: {out[key.removesuffix('_exactly')]!r}"
        elif key == "parameters_include":
            assert set(expected) <= set(out["parameters"]), f"{expected} not all read: {out['parameters']}"
        elif key == "parameters_exclude":
            assert not set(expected) & set(out["parameters"]), f"{expected} read: {out['parameters']}"
        elif isinstance(expected, dict):
            _subset(key, out[key], expected)
        else:
            assert out[key] == expected, f"{key}: {out[key]!r} != {expected!r}"
