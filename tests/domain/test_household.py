"""The Household aggregate without persistence (docs/rules.md): members, means, the enrolment state machine."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic, resolve_topic

from application.households import typed_changes
from domain.assessment import Assessment
from domain.circumstances import Circumstances, CostItem, CostKind, IncomeItem, IncomeKind
from domain.enrolment import Enrolment, ReviewOutcome, Status, TownshipOpinion
from domain.errors import FourEyesViolation, InvalidValue, NotFound, RuleViolation, TransitionForbidden
from domain.household import Household
from domain.members import AdditionCause, Disability, DisabilityKind, LabourCapacity, Member, Relation, RemovalCause
from domain.values import Actor, AreaType, Context, IdNumber, Program, Role, first_of_next_month
from tests.support import APPROVER, CASEWORKER, CASEWORKER_2, COMMUNITY, DISTRICT, member

D = Decimal
ZERO = D("0.00")
AMOUNT = D("500.00")

REGISTERED = date(2024, 1, 10)
APPLIED = date(2024, 2, 1)
INVESTIGATED = date(2024, 2, 15)
REVIEWED = date(2024, 2, 20)  # 7-day notice: 20th to 26th inclusive
NOTICE_ENDS = date(2024, 2, 26)
APPROVED = date(2024, 2, 27)
BENEFITS_FROM = date(2024, 3, 1)
NEXT_REVIEW = date(2024, 9, 1)
SUSPENDED = date(2024, 5, 1)
RESUMED = date(2024, 6, 1)
TERMINATED = date(2024, 9, 1)

DAY = timedelta(days=1)


def assessment(eligible: bool = True, amount: Decimal = AMOUNT, on: date = INVESTIGATED) -> Assessment:
    """An assessment built directly, as the township review would store it."""
    return Assessment(
        program=Program.DIBAO,
        assessed_on=on,
        eligible=eligible,
        monthly_amount=amount if eligible else ZERO,
        reasons=(),
        figures={"standard": "780.00"},
        inputs={"incomes": [{"kind": "wages", "monthly_amount": "1000.00", "excluded": False}]},
        parameters=(),
    )


def register(*members: Member, division: str = COMMUNITY, address: str = "望城区高塘岭街道1号") -> Household:
    return Household.register(
        area_type=AreaType.URBAN,
        division_code=division,
        address=address,
        members=members or (member(),),
        ctx=Context(REGISTERED, CASEWORKER, request_id="req-register"),
    )


# --- the enrolment walked through its life ----------------------------------------------------

STAGES = ("registered", "applied", "reviewed", "rejected", "approved", "suspended", "resumed", "terminated")


@dataclass
class Case:
    """A household of head and spouse with a dibao enrolment taken to ``stage``."""

    h: Household
    head: Member
    spouse: Member
    eid: UUID

    @property
    def e(self) -> Enrolment:
        return self.h.enrolment(self.eid)


def build(stage: str, *, eligible: bool = True) -> Case:
    """Run register → circumstances → apply → township review → approve/reject → suspend → resume → terminate."""
    assert stage in STAGES
    head, spouse = member(Relation.HEAD), member(Relation.SPOUSE, date(1982, 3, 3))
    h = register(head, spouse)
    h.record_circumstances(
        Circumstances(incomes=(IncomeItem(head.person_id, IncomeKind.WAGES, D("1000.00")),)),
        ctx=Context(REGISTERED, CASEWORKER, request_id="req-circumstances"),
    )
    if stage == "registered":
        return Case(h, head, spouse, uuid4())
    eid = h.file_application(
        Program.DIBAO, (head.person_id, spouse.person_id), ctx=Context(APPLIED, CASEWORKER, request_id="req-apply")
    )
    case = Case(h, head, spouse, eid)
    if stage == "applied":
        return case
    h.record_township_review(
        eid,
        assessment=assessment(eligible),
        investigated_on=INVESTIGATED,
        findings="visited the home; wages confirmed",
        opinion=TownshipOpinion.APPROVE if eligible else TownshipOpinion.REJECT,
        notice_days=7,
        ctx=Context(REVIEWED, CASEWORKER_2, request_id="req-review"),
    )
    if stage == "reviewed":
        return case
    if stage == "rejected":
        h.reject(
            eid,
            reason_code="INCOME",
            ctx=Context(APPROVED, APPROVER, reason="income too high", request_id="req-reject"),
        )
        return case
    approve(case)
    if stage == "approved":
        return case
    h.suspend(
        eid,
        reason_code="NO_CONTACT",
        ctx=Context(SUSPENDED, APPROVER, reason="cannot be reached", request_id="req-suspend"),
    )
    if stage == "suspended":
        return case
    h.resume(eid, ctx=Context(RESUMED, APPROVER, request_id="req-resume"))
    if stage == "resumed":
        return case
    h.terminate(
        eid, reason_code="MOVED", ctx=Context(TERMINATED, APPROVER, reason="moved away", request_id="req-terminate")
    )
    return case


def approve(case: Case, on: date = APPROVED, actor: Actor = APPROVER) -> UUID:
    return case.h.approve(
        case.eid,
        benefits_from=BENEFITS_FROM,
        next_review_due=NEXT_REVIEW,
        ctx=Context(on, actor, request_id="req-approve"),
    )


TIMELINE = [
    (APPLIED - DAY, None, ZERO),
    (APPLIED, Status.APPLIED, ZERO),
    (REVIEWED - DAY, Status.APPLIED, ZERO),
    (REVIEWED, Status.REVIEWED, ZERO),
    (APPROVED - DAY, Status.REVIEWED, ZERO),
    (APPROVED, Status.APPROVED, ZERO),
    (BENEFITS_FROM - DAY, Status.APPROVED, ZERO),
    (BENEFITS_FROM, Status.ACTIVE, AMOUNT),
    (SUSPENDED - DAY, Status.ACTIVE, AMOUNT),
    (SUSPENDED, Status.SUSPENDED, ZERO),
    (RESUMED - DAY, Status.SUSPENDED, ZERO),
    (RESUMED, Status.ACTIVE, AMOUNT),
    (TERMINATED - DAY, Status.ACTIVE, AMOUNT),
    (TERMINATED, Status.ACTIVE, AMOUNT),  # the month containing the termination's date is still paid
    (first_of_next_month(TERMINATED) - DAY, Status.ACTIVE, AMOUNT),
    (first_of_next_month(TERMINATED), Status.TERMINATED, ZERO),
    (date(2030, 1, 1), Status.TERMINATED, ZERO),
]


@pytest.mark.parametrize(("on", "status", "amount"), [pytest.param(*row, id=f"{row[0]}-{row[1]}") for row in TIMELINE])
def test_status_and_amount_on_both_sides_of_each_step(on: date, status: Status | None, amount: Decimal) -> None:
    """Once the whole life is recorded, status_on and amount_on give each date its own state."""
    e = build("terminated").e
    assert e.status_on(on) == status
    assert e.amount_on(on) == amount


@pytest.mark.parametrize(
    ("stage", "status"),
    [
        pytest.param("applied", Status.APPLIED, id="applied"),
        pytest.param("reviewed", Status.REVIEWED, id="reviewed"),
        pytest.param("rejected", Status.REJECTED, id="rejected"),
        pytest.param("approved", Status.APPROVED, id="approved"),
        pytest.param("suspended", Status.SUSPENDED, id="suspended"),
        pytest.param("resumed", Status.ACTIVE, id="resumed"),
        pytest.param("terminated", Status.TERMINATED, id="terminated"),
    ],
)
def test_status_after_each_step(stage: str, status: Status) -> None:
    """The latest step's status is the enrolment's status, whatever the dates."""
    assert build(stage).e.status is status


def test_benefits_start_on_benefits_from() -> None:
    """Approval alone pays nothing: APPROVED the day before benefits_from, ACTIVE on it."""
    e = build("approved").e
    assert e.benefits_from == BENEFITS_FROM
    assert e.next_review_due == NEXT_REVIEW
    assert (e.status_on(BENEFITS_FROM - DAY), e.amount_on(BENEFITS_FROM - DAY)) == (Status.APPROVED, ZERO)
    assert (e.status_on(BENEFITS_FROM), e.amount_on(BENEFITS_FROM)) == (Status.ACTIVE, AMOUNT)


def test_township_review_records_the_opinion_and_notice() -> None:
    """The township review stores who recorded it, the assessment and a 7-day inclusive notice."""
    e = build("reviewed").e
    review = e.township_review
    assert review is not None
    assert (review.recorded_by, review.opinion) == (CASEWORKER_2.user_id, TownshipOpinion.APPROVE)
    assert (review.notice_starts, review.notice_ends) == (REVIEWED, NOTICE_ENDS)
    assert e.last_assessment == review.assessment
    assert e.decisions[review.decision_id] == "TownshipReviewRecorded"


def test_a_negative_township_opinion_starts_no_notice() -> None:
    """Only an approving opinion is publicly noticed."""
    e = build("reviewed", eligible=False).e
    assert e.township_review is not None
    assert (e.township_review.notice_starts, e.township_review.notice_ends) == (None, None)


def review(
    case: Case,
    outcome: ReviewOutcome,
    found: Assessment,
    *,
    exit_until: date | None = None,
    next_review_due: date | None = None,
) -> None:
    """The periodic review of head and spouse's enrolment, decided on the day ``found`` was assessed."""
    case.h.complete_review(
        case.eid,
        assessment=found,
        outcome=outcome,
        beneficiaries=(case.head.person_id, case.spouse.person_id),
        exit_until=exit_until,
        next_review_due=next_review_due,
        ctx=Context(found.assessed_on, CASEWORKER),
    )


