"""The living subsidy ends with the household's dibao however the dibao ends — a review that terminates
it, a gradual exit that runs out on the calendar — and a waiting application is left to its review."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from application import commands
from application.casework import Casework
from domain.circumstances import Assets
from domain.disability import DisabilityCertificate
from domain.enrolment import Status, TownshipOpinion
from domain.household import Household
from domain.members import AdditionCause, DisabilityKind, Member, Relation
from domain.person_index import person_index_id
from domain.values import Program
from tests.application.steps import apply_for, approved, certify, earning, record, register
from tests.support import APPROVER, CASEWORKER, by, member

D = Decimal


def on_dibao_with_the_subsidy(casework: Casework) -> tuple[Household, Member, UUID, UUID]:
    """Head (1970) earning 1000.00, a child (2012) with a grade-2 physical certificate; dibao approved
    2024-02-01, the living subsidy 2024-02-07 (100.00 a month from March)."""
    head, child = member(Relation.HEAD, date(1970, 1, 1)), member(Relation.CHILD, date(2012, 1, 1))
    h = register(casework, head, child)
    record(casework, h.id, earning(head, "1000.00"))
    dibao = apply_for(casework, h.id, Program.DIBAO, head, child, on=date(2024, 1, 15))
    approved(casework, h.id, dibao, date(2024, 1, 20), date(2024, 2, 1))
    certificate = DisabilityCertificate(
        DisabilityKind.PHYSICAL, 2, "43011220120101123X12", date(2023, 1, 1), date(2030, 12, 31)
    )
    certify(casework, h.id, child.person_id, certificate, date(2024, 1, 10))
    living = apply_for(casework, h.id, Program.DISABILITY_LIVING, child, on=date(2024, 2, 5))
    approved(casework, h.id, living, date(2024, 2, 6), date(2024, 2, 7))
    return h, child, dibao, living


def review(casework: Casework, hid: UUID, eid: UUID, on: date) -> Household:
    _, h = casework.handle(commands.Review(household_id=hid, enrolment_id=eid, meta=by(CASEWORKER, on)))
    return h


def test_a_gradual_exit_run_out_ends_the_subsidy_on_the_calendar(casework: Casework) -> None:
    h, _, dibao, living = on_dibao_with_the_subsidy(casework)
    head = next(m for m in h.members.values() if m.relation is Relation.HEAD)
    record(casework, h.id, earning(head, "2000.00"), on=date(2024, 6, 1))  # work income above the standard
    after = review(casework, h.id, dibao, date(2024, 6, 10))
    assert after.enrolment(dibao).status is Status.GRADUAL_EXIT
    assert after.enrolment(dibao).exit_until == date(2025, 1, 1)
    subsidy = after.enrolment(living)
    assert subsidy.status is Status.APPROVED  # the gradual exit is still dibao: the subsidy goes on
    assert subsidy.amount_on(date(2024, 12, 1)) == D("100.00")
    assert [what for _, _, what in casework.tick(date(2024, 12, 31)).recorded] == []
    closed = casework.tick(date(2025, 1, 1))
    assert [what for _, _, what in closed.recorded] == ["GRADUAL_EXIT_ENDED"]
    h = casework.get_household(h.id)
    subsidy = h.enrolment(living)
    assert subsidy.status is Status.TERMINATED
    assert subsidy.status_on(date(2024, 12, 31)) is Status.ACTIVE
    assert subsidy.status_on(date(2025, 1, 1)) is Status.TERMINATED
    assert subsidy.amount_on(date(2025, 1, 1)) == D("0.00")
    assert casework.tick(date(2025, 2, 1)).recorded == []  # once


def test_a_review_that_ends_dibao_ends_the_subsidy_with_its_reason(casework: Casework) -> None:
    h, child, dibao, living = on_dibao_with_the_subsidy(casework)
    head = next(m for m in h.members.values() if m.relation is Relation.HEAD)
    rich = earning(head, "1000.00", assets=Assets(financial=D("500000.00")))
    record(casework, h.id, rich, on=date(2024, 8, 1))
    after = review(casework, h.id, dibao, date(2024, 8, 15))
    assert after.enrolment(dibao).status is Status.TERMINATED
    assert after.enrolment(dibao).steps[-1].effective_on == date(2024, 9, 1)
    subsidy = after.enrolment(living)
    assert subsidy.status is Status.TERMINATED
    assert subsidy.steps[-1].effective_on == date(2024, 9, 1)
    assert subsidy.amount_on(date(2024, 8, 1)) == D("100.00")
    assert subsidy.amount_on(date(2024, 9, 1)) == D("0.00")
    ended = [e for e in casework.repository.event_store.get(h.id) if type(e).__name__ == "EnrolmentTerminated"]
    assert [(e.enrolment_id, e.reason_code) for e in ended][-1] == (living, "DIBAO_ENDED")
    assert "家庭退出低保" in (ended[-1].reason or "")
    index = casework.person_index(person_index_id(child.id_number, casework.index_key))
    assert living not in index.claims  # its claim released with it


def test_an_application_still_waiting_is_refused_at_its_review(casework: Casework) -> None:
    """A second child's living application waiting when the dibao ends is not closed with it: its township
    review runs the rules and finds the household out of dibao."""
    h, _, dibao, _ = on_dibao_with_the_subsidy(casework)
    sibling = member(Relation.CHILD, date(2014, 1, 1))
    casework.handle(
        commands.AddMember(
            household_id=h.id, member=sibling, cause=AdditionCause.MOVED_IN, meta=by(CASEWORKER, date(2024, 2, 2))
        )
    )
    certificate = DisabilityCertificate(
        DisabilityKind.HEARING, 1, "43011220140101123X31", date(2023, 1, 1), date(2030, 12, 31)
    )
    certify(casework, h.id, sibling.person_id, certificate, date(2024, 2, 2))
    waiting = apply_for(casework, h.id, Program.DISABILITY_LIVING, sibling, on=date(2024, 8, 20))
    casework.handle(
        commands.Terminate(
            household_id=h.id,
            enrolment_id=dibao,
            reason_code="MOVED_AWAY",
            meta=by(APPROVER, date(2024, 8, 25), reason="迁出"),
        )
    )
    assert casework.get_household(h.id).enrolment(waiting).status is Status.APPLIED
    review_on = date(2024, 9, 2)
    casework.handle(
        commands.RecordTownshipReview(
            household_id=h.id, enrolment_id=waiting, investigated_on=review_on, findings="低保已停",
            opinion=TownshipOpinion.APPROVE, meta=by(CASEWORKER, review_on),
        )
    )  # fmt: skip
    assessment = casework.get_household(h.id).enrolment(waiting).last_assessment
    assert assessment is not None
    assert not assessment.eligible
    assert "HOUSEHOLD_NOT_IN_DIBAO" in assessment.reason_codes
