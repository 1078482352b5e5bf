"""Table tests for the orphan and unsupported-child rules (docs/rules.md): both sides of every boundary."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.assessment import Assessment
from domain.errors import InvalidValue
from domain.members import Member, Relation
from domain.policy import ParameterSnapshot, ParameterValue
from domain.rules import children
from domain.rules.children import (
    ChildFacts,
    ParentSituation,
    ParentStatus,
    Placement,
    assess_orphan,
    is_orphan,
    whole_months,
)
from domain.rules.unsupported_child import assess_unsupported_child
from domain.values import IdNumber, Program, id_check_character

ON = date(2024, 3, 1)
D = Decimal
S = ParentSituation
LONG_AGO = date(2020, 1, 1)

PARAMETERS: dict[str, Any] = {
    "orphan.rate.institutional": D("1900.00"),
    "orphan.rate.community": D("1400.00"),
    "unsupported_child.rate": D("1400.00"),
}

_seq = iter(range(100, 1000))


def make_id(birth: date, seq: int) -> str:
    """A valid ID number for a person born in Chaoyang district on ``birth``."""
    first17 = "110105" + birth.strftime("%Y%m%d") + f"{seq:03d}"
    return first17 + id_check_character(first17)


def make_params() -> ParameterSnapshot:
    values = {
        name: ParameterValue(name, "110105", date(2024, 1, 1), value, "test basis")
        for name, value in PARAMETERS.items()
    }
    return ParameterSnapshot(division_code="110105001001", on=ON, values=values)


def child(birth: date = date(2015, 6, 1)) -> Member:
    return Member(
        person_id=uuid4(), name="王小明", id_number=IdNumber(make_id(birth, next(_seq))), relation=Relation.CHILD
    )


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


def checked(a: Assessment, program: Program) -> Assessment:
    """The invariants of every assessment: program, amount zero unless eligible."""
    assert a.program is program
    if a.eligible:
        assert a.monthly_amount > 0
    else:
        assert str(a.monthly_amount) == "0.00"
    return a


def orphan(f: ChildFacts) -> Assessment:
    return checked(assess_orphan(f, make_params()), Program.ORPHAN)


def unsupported(f: ChildFacts) -> Assessment:
    return checked(assess_unsupported_child(f, make_params()), Program.UNSUPPORTED_CHILD)


BOTH_DEAD = (parent(S.DEAD), parent(S.DEAD))

# --- whole months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "on", "months"),
    [
        pytest.param(date(2024, 1, 15), date(2024, 7, 14), 5, id="day-before-6"),
        pytest.param(date(2024, 1, 15), date(2024, 7, 15), 6, id="6-to-the-day"),
        pytest.param(date(2023, 8, 31), date(2024, 2, 28), 5, id="month-end-day-before"),
        pytest.param(date(2023, 8, 31), date(2024, 2, 29), 6, id="month-end-leap-feb"),
        pytest.param(date(2024, 8, 31), date(2025, 2, 28), 6, id="month-end-short-feb"),
        pytest.param(date(2024, 3, 1), date(2024, 3, 1), 0, id="same-day"),
        pytest.param(date(2023, 12, 31), date(2024, 1, 30), 0, id="across-year-under-1"),
        pytest.param(date(2024, 3, 5), date(2024, 3, 3), 0, id="on-before-since"),
        pytest.param(date(2024, 5, 1), date(2024, 3, 1), 0, id="on-months-before-since"),
    ],
)
def test_whole_months(since: date, on: date, months: int) -> None:
    """Whole months count to the same day of the month, or the month's last day when it has none."""
    assert whole_months(since, on) == months


# --- orphans --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("father", "mother", "expected"),
    [
        pytest.param(parent(S.DEAD), parent(S.DEAD), True, id="both-dead"),
        pytest.param(parent(S.DEAD), parent(S.DECLARED_MISSING), True, id="dead-and-missing"),
        pytest.param(parent(S.DECLARED_MISSING), parent(S.DECLARED_MISSING), True, id="both-missing"),
        pytest.param(parent(S.NOT_FOUND), parent(S.NOT_FOUND), True, id="birth-parents-not-found"),
        pytest.param(parent(S.NOT_FOUND), parent(S.DEAD), True, id="not-found-and-dead"),
        pytest.param(parent(S.DEAD, since=ON), parent(S.DEAD), True, id="died-on-the-date"),
        pytest.param(parent(S.DEAD, since=date(2024, 3, 2)), parent(S.DEAD), False, id="death-after-the-date"),
        pytest.param(parent(S.DEAD), (), False, id="one-dead"),
        pytest.param(parent(S.DEAD), parent(S.SERVING_SENTENCE), False, id="dead-and-in-prison"),
        pytest.param(parent(S.SEVERE_DISABILITY, S.DEAD), parent(S.DEAD), True, id="several-situations"),
    ],
)
def test_is_orphan_by_parents(
    father: tuple[ParentStatus, ...], mother: tuple[ParentStatus, ...], expected: bool
) -> None:
    """Both parents dead, declared missing or not found on the assessment date."""
    ok, reasons = is_orphan(facts(father, mother))
    assert ok is expected
    assert [r.code for r in reasons] == [
        children.UNDER_18,
        children.ORPHAN_PARENTS_LOST if expected else children.ORPHAN_PARENTS_NOT_LOST,
    ]