def gradual_exit(case: Case, decided: date, until: date) -> None:
    review(case, ReviewOutcome.GRADUAL_EXIT, assessment(eligible=False, on=decided), exit_until=until)


EXIT_DECIDED = date(2024, 8, 10)
EXIT_UNTIL = date(2025, 3, 1)


def test_gradual_exit_pays_until_exit_until_then_terminates() -> None:
    """GRADUAL_EXIT keeps the amount up to the day before exit_until; on exit_until it is TERMINATED."""
    case = build("resumed")
    gradual_exit(case, EXIT_DECIDED, EXIT_UNTIL)
    e = case.e
    assert (e.status_on(EXIT_DECIDED - DAY), e.amount_on(EXIT_DECIDED - DAY)) == (Status.ACTIVE, AMOUNT)
    assert (e.status_on(EXIT_DECIDED), e.amount_on(EXIT_DECIDED)) == (Status.GRADUAL_EXIT, AMOUNT)
    assert (e.status_on(EXIT_UNTIL - DAY), e.amount_on(EXIT_UNTIL - DAY)) == (Status.GRADUAL_EXIT, AMOUNT)
    assert (e.status_on(EXIT_UNTIL), e.amount_on(EXIT_UNTIL)) == (Status.TERMINATED, ZERO)
    assert e.exit_until == EXIT_UNTIL


