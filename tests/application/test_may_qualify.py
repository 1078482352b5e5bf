"""Proactive "may qualify" notices (application/notices.py, docs/rules.md "May qualify"): a fact recorded
about a household runs every program's rules on it; a program it now appears eligible for and is not
enrolled in raises a notice, exactly once; a caseworker dismisses it with a reason, or an application
for the program acts on it. Nothing is enrolled."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from application import commands
from application.casework import Casework
from application.commands import MigratedHousehold
from application.followers import Recalculation
from application.notices import NAME, Followers, MayQualify, describe
from domain.circumstances import Circumstances
from domain.disability import DisabilityCertificate
from domain.enrolment import FINAL
from domain.errors import InvalidValue, RuleViolation
from domain.household import Household
from domain.household_migration import RollSource
from domain.members import DisabilityKind, Relation
from domain.rules.may_qualify import assessable_programs
from domain.rules.programs import ENROLLING
from domain.values import Actor, AreaType, Program, Role
from infrastructure.tracking import open_tracking
from tests.application.scenarios import enrol, household, person
from tests.application.steps import apply_for, certify, earning, first_with, record, removed
from tests.support import CASEWORKER, COMMUNITY, by

ADMIN = Actor("ad-1", Role.ADMIN, "430112")

DEATH = date(2025, 3, 10)
#: The district's urban dibao standard in force on the day of the death (parameters.yaml: 780.00 from 2024-07-01).
URBAN_STANDARD_2025 = Decimal("780.00")


def follower(casework: Casework) -> MayQualify:
    return MayQualify(casework, open_tracking(casework.recorder, dict(casework.env)))


def earner_dies(casework: Casework) -> tuple[MayQualify, UUID]:
    """A household of three whose head earns 3000.00 (1000.00 a head: above the standard); the follower
    started before anything is recorded; then the head dies on 2025-03-10."""
    f = follower(casework)
    f.start_at_end()
    hid = household(casework, size=3, wages="3000.00")
    assert f.follow() == []  # the declaration of means: not eligible for anything
    removed(casework, hid, first_with(casework, hid, Relation.HEAD).person_id, DEATH, reason="户主病故")
    return f, hid


def raised_events(casework: Casework, hid: UUID) -> list[Household.QualificationNoticeRaised]:
    return [e for e in casework.repository.event_store.get(hid) if isinstance(e, Household.QualificationNoticeRaised)]


def test_a_household_whose_earner_dies_may_qualify_for_dibao(casework: Casework) -> None:
    """The death raises one notice: dibao from the day of the death, for the two left, at the amount the rules
    give — the standard for each of two counted members with no income left (oracle: 2 × 780.00) — with the
    rule outcome (reasons with their legal basis, the figures, the parameters used). Nothing is enrolled."""
    f, hid = earner_dies(casework)
    [notice_id] = f.follow()
    h = casework.get_household(hid)
    n = h.notices[notice_id]
    assert n.program is Program.DIBAO
    assert n.eligible_from == DEATH
    assert set(n.beneficiaries) == set(h.members)
    assert len(n.beneficiaries) == 2
    assert n.monthly_amount == 2 * (URBAN_STANDARD_2025 - Decimal("0.00")) == Decimal("1560.00")
    assert n.enrolled_amount is None
    assert n.trigger.startswith("MemberRemoved v")
    assert n.status == "open"
    codes = {r.code: r.legal_basis for r in n.assessment.reasons}
    assert "INCOME_BELOW_STANDARD" in codes
    assert "第九条" in codes["INCOME_BELOW_STANDARD"]
    assert n.assessment.figures["per_capita_income"] == "0.00"
    assert n.assessment.figures["standard"] == "780.00"
    assert {p.name for p in n.assessment.parameters} >= {"dibao.standard.urban"}
    assert h.enrolments == {}  # nothing enrolled automatically
    [event] = raised_events(casework, hid)
    assert event.actor.role is Role.SYSTEM
    assert event.effective_on == DEATH


def test_the_fact_is_followed_exactly_once(casework: Casework) -> None:
    """Following again raises nothing; the position is the death's; a new follower (a restart) does neither."""
    f, hid = earner_dies(casework)
    death_at = casework.recorder.max_notification_id()
    assert len(f.follow()) == 1
    assert f.follow() == []
    assert follower(casework).follow() == []
    assert len(raised_events(casework, hid)) == 1
    assert f.tracking.max_tracking_id(NAME) == death_at


