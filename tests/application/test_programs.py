"""Every program through the application, on every backend: tekun, orphans, unsupported children,
temporary grants, the exclusions across programs and households, recalculation and the calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from application import commands
from application.casework import Casework
from domain.circumstances import IncomeKind
from domain.enrolment import Status
from domain.errors import InvalidValue, RuleViolation
from domain.household import Household
from domain.members import Disability, DisabilityKind, Member, Relation
from domain.rules.children import ParentSituation, ParentStatus
from domain.rules.temporary import ApprovalLevel, GrantKind
from domain.values import AreaType, IdNumber, Program
from tests.application.steps import (
    IN_COMMUNITY,
    apply_for,
    approve,
    approved,
    earning,
    grant,
    moved_away,
    parents,
    record,
    register,
    removed,
    review,
)
from tests.support import APPROVER, CASEWORKER, by, id_number, member

D = Decimal
TEKUN_TERMS = {"arrangement": "dispersed", "has_capable_supporter": False}


def tekun_elder(app: Casework) -> tuple[UUID, UUID]:
    """A 70-year-old living alone, unable to do 4 daily activities, wages-free income 300.00."""
    elder = member(Relation.HEAD, date(1954, 2, 1))
    h = register(app, elder)
    record(app, h.id, earning(elder, "300.00", IncomeKind.OTHER))
    app.handle(
        commands.AssessCare(
            household_id=h.id,
            person_id=elder.person_id,
            unable_activities=("eating", "dressing", "toileting", "bathing"),
            meta=by(CASEWORKER, date(2024, 1, 12)),
        )
    )
    return h.id, apply_for(app, h.id, Program.TEKUN, elder, on=date(2024, 1, 15), terms=TEKUN_TERMS)


def test_tekun_amount_is_basic_living_plus_care(casework: Casework) -> None:
    """tekun: round(750.00 × 1.3) = 975.00 + dispersed full-care 600.00 = 1575.00, after a 7-day notice."""
    hid, eid = tekun_elder(casework)
    review(casework, hid, eid, date(2024, 1, 20))
    with pytest.raises(RuleViolation) as early:
        approve(casework, hid, eid, date(2024, 1, 26))
    assert early.value.rule == "notice-not-ended"
    approve(casework, hid, eid, date(2024, 1, 27))
    e = casework.get_household(hid).enrolment(eid)
    assert e.amount_on(date(2024, 2, 1)) == D("1575.00")
    assert e.last_assessment is not None
    assert e.last_assessment.figures["care_level"] == "full"
    assert e.next_review_due == date(2025, 2, 1)  # 12 months after benefits start on 1 February


def test_orphan_has_no_notice_and_the_community_rate(casework: Casework) -> None:
    """An orphan in community care gets 1400.00 and can be approved the day after the township opinion."""
    guardian = member(Relation.HEAD, date(1960, 1, 1))
    child = member(Relation.GRANDCHILD, date(2014, 6, 1))
    h = register(casework, guardian, child)
    lost = (ParentStatus(ParentSituation.DEAD, date(2020, 3, 1)),)
    parents(casework, h.id, child, lost, lost)
    eid = apply_for(casework, h.id, Program.ORPHAN, child, on=date(2024, 1, 15), terms=IN_COMMUNITY)
    approved(casework, h.id, eid, date(2024, 1, 20), date(2024, 1, 21))
    e = casework.get_household(h.id).enrolment(eid)
    assert e.monthly_amount == D("1400.00")
    assert e.township_review is not None
    assert e.township_review.notice_ends is None


def test_unsupported_child_six_months_and_the_difference_rule(casework: Casework) -> None:
    """Mother out of contact since 2023-09-15 counts from 2024-03-15; a dibao share is topped up only."""
    mother_gone = (ParentStatus(ParentSituation.OUT_OF_CONTACT, date(2023, 9, 15)),)
    father_jailed = (ParentStatus(ParentSituation.SERVING_SENTENCE, date(2023, 1, 1)),)
    grandma = member(Relation.HEAD, date(1958, 1, 1))
    child = member(Relation.GRANDCHILD, date(2015, 1, 1), support_duty=True)  # 抚养关系, counted for dibao
    h = register(casework, grandma, child)
    parents(casework, h.id, child, father_jailed, mother_gone)
    # the household is on dibao: (750.00 − 0) × 2 = 1500.00, the child's share 750.00
    dibao = apply_for(casework, h.id, Program.DIBAO, grandma, child, on=date(2024, 1, 12))
    approved(casework, h.id, dibao, date(2024, 1, 13), date(2024, 1, 22))
    eid = apply_for(casework, h.id, Program.UNSUPPORTED_CHILD, child, on=date(2024, 3, 1), terms=IN_COMMUNITY)
    review(casework, h.id, eid, date(2024, 3, 14))
    early = casework.get_household(h.id).enrolment(eid).last_assessment
    assert early is not None
    assert not early.eligible  # one day short of six months out of contact
    casework.handle(commands.Withdraw(household_id=h.id, enrolment_id=eid, meta=by(CASEWORKER, date(2024, 3, 14))))
    eid = apply_for(casework, h.id, Program.UNSUPPORTED_CHILD, child, on=date(2024, 3, 15), terms=IN_COMMUNITY)
    approved(casework, h.id, eid, date(2024, 3, 15), date(2024, 3, 16))
    assert casework.get_household(h.id).enrolment(eid).amount_on(date(2024, 4, 1)) == D("650.00")  # 1400.00 − 750.00


def test_temporary_grant_and_the_township_cap(casework: Casework) -> None:
    """A township may grant up to its cap of 1000.00; above it only the district may."""
    h = register(casework, member(Relation.HEAD))
    grant(casework, h.id, ApprovalLevel.TOWNSHIP, "1000.00", date(2024, 2, 1))
    with pytest.raises(RuleViolation) as over:
        grant(casework, h.id, ApprovalLevel.TOWNSHIP, "1000.01", date(2024, 2, 1))
    assert over.value.rule == "township-cap-exceeded"
    expenditure = {"kind": GrantKind.EXPENDITURE, "reason": "大病支出"}
    grant(casework, h.id, ApprovalLevel.DISTRICT, "5000.00", date(2024, 2, 2), **expenditure, actor=APPROVER)
    grants = casework.get_household(h.id).grants
    assert sorted(g.amount for g in grants.values()) == [D("1000.00"), D("5000.00")]
    assert casework.get_household(h.id).version == 3  # the refused grant wrote nothing


def same_person(birth: date = date(1980, 5, 1)) -> tuple[Member, Member]:
    """The same citizen (one ID number) registered in two households."""
    number = IdNumber(id_number(birth))
    first = Member(person_id=member().person_id, name="赵六", id_number=number, relation=Relation.HEAD)
    second = Member(person_id=member().person_id, name="赵六", id_number=number, relation=Relation.HEAD)
    return first, second


def test_a_person_is_on_dibao_in_one_household_at_a_time(casework: Casework) -> None:
    """A second household's dibao for the same person is refused until the first enrolment ends."""
    first, second = same_person()
    h1, h2 = register(casework, first), register(casework, second)
    e1 = apply_for(casework, h1.id, Program.DIBAO, first, on=date(2024, 1, 15))
    with pytest.raises(RuleViolation) as refused:
        apply_for(casework, h2.id, Program.DIBAO, second, on=date(2024, 1, 16))
    assert refused.value.rule == "exclusion-dibao-dibao"
    assert casework.get_household(h2.id).version == 1
    casework.handle(commands.Withdraw(household_id=h1.id, enrolment_id=e1, meta=by(CASEWORKER, date(2024, 1, 17))))
    apply_for(casework, h2.id, Program.DIBAO, second, on=date(2024, 1, 18))