def test_resuming_during_gradual_exit_returns_to_gradual_exit() -> None:
    """A suspension inside gradual exit resumes into gradual exit, still ending on exit_until."""
    case = build("resumed")
    gradual_exit(case, EXIT_DECIDED, EXIT_UNTIL)
    case.h.suspend(case.eid, reason_code="NO_CONTACT", ctx=Context(date(2024, 10, 1), APPROVER, reason="away"))
    case.h.resume(case.eid, ctx=Context(date(2024, 11, 1), APPROVER))
    e = case.e
    assert e.status_on(date(2024, 10, 31)) is Status.SUSPENDED
    assert (e.status_on(date(2024, 11, 1)), e.amount_on(date(2024, 11, 1))) == (Status.GRADUAL_EXIT, AMOUNT)
    assert e.status_on(EXIT_UNTIL) is Status.TERMINATED


def test_a_gradual_exit_that_has_run_out_cannot_be_suspended() -> None:
    """After exit_until the enrolment is terminated in effect, so a suspension is a forbidden transition."""
    case = build("resumed")
    gradual_exit(case, EXIT_DECIDED, EXIT_UNTIL)
    with pytest.raises(TransitionForbidden):
        case.h.suspend(case.eid, reason_code="X", ctx=Context(EXIT_UNTIL, APPROVER, reason="x"))


def test_a_new_application_is_allowed_after_gradual_exit_has_run_out() -> None:
    """Once exit_until has passed the old enrolment is terminated; the household may apply again."""
    case = build("resumed")
    gradual_exit(case, EXIT_DECIDED, EXIT_UNTIL)
    eid = case.h.file_application(Program.DIBAO, (case.head.person_id,), ctx=Context(date(2025, 6, 1), CASEWORKER))
    assert case.h.enrolment(eid).status is Status.APPLIED


def test_a_new_application_during_gradual_exit_is_refused() -> None:
    """While gradual exit still pays, the enrolment is open."""
    case = build("resumed")
    gradual_exit(case, EXIT_DECIDED, EXIT_UNTIL)
    with pytest.raises(RuleViolation) as err:
        case.h.file_application(Program.DIBAO, (case.head.person_id,), ctx=Context(date(2024, 12, 1), CASEWORKER))
    assert err.value.rule == "enrolment-open"


def test_an_adjusting_review_changes_the_amount_from_its_date() -> None:
    """ADJUSTED pays the new assessment's amount from the review date; CONTINUED keeps the old one."""
    case = build("resumed")
    adjusted = assessment(amount=D("420.00"), on=date(2024, 8, 1))
    review(case, ReviewOutcome.ADJUSTED, adjusted, next_review_due=date(2025, 2, 1))
    continued = assessment(amount=D("999.00"), on=date(2025, 2, 1))
    review(case, ReviewOutcome.CONTINUED, continued, next_review_due=date(2025, 8, 1))
    e = case.e
    assert e.amount_on(date(2024, 7, 31)) == AMOUNT
    assert e.amount_on(date(2024, 8, 1)) == D("420.00")
    assert e.amount_on(date(2025, 2, 1)) == D("420.00")
    assert e.status_on(date(2025, 2, 1)) is Status.ACTIVE
    assert e.next_review_due == date(2025, 8, 1)


def test_a_terminating_review_ends_payment() -> None:
    """A TERMINATED review outcome on 1 August stops payment from the next month: August is still paid."""
    case = build("resumed")
    review(case, ReviewOutcome.TERMINATED, assessment(eligible=False, on=date(2024, 8, 1)))
    assert (case.e.status_on(date(2024, 9, 1)), case.e.amount_on(date(2024, 9, 1))) == (Status.TERMINATED, ZERO)
    assert (case.e.status_on(date(2024, 8, 31)), case.e.amount_on(date(2024, 8, 1))) == (Status.ACTIVE, AMOUNT)


# --- forbidden transitions ------------------------------------------------------------------

Action = Callable[[Case, date], object]


def act_approve(c: Case, on: date) -> object:
    return approve(c, on)


def act_reject(c: Case, on: date) -> object:
    return c.h.reject(c.eid, reason_code="R", ctx=Context(on, APPROVER, reason="r"))


def act_review(c: Case, on: date, investigated_on: date | None = None, findings: str = "again") -> object:
    """A second caseworker records an approving township opinion on ``on`` (investigated that day unless said)."""
    return c.h.record_township_review(
        c.eid,
        assessment=assessment(),
        investigated_on=investigated_on or on,
        findings=findings,
        opinion=TownshipOpinion.APPROVE,
        notice_days=7,
        ctx=Context(on, CASEWORKER_2),
    )


def act_suspend(c: Case, on: date) -> None:
    c.h.suspend(c.eid, reason_code="R", ctx=Context(on, APPROVER, reason="r"))


def act_resume(c: Case, on: date) -> None:
    c.h.resume(c.eid, ctx=Context(on, APPROVER))


