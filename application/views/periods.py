"""From a household's state to its view rows: pure functions, no storage.

An enrolment's dated periods are derived exactly as ``Enrolment.status_on`` derives a status: each
step is in force from its date until the next step's (a later step on the same day wins); an
``approved`` step turns ``active`` on ``benefits_from``; a ``gradual_exit`` step turns
``terminated`` on ``exit_until``. What the steps do not keep — who the enrolment covered and why it
ended — is noted per step as the projection applies each event (``StepNote``), so the rows hold the
beneficiaries in force in each period, not only the latest ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from application.views.rows import EnrolmentRow, GrantRow, HouseholdRow, HouseholdViews, MemberRow, PeriodRow
from domain.enrolment import PAYABLE, Enrolment, Entitlement, Status
from domain.entitlement import ENTITLED
from domain.household import Household
from domain.members import Member, Relation
from domain.values import Program

ZERO = Decimal("0.00")
#: Reason given to the termination the calendar brings about when a gradual exit runs out.
GRADUAL_EXIT_ENDED = "GRADUAL_EXIT_ENDED"


@dataclass(frozen=True, slots=True)
class StepNote:
    """What an enrolment step covered when it was taken: beneficiaries, reason code, care level."""

    beneficiaries: tuple[UUID, ...]
    reason_code: str | None = None
    care_level: str | None = None


@dataclass
class Tracked:
    """A household replayed by the projection, with a note for every enrolment step."""

    household: Household
    notes: dict[UUID, list[StepNote]] = field(default_factory=dict)


def advance(tracked: Tracked | None, event: Household.Event) -> Tracked:
    """Apply one event (the first creates the household) and note each step it appended."""
    if tracked is None:
        tracked = Tracked(cast(Household, event.mutate(None)))
    else:
        event.mutate(tracked.household)
    for eid, e in tracked.household.enrolments.items():
        notes = tracked.notes.setdefault(eid, [])
        while len(notes) < len(e.steps):
            notes.append(_note(e, e.steps[len(notes)].status, event))
    return tracked


def _note(e: Enrolment, status: Status, event: Any) -> StepNote:
    code = getattr(event, "reason_code", None)
    outcome = getattr(event, "outcome", None)
    if code is None and status is Status.TERMINATED and outcome is not None:
        code = f"REVIEW_{str(outcome).upper()}"
    level = e.last_assessment.figures.get("care_level") if e.last_assessment else None
    return StepNote(tuple(e.beneficiaries), code, str(level) if level else None)


@dataclass(frozen=True, slots=True)
class Piece:
    """The enrolment's status over [start, end); ``step`` is the step in force, ``entry`` the schedule's."""

    start: date
    end: date | None
    status: Status
    amount: Decimal
    step: int
    derived: bool = False  # the calendar turned the step's status (approved → active, gradual exit → terminated)
    entry: Entitlement | None = None


def pieces(e: Enrolment) -> list[Piece]:
    """The enrolment's history as consecutive dated periods, mirroring ``Enrolment.status_on`` and
    ``Enrolment.amount_on``: a period ends where the status or the schedule of what is due changes."""
    cuts = sorted({x.effective_on for x in e.schedule})
    out: list[Piece] = []
    for p in _status_pieces(e):
        inner = [c for c in cuts if p.start < c and (p.end is None or c < p.end)]
        bounds: list[date | None] = [p.start, *inner, p.end]
        for start, end in zip(bounds, bounds[1:], strict=False):
            assert start is not None
            entry = e.entitlement_on(start)
            amount = ZERO
            if p.status in ENTITLED and entry is not None and entry.eligible:
                amount = entry.amount
            out.append(Piece(start, end, p.status, amount, p.step, p.derived, entry))
    return out


def _status_pieces(e: Enrolment) -> list[Piece]:
    """The enrolment's statuses as consecutive dated periods."""
    out: list[Piece] = []
    for i, s in enumerate(e.steps):
        end = e.steps[i + 1].effective_on if i + 1 < len(e.steps) else None
        if end is not None and end <= s.effective_on:
            continue  # a later step on the same day replaces it
        turn: tuple[date, Status] | None = None
        if s.status is Status.APPROVED and e.benefits_from is not None:
            turn = (e.benefits_from, Status.ACTIVE)
        elif s.status is Status.GRADUAL_EXIT and e.exit_until is not None:
            turn = (e.exit_until, Status.TERMINATED)
        if turn is None or (end is not None and turn[0] >= end):
            out.append(Piece(s.effective_on, end, s.status, s.monthly_amount, i))
            continue
        at, status = turn
        amount = ZERO if status is Status.TERMINATED else s.monthly_amount
        if at > s.effective_on:
            out.append(Piece(s.effective_on, at, s.status, s.monthly_amount, i))
        out.append(Piece(max(at, s.effective_on), end, status, amount, i, derived=True))
    return out


