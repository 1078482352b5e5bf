"""What the rule tests share: people with valid ID numbers, parameter snapshots, the case tables'
parameters, the invariant of every assessment, and the checks on what an assessment records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import yaml

from domain.assessment import Assessment
from domain.members import Absence, Disability, DisabilityKind, LabourCapacity, Member, Relation, SchoolStatus
from domain.policy import ParameterSnapshot, ParameterValue, parse_parameter
from domain.rules.children import ParentSituation, ParentStatus
from domain.values import IdNumber, id_check_character

CASES = Path(__file__).parent / "cases"
ON = date(2024, 3, 1)  # the day the rule tests assess on


def read_table(path: Path) -> dict[str, Any]:
    """One case table as written."""
    table: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return table


def table_parameters(name: str) -> dict[str, Any]:
    """The parameters a case table puts in force (``cases/<name>.yaml``), for the tests beside it."""
    return dict(read_table(CASES / f"{name}.yaml")["parameters"])


def table_snapshot(name: str) -> ParameterSnapshot:
    """The parameters a case table puts in force, as a snapshot on ``ON``: what its tests assess with."""
    return snapshot(table_parameters(name), ON)


_seq = iter(range(100, 1000))


def snapshot(parameters: dict[str, Any], on: date = ON) -> ParameterSnapshot:
    """The parameters in force, each checked and typed as the policy would (``parse_parameter``)."""
    values = {
        name: ParameterValue(name, "110105", date(2024, 1, 1), parse_parameter(name, raw), "test basis")
        for name, raw in parameters.items()
    }
    return ParameterSnapshot(division_code="110105001001", on=on, values=values)


def person(relation: Relation | str = Relation.HEAD, born: date = date(1980, 1, 1), **facts: Any) -> Member:
    """A person born on ``born`` with a valid ID number (Chaoyang district), named 张三; ``facts`` are the
    member's other facts, typed or as the YAML spells them."""
    first17 = "110105" + born.strftime("%Y%m%d") + f"{next(_seq):03d}"
    typed = {"labour_capacity": LabourCapacity, "school_status": SchoolStatus, "absence": Absence}
    for key, kind in typed.items():
        if key in facts:
            facts[key] = kind(facts[key])
    if isinstance(facts.get("disability"), dict):
        facts["disability"] = Disability(DisabilityKind(facts["disability"]["kind"]), facts["disability"]["grade"])
    return Member(
        person_id=uuid4(),
        name="张三",
        id_number=IdNumber(first17 + id_check_character(first17)),
        relation=Relation(relation),
        **facts,
    )


def member(spec: dict[str, Any]) -> Member:
    """A person from a YAML mapping: ``relation`` (head unless given), ``born``, and the member's facts."""
    return person(**spec)


def checked(a: Assessment) -> Assessment:
    """The invariant of every assessment: an amount above zero exactly when eligible."""
    if a.eligible:
        assert a.monthly_amount > 0
    else:
        assert str(a.monthly_amount) == "0.00"
    return a


def assert_no_personal_data(a: Assessment, m: Member) -> None:
    """Inputs are plain JSON, and nothing recorded holds the person's name, ID number or birth date."""
    assert json.loads(json.dumps(a.inputs)) == a.inputs
    text = repr(a.inputs) + json.dumps(a.inputs) + json.dumps(a.figures) + repr(a.reasons)
    assert m.name not in text
    assert m.id_number.value not in text
    assert m.id_number.value[6:14] not in text


def assert_catalogued(runs: list[Assessment], catalogue: dict[str, str]) -> None:
    """Every reason of every run has a message and its code's legal basis from the catalogue."""
    for a in runs:
        assert a.reasons
        for r in a.reasons:
            assert r.legal_basis == catalogue[r.code]
            assert r.message


def parents(specs: list[dict[str, Any]] | None) -> tuple[ParentStatus, ...]:
    """A parent's situations, each ``{situation, since}`` (since: 2020-01-01 unless given)."""
    return tuple(ParentStatus(ParentSituation(s["situation"]), s.get("since", date(2020, 1, 1))) for s in specs or ())