def act_terminate(c: Case, on: date) -> object:
    return c.h.terminate(c.eid, reason_code="R", ctx=Context(on, APPROVER, reason="r"))


def act_withdraw(c: Case, on: date) -> None:
    c.h.withdraw_application(c.eid, ctx=Context(on, CASEWORKER))


@pytest.mark.parametrize(
    ("stage", "action", "on", "from_status"),
    [
        pytest.param("applied", act_approve, date(2024, 3, 1), Status.APPLIED, id="approve-not-reviewed"),
        pytest.param("applied", act_reject, date(2024, 3, 1), Status.APPLIED, id="reject-not-reviewed"),
        pytest.param("rejected", act_approve, date(2024, 3, 1), Status.REJECTED, id="approve-rejected"),
        pytest.param("approved", act_approve, date(2024, 2, 28), Status.APPROVED, id="approve-twice"),
        pytest.param("resumed", act_resume, date(2024, 7, 1), Status.ACTIVE, id="resume-active"),
        pytest.param("approved", act_resume, date(2024, 4, 1), Status.ACTIVE, id="resume-never-suspended"),
        pytest.param("applied", act_suspend, date(2024, 3, 1), Status.APPLIED, id="suspend-applied"),
        pytest.param("approved", act_suspend, date(2024, 2, 28), Status.APPROVED, id="suspend-before-benefits"),
        pytest.param("suspended", act_suspend, date(2024, 5, 15), Status.SUSPENDED, id="suspend-twice"),
        pytest.param("reviewed", act_review, date(2024, 2, 21), Status.REVIEWED, id="township-review-twice"),
        pytest.param("approved", act_withdraw, date(2024, 2, 28), Status.APPROVED, id="withdraw-approved"),
        pytest.param("rejected", act_withdraw, date(2024, 3, 1), Status.REJECTED, id="withdraw-rejected"),
        pytest.param("terminated", act_resume, date(2024, 10, 1), Status.TERMINATED, id="resume-terminated"),
        pytest.param("terminated", act_terminate, date(2024, 10, 1), Status.TERMINATED, id="terminate-twice"),
        pytest.param("reviewed", act_terminate, date(2024, 3, 1), Status.REVIEWED, id="terminate-reviewed"),
    ],
)
def test_forbidden_transitions_are_refused(stage: str, action: Action, on: date, from_status: Status) -> None:
    """A step the state machine does not allow from the status on that date is refused and records nothing."""
    case = build(stage)
    before = len(case.h.pending_events)
    with pytest.raises(TransitionForbidden) as err:
        action(case, on)
    assert err.value.rule == f"transition-from-{from_status}"
    assert len(case.h.pending_events) == before


@pytest.mark.parametrize(
    ("stage", "action", "on"),
    [
        pytest.param("applied", act_withdraw, date(2024, 2, 2), id="withdraw-applied"),
        pytest.param("reviewed", act_withdraw, date(2024, 2, 21), id="withdraw-reviewed"),
        pytest.param("approved", act_terminate, date(2024, 2, 28), id="terminate-approved-before-benefits"),
        pytest.param("suspended", act_terminate, date(2024, 5, 15), id="terminate-suspended"),
        pytest.param("approved", act_suspend, BENEFITS_FROM, id="suspend-on-first-active-day"),
    ],
)
def test_allowed_transitions_are_recorded(stage: str, action: Action, on: date) -> None:
    """The permitted side of the same boundaries: one event is recorded."""
    case = build(stage)
    before = len(case.h.pending_events)
    action(case, on)
    assert len(case.h.pending_events) == before + 1


def test_withdrawn_application_is_final() -> None:
    """A withdrawn enrolment cannot be reviewed, and no longer blocks a new application."""
    case = build("applied")
    act_withdraw(case, date(2024, 2, 5))
    assert case.e.status_on(date(2024, 2, 5)) is Status.WITHDRAWN
    with pytest.raises(TransitionForbidden):
        act_review(case, date(2024, 2, 6))
    case.h.file_application(Program.DIBAO, (case.head.person_id,), ctx=Context(date(2024, 2, 6), CASEWORKER))


# --- approval rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "on",
    [
        pytest.param(REVIEWED, id="notice-first-day"),
        pytest.param(NOTICE_ENDS - DAY, id="notice-second-last-day"),
        pytest.param(NOTICE_ENDS, id="notice-last-day"),
    ],
)
def test_approval_during_the_public_notice_is_refused(on: date) -> None:
    """Approval on or before notice_ends (inclusive) is refused."""
    case = build("reviewed")
    with pytest.raises(RuleViolation) as err:
        approve(case, on)
    assert (err.value.rule, err.value.field) == ("notice-not-ended", "effective_on")
    assert case.e.status is Status.REVIEWED


def test_approval_the_day_after_the_notice_is_accepted() -> None:
    """The day after notice_ends the approval stands, at the township assessment's amount."""
    case = build("reviewed")
    decision_id = approve(case, NOTICE_ENDS + DAY)
    assert case.e.status is Status.APPROVED
    assert case.e.monthly_amount == AMOUNT
    assert case.e.decisions[decision_id] == "ApplicationApproved"