def test_never_dibao_and_tekun_at_once(casework: Casework) -> None:
    """A tekun beneficiary cannot also be named in a dibao application."""
    hid, _ = tekun_elder(casework)
    elder = next(iter(casework.get_household(hid).members))
    with pytest.raises(RuleViolation) as refused:
        apply_for(casework, hid, Program.DIBAO, elder, on=date(2024, 1, 16))
    assert refused.value.rule == "exclusion-dibao-tekun"


def test_orphan_and_unsupported_child_exclude_each_other(casework: Casework) -> None:
    """A child with an open orphan enrolment cannot apply as an unsupported child."""
    guardian, child = member(Relation.HEAD, date(1960, 1, 1)), member(Relation.GRANDCHILD, date(2014, 6, 1))
    h = register(casework, guardian, child)
    apply_for(casework, h.id, Program.ORPHAN, child, on=date(2024, 1, 15), terms=IN_COMMUNITY)
    with pytest.raises(RuleViolation) as refused:
        apply_for(casework, h.id, Program.UNSUPPORTED_CHILD, child, on=date(2024, 1, 15), terms=IN_COMMUNITY)
    assert refused.value.rule == "exclusion-unsupported_child-orphan"


@pytest.mark.parametrize(
    ("program", "person", "terms", "rule"),
    [
        pytest.param(
            Program.TEKUN,
            member(Relation.HEAD, date(1984, 1, 1)),
            TEKUN_TERMS,
            "tekun-unable-to-work",
            id="tekun-working-age",
        ),
        pytest.param(
            Program.ORPHAN,
            member(Relation.HEAD, date(2006, 1, 14)),
            {"placement": "community"},
            "child-under-18",
            id="orphan-aged-18",
        ),
    ],
)
def test_hopeless_applications_are_refused_at_once(
    casework: Casework, program: Program, person: Member, terms: dict[str, object], rule: str
) -> None:
    """A working-age adult without disability for tekun, an 18-year-old for orphan: refused, nothing written."""
    h = register(casework, person)
    with pytest.raises(RuleViolation) as refused:
        apply_for(casework, h.id, program, person, on=date(2024, 1, 15), terms=terms)
    assert refused.value.rule == rule
    assert casework.get_household(h.id).version == 1


