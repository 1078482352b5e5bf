"""Decoded events carry the types their classes declare: pydantic types them, no hand coercer."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.domain import Aggregate

from application.casework import Casework
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.errors import InvalidValue
from domain.members import (
    MUTABLE_MEMBER_FIELDS,
    Disability,
    DisabilityKind,
    LabourCapacity,
    Member,
    MemberChanges,
    Relation,
)
from domain.values import Actor, AreaType, Role
from infrastructure.mapping import TypedMapper, field_adapters
from tests.support import CASEWORKER, COMMUNITY, fixed_clock, member


class Family(Aggregate):
    """A stand-in aggregate whose event carries the household's kinds of field: an enum, a tuple of value
    objects with enums and a nested value object, the actor, and circumstances with a tuple inside."""

    class Registered(Aggregate.Created):
        area_type: AreaType
        division_code: str
        members: tuple[Member, ...]
        actor: Actor
        circumstances: Circumstances
        reason: str | None

    @classmethod
    def register(cls, **fields: Any) -> Family:
        return cls._create(cls.Registered, **fields)


class Person(Aggregate):
    """A stand-in aggregate whose event declares its changes as ``MemberChanges``."""

    class Changed(Aggregate.Event):
        changes: MemberChanges

        def apply(self, aggregate: Any) -> None:
            aggregate.changes = self.changes

    def change(self, changes: dict[str, Any]) -> None:
        self.trigger_event(self.Changed, changes=changes)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Casework]:
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "typed.sqlite"),
        "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
        "CIPHER_KEY": "aml1emh1LWZpeHR1cmUta2V5LW5vdC1hLXNlY3JldCE=",
    }
    casework = Casework(env=env, clock=fixed_clock)
    try:
        yield casework
    finally:
        casework.close()


def test_the_application_decodes_with_the_typed_mapper(app: Casework) -> None:
    assert isinstance(app.mapper, TypedMapper)


def test_enums_tuples_and_value_objects_come_back_typed(app: Casework) -> None:
    """Stored as strings and lists, read back as the enums, tuples and dataclasses declared."""
    head = member(Relation.HEAD, disability=Disability(DisabilityKind.MENTAL, 3))
    income = IncomeItem(head.person_id, IncomeKind.WAGES, Decimal("800.00"))
    family = Family.register(
        area_type=AreaType.RURAL,
        division_code=COMMUNITY,
        members=(head,),
        actor=CASEWORKER,
        circumstances=Circumstances(incomes=(income,), assets=Assets()),
        reason=None,
    )
    app.save(family)
    (registered,) = app.repository.event_store.get(family.id)
    assert isinstance(registered, Family.Registered)
    assert registered.area_type is AreaType.RURAL
    assert isinstance(registered.members, tuple)
    (stored,) = registered.members
    assert stored == head
    assert stored.relation is Relation.HEAD
    assert stored.disability is not None
    assert stored.disability.kind is DisabilityKind.MENTAL
    assert registered.actor.role is Role.CASEWORKER
    assert registered.circumstances.incomes[0].kind is IncomeKind.WAGES
    assert isinstance(registered.circumstances.incomes, tuple)


def test_member_changes_declared_as_such_come_back_typed(app: Casework) -> None:
    """A change stored as a plain JSON object is read back with enums and a ``Disability``."""
    person = Person()
    person.change({"labour_capacity": LabourCapacity.PARTIAL, "disability": Disability(DisabilityKind.VISUAL, 2)})
    person.change({"disability": None, "relation": Relation.SPOUSE, "seriously_ill": True})
    app.save(person)
    _, first, second = app.repository.event_store.get(person.id)
    assert first.changes == {
        "labour_capacity": LabourCapacity.PARTIAL,
        "disability": Disability(DisabilityKind.VISUAL, 2),
    }
    assert first.changes["labour_capacity"] is LabourCapacity.PARTIAL
    assert second.changes == {"disability": None, "relation": Relation.SPOUSE, "seriously_ill": True}
    assert second.changes["relation"] is Relation.SPOUSE


def test_member_changes_name_every_mutable_member_field() -> None:
    assert set(MemberChanges.__annotations__) == MUTABLE_MEMBER_FIELDS


def test_fields_json_gives_back_as_they_are_get_no_adapter() -> None:
    """Strings, ints, bools, ids, dates and Decimals (optional or not) need no typing; enums, tuples and
    value objects do."""
    typed = {name for name, _ in field_adapters(Family.Registered)}
    assert typed == {"area_type", "members", "actor", "circumstances"}
    assert field_adapters(Family.Registered) is field_adapters(Family.Registered)  # made once per class


def test_a_value_object_still_checks_itself_when_decoded(app: Casework) -> None:
    """The dataclass's own checks run on decoding: a grade out of range is refused, not loaded."""
    transcoder = app.mapper.transcoder
    with pytest.raises(InvalidValue, match="grade"):
        transcoder.decode(b'{"_type_": "disability", "_data_": {"kind": "mental", "grade": 7}}')
    assert transcoder.decode(b'{"_type_": "disability", "_data_": {"kind": "mental", "grade": 2}}') == Disability(
        DisabilityKind.MENTAL, 2
    )