FOUR_EYES = [
    pytest.param(Actor(CASEWORKER.user_id, Role.APPROVER, DISTRICT), id="decider-filed-the-application"),
    pytest.param(Actor(CASEWORKER_2.user_id, Role.APPROVER, DISTRICT), id="decider-recorded-township-opinion"),
]


@pytest.mark.parametrize("actor", FOUR_EYES)
def test_approver_must_be_a_different_person(actor: Actor) -> None:
    """The approver may not be who filed the application or recorded the township opinion."""
    case = build("reviewed")
    with pytest.raises(FourEyesViolation) as err:
        approve(case, APPROVED, actor)
    assert err.value.rule == "four-eyes"
    assert case.e.status is Status.REVIEWED


@pytest.mark.parametrize("actor", FOUR_EYES)
def test_rejecter_must_be_a_different_person(actor: Actor) -> None:
    """Four eyes applies to rejection too."""
    case = build("reviewed")
    with pytest.raises(FourEyesViolation):
        case.h.reject(case.eid, reason_code="R", ctx=Context(APPROVED, actor, reason="r"))
    assert case.e.status is Status.REVIEWED


def test_approving_an_ineligible_assessment_is_refused() -> None:
    """The county cannot approve what the rules found not eligible; it may reject it."""
    case = build("reviewed", eligible=False)
    with pytest.raises(RuleViolation) as err:
        approve(case, APPROVED)
    assert type(err.value) is RuleViolation
    assert err.value.rule == "assessment-not-eligible"
    act_reject(case, APPROVED)
    assert case.e.status is Status.REJECTED


@pytest.mark.parametrize(
    ("reason_code", "reason"),
    [pytest.param("", "text", id="no-code"), pytest.param("R", "  ", id="blank-text")],
)
@pytest.mark.parametrize("verb", ["reject", "suspend", "terminate"])
def test_refusals_suspensions_and_terminations_carry_a_reason(verb: str, reason_code: str, reason: str) -> None:
    """A reason code and a reason text are both required."""
    case = build("reviewed" if verb == "reject" else "resumed")
    with pytest.raises(InvalidValue) as err:
        getattr(case.h, verb)(case.eid, reason_code=reason_code, ctx=Context(date(2024, 7, 1), APPROVER, reason=reason))
    assert err.value.rule == "reason-required"


@pytest.mark.parametrize(
    ("stage", "action", "on"),
    [
        pytest.param("applied", act_review, APPLIED - DAY, id="review-before-application"),
        pytest.param("reviewed", act_approve, REVIEWED - DAY, id="approve-before-review"),
        pytest.param("suspended", act_resume, SUSPENDED - DAY, id="resume-before-suspension"),
        pytest.param("resumed", act_terminate, RESUMED - DAY, id="terminate-before-resumption"),
    ],
)
def test_a_step_dated_before_the_last_step_is_refused(stage: str, action: Action, on: date) -> None:
    """History is appended in effective order: a step may not precede the enrolment's last step."""
    case = build(stage)
    with pytest.raises(InvalidValue) as err:
        action(case, on)
    assert (err.value.rule, err.value.field) == ("effective-before-last-step", "effective_on")


def test_a_step_on_the_same_day_as_the_last_step_is_allowed() -> None:
    """The boundary itself: a suspension dated the day of the resumption is accepted."""
    case = build("resumed")
    case.h.suspend(case.eid, reason_code="R", ctx=Context(RESUMED, APPROVER, reason="r"))
    assert case.e.status_on(RESUMED) is Status.SUSPENDED


def test_investigation_must_fall_between_application_and_opinion() -> None:
    """investigated_on before the application or after the opinion is refused."""
    case = build("applied")
    for investigated in (APPLIED - DAY, REVIEWED + DAY):
        with pytest.raises(InvalidValue) as err:
            act_review(case, REVIEWED, investigated_on=investigated, findings="f")
        assert err.value.rule == "investigation-date"


def test_unknown_enrolment_is_not_found() -> None:
    """Acting on an enrolment the household does not have is NotFound."""
    case = build("registered")
    with pytest.raises(NotFound) as err:
        act_withdraw(case, APPLIED)
    assert err.value.rule == "enrolment-known"


# --- events ---------------------------------------------------------------------------------


def test_every_event_carries_effective_date_actor_and_request_id() -> None:
    """Each event of a whole life names when it takes effect, who caused it and the request that carried it."""
    case = build("terminated")
    collected = case.h.collect_events()
    events = [e for e in collected if isinstance(e, Household.Event)]
    assert len(events) == len(collected)
    assert [type(e).__name__ for e in events] == [
        "Registered",
        "CircumstancesRecorded",
        "ApplicationFiled",
        "TownshipReviewRecorded",
        "ApplicationApproved",
        "BenefitSuspended",
        "BenefitResumed",
        "EnrolmentTerminated",
    ]
    for event in events:
        assert isinstance(event.effective_on, date), type(event).__name__
        assert isinstance(event.actor, Actor), type(event).__name__
        assert isinstance(event.request_id, str), type(event).__name__
        assert event.request_id.startswith("req-"), type(event).__name__
        assert hasattr(event, "reason"), type(event).__name__
    assert [e.effective_on for e in events] == [
        REGISTERED,
        REGISTERED,
        APPLIED,
        REVIEWED,
        APPROVED,
        SUSPENDED,
        RESUMED,
        TERMINATED,
    ]
    assert case.h.pending_events == []