def test_bad_program_facts_write_nothing(casework: Casework) -> None:
    """Unknown daily activities and a parent's situation starting after the record are refused."""
    child = member(Relation.CHILD, date(2015, 1, 1))
    h = register(casework, member(Relation.HEAD), child)
    with pytest.raises(InvalidValue) as activity:
        casework.handle(
            commands.AssessCare(
                household_id=h.id,
                person_id=child.person_id,
                unable_activities=("eating", "juggling"),
                meta=by(CASEWORKER, date(2024, 2, 1)),
            )
        )
    assert activity.value.rule == "daily-activity-known"
    with pytest.raises(InvalidValue) as since:
        parents(casework, h.id, child, (ParentStatus(ParentSituation.DEAD, date(2024, 3, 1)),), (), date(2024, 2, 1))
    assert since.value.rule == "situation-since"
    assert casework.get_household(h.id).version == 1


def test_july_raise_adjusts_every_affected_enrolment_exactly_once(casework: Casework) -> None:
    """The 1 July urban raise (750 → 780) adjusts the urban dibao and the tekun once; rural is untouched."""
    head, spouse, kid = (member(Relation.HEAD), member(Relation.SPOUSE), member(Relation.CHILD, date(2012, 1, 1)))
    urban = register(casework, head, spouse, kid)
    record(casework, urban.id, earning(head, "1200.00"))
    dibao = apply_for(casework, urban.id, Program.DIBAO, head, spouse, kid, on=date(2024, 1, 15))
    approved(casework, urban.id, dibao, date(2024, 1, 20), date(2024, 2, 1))
    rural_head = member(Relation.HEAD)
    rural = register(casework, rural_head, area=AreaType.RURAL)
    rural_eid = apply_for(casework, rural.id, Program.DIBAO, rural_head, on=date(2024, 1, 15))
    approved(casework, rural.id, rural_eid, date(2024, 1, 20), date(2024, 2, 1))
    tekun_h, tekun = tekun_elder(casework)
    approved(casework, tekun_h, tekun, date(2024, 1, 20), date(2024, 2, 1))

    raise_ = next(
        v for v in casework.policy().values if v.name == "dibao.standard.urban" and v.effective_from == date(2024, 7, 1)
    )
    # Recorded before the approvals, the raise was priced by each approval (one EntitlementChanged for July,
    # caused by the parameter); the re-computation job finds nothing left to change.
    report = casework.recalculate(raise_)
    assert report.recorded == []
    assert casework.get_household(urban.id).enrolment(dibao).amount_on(date(2024, 7, 1)) == D("1140.00")
    assert casework.get_household(urban.id).enrolment(dibao).amount_on(date(2024, 6, 1)) == D("1050.00")
    assert casework.get_household(tekun_h).enrolment(tekun).amount_on(date(2024, 7, 1)) == D("1614.00")
    # the rural standard rises on 1 July too (600 → 630): the rural enrolment follows its own parameter
    assert casework.get_household(rural.id).enrolment(rural_eid).amount_on(date(2024, 7, 1)) == D("630.00")
    again = casework.recalculate(raise_)
    assert again.recorded == []
    for hid in (urban.id, tekun_h):
        events = list(casework.repository.event_store.get(hid))
        adjustments = [e for e in events if isinstance(e, Household.EntitlementChanged) and e.cause != "age"]
        assert len(adjustments) == 1  # (the urban child's 18th birthday in 2030 is priced too, as an "age" change)
        assert adjustments[0].effective_on == date(2024, 7, 1)
        assert adjustments[0].cause == "parameter"
        assert "dibao.standard.urban" in (adjustments[0].reason or "")
    rural_events = list(casework.repository.event_store.get(rural.id))
    (rural_change,) = [e for e in rural_events if isinstance(e, Household.EntitlementChanged)]
    assert "dibao.standard.rural" in (rural_change.reason or "")
    assert "dibao.standard.urban" not in (rural_change.reason or "")


