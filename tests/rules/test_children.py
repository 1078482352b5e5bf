"""The orphan and unsupported-child rules beyond the case table (tests/rules/cases/children.yaml): bad
input, and the record an assessment keeps (the parameters used, inputs, reasons with their legal basis)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.assessment import Assessment
from domain.errors import InvalidValue
from domain.members import Member, Relation
from domain.rules import children
from domain.rules.children import (
    ChildFacts,
    ParentSituation,
    ParentStatus,
    Placement,
    assess_orphan,
)
from domain.rules.unsupported_child import assess_unsupported_child
from domain.values import Program
from tests.rules.support import (
    ON,
    assert_catalogued,
    assert_no_personal_data,
    checked,
    person,
    table_snapshot,
)

D = Decimal
S = ParentSituation
LONG_AGO = date(2020, 1, 1)


def child(birth: date = date(2015, 6, 1)) -> Member:
    return person(Relation.CHILD, birth)


def parent(*situations: S, since: date = LONG_AGO) -> tuple[ParentStatus, ...]:
    return tuple(ParentStatus(s, since) for s in situations)


def facts(
    father: tuple[ParentStatus, ...] = (),
    mother: tuple[ParentStatus, ...] = (),
    *,
    member: Member | None = None,
    on: date = ON,
    placement: Placement = Placement.COMMUNITY,
    share: str = "0.00",
) -> ChildFacts:
    return ChildFacts(
        child=member or child(),
        on=on,
        father=father,
        mother=mother,
        placement=placement,
        current_assistance_share=D(share),
    )


def orphan(f: ChildFacts) -> Assessment:
    a = checked(assess_orphan(f, table_snapshot("children")))
    assert a.program is Program.ORPHAN
    return a


def unsupported(f: ChildFacts) -> Assessment:
    a = checked(assess_unsupported_child(f, table_snapshot("children")))
    assert a.program is Program.UNSUPPORTED_CHILD
    return a


BOTH_DEAD = (parent(S.DEAD), parent(S.DEAD))

# --- bad input and the record (the tables are in tests/rules/cases/children.yaml) -----------


@pytest.mark.parametrize("share", ["-0.01", "NaN", "Infinity"])
def test_bad_share_refused(share: str) -> None:
    """A negative or non-finite current share is invalid input (an exact share is fine: the top-up is rounded)."""
    with pytest.raises(InvalidValue) as e:
        facts(share=share)
    assert e.value.field == "current_assistance_share"


# --- the record -----------------------------------------------------------------------------


def test_parameters_record_the_rate_used() -> None:
    """The unsupported-child assessment records the unsupported-child rate and no orphan rate."""
    params = table_snapshot("children")
    a = assess_unsupported_child(facts(parent(S.DEPORTED), parent(S.DEPORTED)), params)
    assert a.parameters == (params.values["unsupported_child.rate"],)


def test_inputs_plain_json_without_personal_data() -> None:
    """Inputs are plain JSON, hold the facts seen and no name or ID number."""
    m = child(date(2012, 7, 9))
    f = facts(
        parent(S.OUT_OF_CONTACT, since=date(2023, 1, 2)),
        parent(S.DEAD, S.NOT_FOUND),
        member=m,
        placement=Placement.INSTITUTIONAL,
        share="120.00",
    )
    for a in (orphan(f), unsupported(f)):
        assert_no_personal_data(a, m)
        assert a.inputs == {
            "on": "2024-03-01",
            "child": {"person_id": str(m.person_id), "age": 11, "school_status": "not_in_school"},
            "father": [{"situation": "out_of_contact", "since": "2023-01-02"}],
            "mother": [{"situation": "dead", "since": "2020-01-01"}, {"situation": "not_found", "since": "2020-01-01"}],
            "placement": "institutional",
            "current_assistance_share": "120.00",
        }


def test_reasons_carry_catalogued_legal_basis() -> None:
    """Every reason's code is in the catalogue and carries that code's legal basis."""
    runs = [
        orphan(facts(*BOTH_DEAD)),
        orphan(facts(parent(S.DEAD))),
        unsupported(facts(*BOTH_DEAD)),
        unsupported(facts(parent(S.OUT_OF_CONTACT, since=date(2024, 1, 1)), parent(S.DEAD, since=date(2025, 1, 1)))),
        unsupported(facts(parent(S.SERVING_SENTENCE), parent(S.DEAD), share="200.00")),
        unsupported(facts(parent(S.SERVING_SENTENCE), parent(S.DEAD), share="2000.00")),
    ]
    assert_catalogued(runs, children.REASON_CATALOGUE)
    assert "国办发〔2010〕54号" in children.REASON_CATALOGUE[children.ORPHAN_PARENTS_LOST]
    assert "民发〔2019〕62号" in children.REASON_CATALOGUE[children.BOTH_PARENTS_UNABLE]
    assert "补差" in children.REASON_CATALOGUE[children.UNSUPPORTED_TOP_UP]