#: Event classes the household names, declared in their modules (eventsourcing also generates an unused
#: ``Household.Created``, declared nowhere).
EVENT_CLASSES = sorted(
    (
        cls
        for name, cls in vars(Household).items()
        if isinstance(cls, type)
        and issubclass(cls, Household.Event)
        and cls is not Household.Event
        and f"class {name}(" in inspect.getsource(sys.modules[cls.__module__])
    ),
    key=lambda c: c.__name__,
)


def test_the_event_classes_are_found() -> None:
    """The docstring check below sees every fact the household records."""
    assert len(EVENT_CLASSES) == 31  # EnrolmentMigrated the 23rd, PayeeAccountRecorded the 24th,
    # the register's five the 25th–29th, ResidenceRecorded (the elderly allowance) the 30th,
    # DisabilityCertified (the disability subsidies) the 31st
    assert {c.__name__ for c in EVENT_CLASSES} >= {"Registered", "ApplicationApproved", "EnrolmentTerminated"}


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__name__) for c in EVENT_CLASSES])
def test_each_event_class_has_a_docstring(cls: type[Aggregate.Event]) -> None:
    """An auditor reads what each event means from its own docstring (not a generated signature)."""
    doc = cls.__dict__.get("__doc__")
    assert doc
    assert doc.strip()
    assert not doc.startswith(f"{cls.__name__}(")


# --- registration and members ---------------------------------------------------------------


def test_register_records_the_household() -> None:
    """A registered household has its division, stripped address, members and registration date."""
    head, child = member(), member(Relation.CHILD, date(2015, 6, 1))
    h = register(head, child, address="  高塘岭街道1号 ")
    assert (h.division_code, h.address, h.registered_on, h.area_type) == (
        COMMUNITY,
        "高塘岭街道1号",
        REGISTERED,
        AreaType.URBAN,
    )
    assert set(h.members) == {head.person_id, child.person_id}


@pytest.mark.parametrize(
    ("kwargs", "error", "rule"),
    [
        pytest.param({"division_code": "43011"}, InvalidValue, "division-code-length", id="division-5-digits"),
        pytest.param({"division_code": "4301120010"}, InvalidValue, "division-code-length", id="division-10-digits"),
        pytest.param({"address": ""}, InvalidValue, "required", id="empty-address"),
        pytest.param({"address": " \t"}, InvalidValue, "required", id="blank-address"),
        pytest.param({"members": ()}, InvalidValue, "members-required", id="no-members"),
    ],
)
def test_register_validates_its_input(kwargs: dict[str, object], error: type[Exception], rule: str) -> None:
    """Registration refuses a bad division code, an empty address or no members."""
    args: dict[str, object] = {
        "area_type": AreaType.URBAN,
        "division_code": COMMUNITY,
        "address": "地址",
        "members": (member(),),
        "ctx": Context(REGISTERED, CASEWORKER),
        **kwargs,
    }
    with pytest.raises(error) as err:
        Household.register(**args)  # type: ignore[arg-type]
    assert err.value.rule == rule  # type: ignore[attr-defined]


def test_register_refuses_a_duplicate_id_number() -> None:
    """The same ID number twice in one household is refused, naming the second occurrence."""
    head = member()
    twin = Member(person_id=uuid4(), name="李四", id_number=IdNumber(head.id_number.value), relation=Relation.SPOUSE)
    with pytest.raises(RuleViolation) as err:
        register(head, twin)
    assert (err.value.rule, err.value.field) == ("member-duplicate", "members[1].id_number")


def test_add_member_from_its_effective_date() -> None:
    """A member added (birth) is in the household."""
    h = register()
    baby = member(Relation.CHILD, date(2024, 3, 5))
    h.add_member(baby, cause=AdditionCause.BIRTH, ctx=Context(date(2024, 3, 5), CASEWORKER))
    assert h.member(baby.person_id) == baby


def test_add_member_on_the_registration_day_is_allowed() -> None:
    """The registration date itself is not 'before registration'."""
    h = register()
    h.add_member(member(Relation.CHILD), cause=AdditionCause.MOVED_IN, ctx=Context(REGISTERED, CASEWORKER))
    assert len(h.members) == 2


def test_add_member_refuses_a_duplicate_id_number() -> None:
    """A person already in the household cannot be added again under another person id."""
    head = member()
    h = register(head)
    again = Member(person_id=uuid4(), name="张三", id_number=head.id_number, relation=Relation.OTHER)
    with pytest.raises(RuleViolation) as err:
        h.add_member(again, cause=AdditionCause.OTHER, ctx=Context(date(2024, 3, 1), CASEWORKER))
    assert err.value.rule == "member-duplicate"


def test_a_removed_member_may_come_back() -> None:
    """After moving out, the same person (same ID number) may move in again."""
    head, child = member(), member(Relation.CHILD, date(2004, 1, 1))
    h = register(head, child)
    h.remove_member(
        child.person_id, cause=RemovalCause.MOVED_OUT, review_months=3, ctx=Context(date(2024, 3, 1), CASEWORKER)
    )
    assert child.person_id in h.former_members
    h.add_member(child, cause=AdditionCause.MOVED_IN, ctx=Context(date(2024, 6, 1), CASEWORKER))
    assert child.person_id in h.members