def household_views(tracked: Tracked) -> HouseholdViews:
    """Every view row of one household, from its state and the step notes."""
    h = tracked.household
    head = _head(h)
    members = [_member(h.id, m, True) for m in h.members.values()]
    members += [_member(h.id, m, False) for pid, m in h.former_members.items() if pid not in h.members]
    enrolments: list[EnrolmentRow] = []
    periods: list[PeriodRow] = []
    for e in h.enrolments.values():
        notes = tracked.notes.get(e.enrolment_id, [])
        rows = [_period(h, e, seq, p, notes) for seq, p in enumerate(pieces(e))]
        periods.extend(rows)
        enrolments.append(_enrolment(h, e, rows))
    household = HouseholdRow(
        household_id=h.id,
        division_code=h.division_code,
        area_type=str(h.area_type),
        head_name=head.name if head else "",
        head_id_masked=head.id_number.masked() if head else "",
        registered_on=h.registered_on,
        version=h.version,
        account_since=h.accounts[0][0] if h.accounts else None,  # kept in effective order
    )
    grants = [
        GrantRow(g.grant_id, h.id, h.division_code, str(g.kind), str(g.level), g.amount, g.granted_on)
        for g in getattr(h, "grants", {}).values()
    ]
    return HouseholdViews(household, members, enrolments, periods, grants)


def _head(h: Household) -> Member | None:
    current = list(h.members.values())
    return next((m for m in current if m.relation is Relation.HEAD), current[0] if current else None)


def _member(hid: UUID, m: Member, current: bool) -> MemberRow:
    return MemberRow(hid, m.person_id, m.name, m.id_number.masked(), str(m.relation), current)


def _period(h: Household, e: Enrolment, seq: int, p: Piece, notes: list[StepNote]) -> PeriodRow:
    note = notes[p.step] if p.step < len(notes) else StepNote(tuple(e.beneficiaries))
    covered = p.entry.beneficiaries if p.entry is not None and Status(p.status) in ENTITLED else note.beneficiaries
    reason = None
    if p.status in (Status.TERMINATED, Status.SUSPENDED, Status.REJECTED):
        reason = GRADUAL_EXIT_ENDED if p.derived else note.reason_code
    return PeriodRow(
        enrolment_id=e.enrolment_id,
        seq=seq,
        household_id=h.id,
        program=str(e.program),
        division_code=h.division_code,
        area_type=str(h.area_type),
        from_date=p.start,
        to_date=p.end,
        status=str(p.status),
        monthly_amount=p.amount,
        beneficiaries=covered,
        reason_code=reason,
        arrangement=_term(e, "arrangement"),
        care_level=_level(e, p, note),
        placement=_term(e, "placement"),
        parts=p.entry.parts if p.entry is not None and p.amount > 0 else (),
    )


def _level(e: Enrolment, p: Piece, note: StepNote) -> str | None:
    """The level the amount is paid at: tekun's care level at the step; the elderly allowance's age band in
    the schedule's entry (a birthday changes it without a step)."""
    if e.program is Program.ELDERLY_ALLOWANCE:
        return p.entry.parts[0][0] if p.entry is not None and p.entry.parts else None
    return note.care_level


def _term(e: Enrolment, name: str) -> str | None:
    value = getattr(e, "terms", {}).get(name)
    return str(value) if value is not None else None


def _enrolment(h: Household, e: Enrolment, periods: list[PeriodRow]) -> EnrolmentRow:
    started = next((p for p in periods if Status(p.status) in PAYABLE), None)
    ended = next((p for p in periods if p.status == Status.TERMINATED), None)
    review = e.township_review
    return EnrolmentRow(
        enrolment_id=e.enrolment_id,
        household_id=h.id,
        program=str(e.program),
        division_code=h.division_code,
        area_type=str(h.area_type),
        status=str(e.status),
        applied_on=e.applied_on,
        reviewed_on=_first(e, {Status.REVIEWED}),
        notice_ends=review.notice_ends if review else None,
        decided_on=_first(e, {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
        benefits_from=e.benefits_from,
        exit_until=e.exit_until,
        next_review_due=e.next_review_due,
        started_on=started.from_date if started else None,
        started_persons=len(started.beneficiaries) if started else None,
        ended_on=ended.from_date if ended else None,
        exit_reason=ended.reason_code if ended else None,
        monthly_amount=e.monthly_amount,
        beneficiaries_count=len(e.beneficiaries),
        deadline_working_days=getattr(e, "deadline_working_days", None),
    )


def _first(e: Enrolment, statuses: set[Status]) -> date | None:
    return next((s.effective_on for s in e.steps if s.status in statuses), None)