def test_children_age_out_and_gradual_exits_close_by_the_calendar(casework: Casework) -> None:
    """An orphan born 2006-05-10 ends from 2024-06-01; the tick records it once."""
    guardian, child = member(Relation.HEAD, date(1960, 1, 1)), member(Relation.GRANDCHILD, date(2006, 5, 10))
    h = register(casework, guardian, child)
    lost = (ParentStatus(ParentSituation.DEAD, date(2010, 1, 1)),)
    parents(casework, h.id, child, lost, lost)
    eid = apply_for(casework, h.id, Program.ORPHAN, child, on=date(2024, 1, 15), terms={"placement": "institutional"})
    approved(casework, h.id, eid, date(2024, 1, 20), date(2024, 1, 21))
    assert casework.tick(date(2024, 5, 31)).recorded == []
    first = casework.tick(date(2024, 6, 1))
    assert [(what) for _, _, what in first.recorded] == ["AGED_OUT_18"]
    e = casework.get_household(h.id).enrolment(eid)
    assert e.status is Status.TERMINATED
    assert e.status_on(date(2024, 5, 31)) is Status.ACTIVE
    assert e.status_on(date(2024, 6, 1)) is Status.TERMINATED
    assert casework.tick(date(2024, 7, 1)).recorded == []


def test_a_death_brings_the_review_forward(casework: Casework) -> None:
    """A death in the household makes the next review due within 3 months of it."""

    head, spouse = member(Relation.HEAD), member(Relation.SPOUSE, disability=Disability(DisabilityKind.PHYSICAL, 1))
    h = register(casework, head, spouse)
    eid = apply_for(casework, h.id, Program.DIBAO, head, spouse, on=date(2024, 1, 15))
    approved(casework, h.id, eid, date(2024, 1, 20), date(2024, 2, 1))
    assert casework.get_household(h.id).enrolment(eid).next_review_due == date(2024, 9, 1)
    removed(casework, h.id, spouse.person_id, date(2024, 4, 10))
    assert casework.get_household(h.id).enrolment(eid).next_review_due == date(2024, 7, 10)


def test_a_child_in_school_stays_while_the_parameter_allows(casework: Casework) -> None:
    """With the school extension raised to 22, an orphan in full-time school is not aged out at 18."""
    from api.composition import SEED_ACTOR

    casework.handle(
        commands.SetParameter(
            name="children.school_extension_age",
            jurisdiction="430112",
            value=22,
            legal_basis="示例：在校可延至22周岁",
            meta=by(SEED_ACTOR, date(2024, 1, 1), reason="test"),
        )
    )
    casework.handle(
        commands.ConfirmParameter(
            name="children.school_extension_age",
            jurisdiction="430112",
            confirmed_until=date(2026, 12, 31),
            meta=by(SEED_ACTOR, date(2026, 12, 31), reason="test"),
        )
    )
    from domain.members import SchoolStatus

    guardian = member(Relation.HEAD, date(1960, 1, 1))
    child = member(Relation.GRANDCHILD, date(2006, 5, 10), school_status=SchoolStatus.FULL_TIME)
    h = register(casework, guardian, child)
    lost = (ParentStatus(ParentSituation.DEAD, date(2010, 1, 1)),)
    parents(casework, h.id, child, lost, lost)
    eid = apply_for(casework, h.id, Program.ORPHAN, child, on=date(2024, 1, 15), terms=IN_COMMUNITY)
    approved(casework, h.id, eid, date(2024, 1, 20), date(2024, 1, 21))
    assert casework.tick(date(2024, 6, 1)).recorded == []
    assert casework.get_household(h.id).enrolment(eid).status is Status.APPROVED


def test_four_eyes_on_termination(casework: Casework) -> None:
    """The user who recorded the application or the township opinion may not terminate the enrolment."""
    from domain.errors import FourEyesViolation
    from domain.values import Actor, Role

    hid, eid = tekun_elder(casework)
    approved(casework, hid, eid, date(2024, 1, 20), date(2024, 1, 28))
    recorder_as_approver = Actor(CASEWORKER.user_id, Role.APPROVER, CASEWORKER.jurisdiction)
    with pytest.raises(FourEyesViolation):
        moved_away(casework, hid, eid, date(2024, 3, 5), "迁出", actor=recorder_as_approver)
    moved_away(casework, hid, eid, date(2024, 3, 5))