BEFORE = REGISTERED - DAY


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(
            lambda h, p: h.add_member(member(), cause=AdditionCause.BIRTH, ctx=Context(BEFORE, CASEWORKER)),
            id="add",
        ),
        pytest.param(
            lambda h, p: h.change_member(p, {"seriously_ill": True}, ctx=Context(BEFORE, CASEWORKER)),
            id="change",
        ),
        pytest.param(
            lambda h, p: h.remove_member(p, cause=RemovalCause.DEATH, review_months=3, ctx=Context(BEFORE, CASEWORKER)),
            id="remove",
        ),
        pytest.param(
            lambda h, p: h.record_circumstances(Circumstances(), ctx=Context(BEFORE, CASEWORKER)),
            id="circumstances",
        ),
        pytest.param(
            lambda h, p: h.file_application(Program.DIBAO, (p,), ctx=Context(BEFORE, CASEWORKER)),
            id="application",
        ),
    ],
)
def test_effective_dates_before_registration_are_refused(command: Callable[[Household, UUID], object]) -> None:
    """No fact may take effect before the household was registered; nothing is recorded."""
    head = member()
    h = register(head, member(Relation.SPOUSE))
    before = len(h.pending_events)
    with pytest.raises(InvalidValue) as err:
        command(h, head.person_id)
    assert (err.value.rule, err.value.field) == ("effective-before-registration", "effective_on")
    assert len(h.pending_events) == before


def test_change_member_applies_typed_changes() -> None:
    """Changed fields take their new values; other fields stay."""
    head = member()
    h = register(head)
    h.change_member(
        head.person_id,
        {"labour_capacity": LabourCapacity.NONE, "disability": Disability(DisabilityKind.PHYSICAL, 2)},
        ctx=Context(date(2024, 4, 1), CASEWORKER),
    )
    changed = h.member(head.person_id)
    assert changed.labour_capacity is LabourCapacity.NONE
    assert changed.disability == Disability(DisabilityKind.PHYSICAL, 2)
    assert (changed.id_number, changed.name) == (head.id_number, head.name)


@pytest.mark.parametrize(
    ("changes", "error", "rule", "field"),
    [
        pytest.param({"id_number": "x"}, InvalidValue, "member-field-mutable", "id_number", id="id-number"),
        pytest.param({"person_id": uuid4()}, InvalidValue, "member-field-mutable", "person_id", id="person-id"),
        pytest.param({"colour": "red"}, InvalidValue, "member-field-mutable", "colour", id="unknown-field"),
        pytest.param({"name": "王五", "id_number": "x"}, InvalidValue, "member-field-mutable", "id_number", id="mixed"),
        pytest.param({}, InvalidValue, "changes-required", "changes", id="empty"),
        pytest.param({"name": "  "}, InvalidValue, "name-length", "name", id="blank-name"),
        pytest.param(
            {"disability": {"kind": "physical", "grade": 5}},
            InvalidValue,
            "disability-grade",
            "disability.grade",
            id="disability-grade-5",
        ),
        pytest.param({"labour_capacity": "tired"}, InvalidValue, "member-value", "labour_capacity", id="bad-enum"),
    ],
)
def test_change_member_refuses_bad_changes(
    changes: dict[str, object], error: type[Exception], rule: str, field: str
) -> None:
    """Identity fields, unknown fields, empty changes and invalid values are refused; nothing is recorded."""
    head = member()
    h = register(head)
    before = len(h.pending_events)
    with pytest.raises(error) as err:  # typed as the application types every change, then recorded
        h.change_member(head.person_id, typed_changes(changes), ctx=Context(date(2024, 4, 1), CASEWORKER))
    assert (err.value.rule, err.value.field) == (rule, field)  # type: ignore[attr-defined]
    assert len(h.pending_events) == before
    assert h.member(head.person_id) == head


def test_change_unknown_member_is_not_found() -> None:
    """Changing a person who is not a member is NotFound."""
    h = register()
    with pytest.raises(NotFound) as err:
        h.change_member(uuid4(), {"seriously_ill": True}, ctx=Context(date(2024, 4, 1), CASEWORKER))
    assert err.value.rule == "member-known"


def test_remove_member() -> None:
    """A removed member moves to former_members."""
    head, spouse = member(), member(Relation.SPOUSE)
    h = register(head, spouse)
    h.remove_member(
        spouse.person_id, cause=RemovalCause.DEATH, review_months=3, ctx=Context(date(2024, 5, 1), CASEWORKER)
    )
    assert set(h.members) == {head.person_id}
    assert h.former_members[spouse.person_id] == spouse


def test_removing_the_last_member_is_refused() -> None:
    """A household never has no members."""
    head = member()
    h = register(head)
    with pytest.raises(RuleViolation) as err:
        h.remove_member(
            head.person_id, cause=RemovalCause.DEATH, review_months=3, ctx=Context(date(2024, 5, 1), CASEWORKER)
        )
    assert err.value.rule == "last-member"
    assert head.person_id in h.members


def test_removing_an_unknown_member_is_not_found() -> None:
    """Removing someone who is not (or no longer) a member is NotFound."""
    head, spouse = member(), member(Relation.SPOUSE)
    h = register(head, spouse)
    h.remove_member(
        spouse.person_id, cause=RemovalCause.MOVED_OUT, review_months=3, ctx=Context(date(2024, 5, 1), CASEWORKER)
    )
    with pytest.raises(NotFound):
        h.remove_member(
            spouse.person_id, cause=RemovalCause.DEATH, review_months=3, ctx=Context(date(2024, 6, 1), CASEWORKER)
        )