@pytest.mark.parametrize(
    ("birth", "eligible", "code"),
    [
        pytest.param(date(2006, 3, 2), True, children.UNDER_18, id="17y364d"),
        pytest.param(date(2006, 3, 1), False, children.NOT_UNDER_18, id="18th-birthday"),
    ],
)
def test_age_boundary(birth: date, eligible: bool, code: str) -> None:
    """Under 18 on the assessment date: eligible the day before the 18th birthday, not on it."""
    o = orphan(facts(*BOTH_DEAD, member=child(birth)))
    assert o.eligible is eligible
    assert code in o.reason_codes
    u = unsupported(facts(parent(S.SERVING_SENTENCE), parent(S.SERVING_SENTENCE), member=child(birth)))
    assert u.eligible is eligible
    assert code in u.reason_codes


@pytest.mark.parametrize(
    ("placement", "amount"),
    [
        pytest.param(Placement.INSTITUTIONAL, D("1900.00"), id="institutional"),
        pytest.param(Placement.COMMUNITY, D("1400.00"), id="community"),
    ],
)
def test_orphan_rate_by_placement(placement: Placement, amount: Decimal) -> None:
    """An orphan receives the rate of the placement, and only that rate is recorded as used."""
    params = make_params()
    a = assess_orphan(facts(*BOTH_DEAD, placement=placement, share="300.00"), params)
    assert a.eligible
    assert a.monthly_amount == amount  # no top-up rule for orphans
    assert a.parameters == (params.values[f"orphan.rate.{placement}"],)
    assert a.figures == {"rate": str(amount)}
    assert a.reason_codes[-1] == children.ORPHAN_RATE


def test_not_orphan_gets_nothing() -> None:
    """A child with one living parent is not an orphan."""
    a = orphan(facts(parent(S.DEAD), parent(S.OUT_OF_CONTACT)))
    assert not a.eligible
    assert children.ORPHAN_PARENTS_NOT_LOST in a.reason_codes


# --- unsupported children -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("father", "mother", "code"),
    [
        pytest.param(
            parent(S.SERVING_SENTENCE), parent(S.SERVING_SENTENCE), children.BOTH_PARENTS_UNABLE, id="both-prison"
        ),
        pytest.param(
            parent(S.SEVERE_DISABILITY), parent(S.SERIOUS_ILLNESS), children.BOTH_PARENTS_UNABLE, id="disabled-and-ill"
        ),
        pytest.param(
            parent(S.GUARDIANSHIP_REVOKED), parent(S.DEPORTED), children.BOTH_PARENTS_UNABLE, id="revoked-and-deported"
        ),
        pytest.param(
            parent(S.OUT_OF_CONTACT), parent(S.OTHER_RESTRICTION), children.BOTH_PARENTS_UNABLE, id="long-absences"
        ),
        pytest.param(
            parent(S.DEAD), parent(S.COMPULSORY_REHABILITATION), children.ONE_PARENT_LOST_OTHER_UNABLE, id="dead-rehab"
        ),
        pytest.param(
            parent(S.DEPORTED), parent(S.DECLARED_MISSING), children.ONE_PARENT_LOST_OTHER_UNABLE, id="deported-missing"
        ),
        pytest.param(
            parent(S.NOT_FOUND),
            parent(S.SEVERE_DISABILITY),
            children.ONE_PARENT_LOST_OTHER_UNABLE,
            id="unknown-disabled",
        ),
        pytest.param(parent(S.SERVING_SENTENCE), (), children.NOT_UNSUPPORTED, id="one-unable-other-able"),
        pytest.param(parent(S.DEAD), (), children.NOT_UNSUPPORTED, id="one-dead-other-able"),
        pytest.param((), (), children.NOT_UNSUPPORTED, id="both-able"),
        pytest.param(
            parent(S.SERVING_SENTENCE, since=date(2024, 3, 2)),
            parent(S.SERVING_SENTENCE),
            children.NOT_UNSUPPORTED,
            id="sentence-begins-after-the-date",
        ),
        pytest.param(
            parent(S.SERVING_SENTENCE, since=ON),
            parent(S.SERVING_SENTENCE),
            children.BOTH_PARENTS_UNABLE,
            id="begins-on",
        ),
    ],
)
def test_unsupported_by_parents(father: tuple[ParentStatus, ...], mother: tuple[ParentStatus, ...], code: str) -> None:
    """Both parents unable to support, or one dead or missing and the other unable; else not unsupported."""
    a = unsupported(facts(father, mother))
    assert code in a.reason_codes
    assert a.eligible is (code != children.NOT_UNSUPPORTED)
    if a.eligible:
        assert a.monthly_amount == D("1400.00")  # the full rate: no current dibao/tekun share