class Crash(Exception):
    """The process died between saving the notice and tracking the fact."""


def test_a_crash_between_raising_and_tracking_raises_nothing_twice(
    casework: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    f, hid = earner_dies(casework)

    def crash(tracking: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(f.tracking, "insert_tracking", crash)
        with pytest.raises(Crash):
            f.follow()
    assert len(raised_events(casework, hid)) == 1  # raised, not tracked
    assert follower(casework).follow() == []  # the restarted process finds the notice the fact raised
    assert len(raised_events(casework, hid)) == 1


def test_dismissing_records_who_and_why(casework: Casework) -> None:
    """The caseworker's dismissal closes the notice with their id and reason, as an event with both; a second
    dismissal, or one without a reason, is refused and records nothing."""
    f, hid = earner_dies(casework)
    [notice_id] = f.follow()
    meta = by(CASEWORKER, date(2025, 3, 12), reason="配偶另有赡养来源，暂不申请")
    casework.handle(commands.DismissNotice(household_id=hid, notice_id=notice_id, meta=meta))
    n = casework.get_household(hid).notices[notice_id]
    assert (n.status, n.closed_by, n.closing_reason, n.closed_on) == (
        "dismissed",
        "cw-1",
        "配偶另有赡养来源，暂不申请",
        date(2025, 3, 12),
    )
    [event] = [
        e for e in casework.repository.event_store.get(hid) if isinstance(e, Household.QualificationNoticeDismissed)
    ]
    assert (event.actor, event.reason, event.notice_id) == (CASEWORKER, "配偶另有赡养来源，暂不申请", notice_id)
    version = casework.get_household(hid).version
    with pytest.raises(RuleViolation) as again:
        casework.handle(commands.DismissNotice(household_id=hid, notice_id=notice_id, meta=meta))
    assert again.value.rule == "notice-open"
    f2, hid2 = earner_dies(casework)
    [other] = f2.follow()
    with pytest.raises(InvalidValue) as silent:
        casework.handle(commands.DismissNotice(household_id=hid2, notice_id=other, meta=by(CASEWORKER, DEATH)))
    assert silent.value.field == "reason"
    assert casework.get_household(hid).version == version


def test_an_application_for_the_program_acts_on_the_notice(casework: Casework) -> None:
    """Filing a dibao application for the household closes its dibao notice, naming the application and the
    caseworker who filed it; a later fact raises no new dibao notice while the application is open."""
    f, hid = earner_dies(casework)
    [notice_id] = f.follow()
    members = tuple(casework.get_household(hid).members)
    eid = apply_for(casework, hid, Program.DIBAO, *members, on=date(2025, 3, 15))
    assert f.follow() == []
    n = casework.get_household(hid).notices[notice_id]
    assert (n.status, n.enrolment_id, n.closed_by, n.closed_on) == ("acted_on", eid, "cw-1", date(2025, 3, 15))
    assert casework.get_household(hid).enrolment(eid).status not in FINAL
    removed(casework, hid, first_with(casework, hid, Relation.SPOUSE).person_id, date(2025, 4, 2))
    assert f.follow() == []  # the application is pending: that case decides


def test_every_program_whose_terms_the_facts_tell_is_run() -> None:
    """The follower iterates over the programs applied for; tekun is skipped (only an application says whether
    a capable supporter exists and how the person is to be cared for), the children's programs are run with
    the community placement, and any program added to ENROLLING without terms joins by itself."""
    programs = assessable_programs()
    assert Program.TEKUN not in programs
    assert {Program.DIBAO, Program.ORPHAN, Program.UNSUPPORTED_CHILD} <= set(programs)
    assert set(programs) <= set(ENROLLING)


def test_the_follow_worker_runs_the_notices_after_the_recalculation(casework: Casework) -> None:
    """``jiuzhu follow``'s followers (the recalculation, then the notices) raise the death's notice once."""
    env = dict(casework.env)
    both = Followers(
        Recalculation(casework, open_tracking(casework.recorder, env)),
        MayQualify(casework, open_tracking(casework.recorder, env)),
    )
    both.start_at_end()
    hid = household(casework, size=3, wages="3000.00")
    removed(casework, hid, first_with(casework, hid, Relation.HEAD).person_id, DEATH)
    assert both.catch_up() == 1
    assert both.catch_up() == 0
    assert [e.program for e in raised_events(casework, hid)] == [Program.DIBAO]
    assert both.position() == both.notices.position() > 0


def test_a_household_already_paid_what_the_rules_give_gets_no_notice(casework: Casework) -> None:
    """On dibao at the amount the rules give (re-priced with each fact), a new declaration raises nothing."""
    f = follower(casework)
    f.start_at_end()
    hid = household(casework, size=3, wages="600.00")
    enrol(casework, hid, applied_on=date(2025, 1, 15), approved_on=date(2025, 1, 27))
    head = first_with(casework, hid, Relation.HEAD)
    record(casework, hid, earning(head, "300.00"), on=date(2025, 3, 1))
    assert f.follow() == []


def test_a_household_enrolled_at_a_lower_amount_may_qualify_for_more(casework: Casework) -> None:
    """A household brought over from a roll at 500.00 (due at that amount until a review re-runs the rules)
    whose means are then declared as nothing: the rules give 2 × 780.00 = 1560.00, more than it is paid, so
    a notice says so, naming the amount it is enrolled at."""
    f = follower(casework)
    f.start_at_end()
    members = (
        person(Relation.HEAD, date(1970, 2, 3), "赵秀英"),
        person(Relation.CHILD, date(2012, 5, 6), "赵小明"),
    )
    migrated = MigratedHousehold(
        source=RollSource(file_hash="0" * 64, sheet="低保", row=2),
        area_type=AreaType.URBAN,
        division_code=COMMUNITY,
        address="望城区某街道2号",
        members=members,
        monthly_amount=Decimal("500.00"),
        approved_on=date(2024, 6, 1),
    )
    [hid] = casework.handle(
        commands.ImportRollBatch(program=Program.DIBAO, households=(migrated,), meta=by(ADMIN, date(2025, 1, 1)))
    )
    record(casework, hid, Circumstances(), on=date(2025, 2, 1))
    [notice_id] = f.follow()
    n = casework.get_household(hid).notices[notice_id]
    assert (n.program, n.enrolled_amount, n.monthly_amount) == (Program.DIBAO, Decimal("500.00"), Decimal("1560.00"))
    assert "enrolled at 500.00" in describe(n)


#: The district's care subsidy for a grade-1 certificate (parameters.yaml: 120.00 from 2024-01-01).
CARE_GRADE_1 = Decimal("120.00")


def test_the_earners_death_may_qualify_the_household_for_dibao_and_a_grade_1_member_for_the_care_subsidy(
    casework: Casework,
) -> None:
    """A household of three whose head earns 3000.00; the child holds a grade-1 certificate. When the head dies
    the rules run on every program: one notice for dibao (the two left) and one for the severe-disability care
    subsidy (the child, at the grade-1 amount), each from the day of the death, each explained; nothing enrolled.
    The living subsidy is not noticed: it needs a dibao household, and none is enrolled yet."""
    hid = household(casework, size=3, wages="3000.00")
    child = first_with(casework, hid, Relation.CHILD)
    certificate = DisabilityCertificate(
        DisabilityKind.INTELLECTUAL, 1, "43011220150601123X11", date(2023, 1, 1), date(2031, 12, 31)
    )
    certify(casework, hid, child.person_id, certificate, date(2025, 1, 6))
    f = follower(casework)
    f.start_at_end()  # the notices begin here: the death is the first fact they see
    removed(casework, hid, first_with(casework, hid, Relation.HEAD).person_id, DEATH, reason="户主病故")
    raised = f.follow()
    h = casework.get_household(hid)
    notices = {h.notices[i].program: h.notices[i] for i in raised}
    assert set(notices) == {Program.DIBAO, Program.DISABILITY_CARE}
    care = notices[Program.DISABILITY_CARE]
    assert care.beneficiaries == (child.person_id,)
    assert care.eligible_from == DEATH
    assert care.monthly_amount == CARE_GRADE_1
    assert care.assessment.eligible
    assert any("国发〔2015〕52号" in r.legal_basis for r in care.assessment.reasons)
    assert "disability_care.amount.grade_1" in {p.name for p in care.assessment.parameters}
    assert notices[Program.DIBAO].eligible_from == DEATH
    assert len(notices[Program.DIBAO].beneficiaries) == 2
    assert h.enrolments == {}