# --- circumstances --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("circumstances", "field"),
    [
        pytest.param(
            lambda p: Circumstances(
                incomes=(IncomeItem(p, IncomeKind.WAGES, D("1.00")), IncomeItem(uuid4(), IncomeKind.WAGES, D("1.00")))
            ),
            "incomes[1].person_id",
            id="income",
        ),
        pytest.param(
            lambda p: Circumstances(costs=(CostItem(uuid4(), CostKind.MEDICAL, D("1.00")),)),
            "costs[0].person_id",
            id="cost",
        ),
    ],
)
def test_circumstances_naming_an_unknown_person_are_not_found(
    circumstances: Callable[[UUID], Circumstances], field: str
) -> None:
    """Income or costs of someone not in the household are refused, naming the item."""
    head = member()
    h = register(head)
    with pytest.raises(NotFound) as err:
        h.record_circumstances(circumstances(head.person_id), ctx=Context(date(2024, 2, 1), CASEWORKER))
    assert (err.value.rule, err.value.field) == ("member-known", field)
    assert h.circumstances == []


def test_circumstances_in_effect_on_a_date() -> None:
    """The latest declaration effective on or before the date applies; a same-day later record wins."""
    head = member()
    h = register(head)

    def wages(amount: str) -> Circumstances:
        return Circumstances(incomes=(IncomeItem(head.person_id, IncomeKind.WAGES, D(amount)),))

    h.record_circumstances(wages("1000.00"), ctx=Context(date(2024, 2, 1), CASEWORKER))
    h.record_circumstances(wages("1500.00"), ctx=Context(date(2024, 6, 1), CASEWORKER))
    h.record_circumstances(wages("1200.00"), ctx=Context(date(2024, 2, 1), CASEWORKER))  # late correction
    assert h.circumstances_on(date(2024, 1, 31)) == Circumstances()
    assert h.circumstances_on(date(2024, 2, 1)) == wages("1200.00")
    assert h.circumstances_on(date(2024, 5, 31)) == wages("1200.00")
    assert h.circumstances_on(date(2024, 6, 1)) == wages("1500.00")


# --- applications ---------------------------------------------------------------------------


def test_file_application_creates_an_applied_enrolment() -> None:
    """The enrolment starts APPLIED on its date, recorded by the caseworker."""
    case = build("applied")
    e = case.e
    assert (e.program, e.applied_on, e.applied_by) == (Program.DIBAO, APPLIED, CASEWORKER.user_id)
    assert e.beneficiaries == (case.head.person_id, case.spouse.person_id)
    assert e.status is Status.APPLIED


@pytest.mark.parametrize(
    ("beneficiaries", "error", "rule"),
    [
        pytest.param(lambda c: (), InvalidValue, "beneficiaries-required", id="none"),
        pytest.param(
            lambda c: (c.head.person_id, c.head.person_id), InvalidValue, "beneficiary-duplicate", id="duplicate"
        ),
        pytest.param(lambda c: (c.head.person_id, uuid4()), NotFound, "member-known", id="unknown"),
    ],
)
def test_file_application_validates_beneficiaries(
    beneficiaries: Callable[[Case], tuple[UUID, ...]], error: type[Exception], rule: str
) -> None:
    """Beneficiaries are named, once each, and are members."""
    case = build("registered")
    with pytest.raises(error) as err:
        case.h.file_application(Program.DIBAO, beneficiaries(case), ctx=Context(APPLIED, CASEWORKER))
    assert err.value.rule == rule  # type: ignore[attr-defined]
    assert case.h.enrolments == {}


@pytest.mark.parametrize("stage", ["applied", "reviewed", "approved", "suspended", "resumed"])
def test_a_second_open_dibao_enrolment_for_the_same_person_is_refused(stage: str) -> None:
    """While an enrolment naming a person is not final, another for the same program is refused."""
    case = build(stage)
    with pytest.raises(RuleViolation) as err:
        case.h.file_application(Program.DIBAO, (case.spouse.person_id,), ctx=Context(date(2024, 8, 1), CASEWORKER))
    assert err.value.rule == "enrolment-open"


@pytest.mark.parametrize("stage", ["rejected", "terminated"])
def test_after_a_final_state_a_new_application_is_allowed(stage: str) -> None:
    """Rejected or terminated enrolments do not block a new application."""
    case = build(stage)
    eid = case.h.file_application(Program.DIBAO, (case.head.person_id,), ctx=Context(date(2024, 10, 1), CASEWORKER))
    assert eid != case.eid
    assert case.h.enrolment(eid).status is Status.APPLIED


@pytest.mark.parametrize("cls", [pytest.param(c, id=c.__name__) for c in EVENT_CLASSES])
def test_each_event_keeps_its_stored_topic(cls: type[Aggregate.Event]) -> None:
    """Events are declared in their own modules but stored, and found again, under the topic they had
    when declared inside ``Household``: every event stored before still loads, and new ones look the same."""
    topic = f"domain.household:Household.{cls.__name__}"
    assert get_topic(cls) == topic
    assert resolve_topic(topic) is cls
    assert cls.__qualname__ == f"Household.{cls.__name__}"  # as logs and metrics name it