@pytest.mark.parametrize("situation", [S.OUT_OF_CONTACT, S.OTHER_RESTRICTION])
@pytest.mark.parametrize(
    ("since", "on", "eligible"),
    [
        pytest.param(date(2024, 1, 15), date(2024, 7, 14), False, id="5-months-30-days"),
        pytest.param(date(2024, 1, 15), date(2024, 7, 15), True, id="6-months"),
        pytest.param(date(2023, 8, 31), date(2024, 2, 28), False, id="month-end-day-before"),
        pytest.param(date(2023, 8, 31), date(2024, 2, 29), True, id="month-end-6-months"),
    ],
)
def test_six_month_situations(situation: S, since: date, on: date, eligible: bool) -> None:
    """Out of contact and other restrictions of liberty count only from 6 whole months on the date."""
    a = unsupported(facts(parent(situation, since=since), parent(S.DEAD), on=on))
    assert a.eligible is eligible
    expected = children.PARENT_UNABLE_TO_SUPPORT if eligible else children.PARENT_SITUATION_UNDER_SIX_MONTHS
    assert a.reason_codes[1] == expected
    assert a.assessed_on == on


def test_situation_not_begun_is_reported() -> None:
    """A situation recorded as beginning after the assessment date is named and not counted."""
    a = unsupported(facts(parent(S.DEAD), parent(S.SERVING_SENTENCE, since=date(2024, 4, 1))))
    assert not a.eligible
    assert children.PARENT_SITUATION_NOT_BEGUN in a.reason_codes
    assert children.PARENT_ABLE_TO_SUPPORT in a.reason_codes


def test_orphan_is_not_unsupported() -> None:
    """A child who qualifies as an orphan is refused as unsupported, with the orphan reasons."""
    a = unsupported(facts(parent(S.DEAD), parent(S.NOT_FOUND, S.SERVING_SENTENCE)))
    assert not a.eligible
    assert a.reason_codes == (children.UNDER_18, children.ORPHAN_PARENTS_LOST, children.ORPHAN_NOT_UNSUPPORTED)


@pytest.mark.parametrize(
    ("share", "amount", "code"),
    [
        pytest.param("0.00", D("1400.00"), children.UNSUPPORTED_RATE, id="no-share"),
        pytest.param("500.00", D("900.00"), children.UNSUPPORTED_TOP_UP, id="share-500"),  # 1400.00 - 500.00
        pytest.param("1399.99", D("0.01"), children.UNSUPPORTED_TOP_UP, id="share-0.01-below"),  # 1400.00 - 1399.99
        pytest.param("1400.00", D("0.00"), children.NO_DIFFERENCE_TO_PAY, id="share-at-rate"),
        pytest.param("1650.00", D("0.00"), children.NO_DIFFERENCE_TO_PAY, id="share-above-rate"),
    ],
)
def test_difference_rule(share: str, amount: Decimal, code: str) -> None:
    """A child already on dibao/tekun below the rate receives only the difference; at or above it, nothing."""
    a = unsupported(facts(parent(S.SERVING_SENTENCE), parent(S.DEAD), share=share))
    assert a.monthly_amount == amount
    assert a.eligible is (amount > 0)
    assert a.reason_codes[-1] == code
    assert a.figures == {
        "rate": "1400.00",
        "current_assistance_share": share,
        "top_up": code == children.UNSUPPORTED_TOP_UP,
    }


@pytest.mark.parametrize("share", ["-0.01", "NaN", "Infinity"])
def test_bad_share_refused(share: str) -> None:
    """A negative or non-finite current share is invalid input (an exact share is fine: the top-up is rounded)."""
    with pytest.raises(InvalidValue) as e:
        facts(share=share)
    assert e.value.field == "current_assistance_share"


# --- the record -----------------------------------------------------------------------------


def test_parameters_record_the_rate_used() -> None:
    """The unsupported-child assessment records the unsupported-child rate and no orphan rate."""
    params = make_params()
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
        assert json.loads(json.dumps(a.inputs)) == a.inputs
        text = json.dumps(a.inputs) + json.dumps(a.figures) + repr(a.reasons)
        assert m.name not in text
        assert m.id_number.value not in text
        assert m.id_number.value[6:14] not in text
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
    for a in runs:
        assert a.reasons
        for r in a.reasons:
            assert r.legal_basis == children.REASON_CATALOGUE[r.code]
            assert r.message
    assert "国办发〔2010〕54号" in children.REASON_CATALOGUE[children.ORPHAN_PARENTS_LOST]
    assert "民发〔2019〕62号" in children.REASON_CATALOGUE[children.BOTH_PARENTS_UNABLE]
    assert "补差" in children.REASON_CATALOGUE[children.UNSUPPORTED_TOP_UP]
