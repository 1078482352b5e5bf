"""The events of the register of households in difficulty (低收入人口) and of the "may qualify" notices.

A caseworker enters a household in the register, or takes it out, by a decision with a reason
(``RegisterEntered``, ``RegisterLeft``); the rules put a household in and take it out without any
event (``domain.rules.register``). A "may qualify" notice is raised by the service when a fact shows
that the household now appears eligible for a program it is not enrolled in
(``QualificationNoticeRaised``, with the rule outcome), and closed either by a caseworker who
dismisses it with a reason (``QualificationNoticeDismissed``) or by an application for that program
(``QualificationNoticeActedOn``). Declared apart from ``Household`` to keep modules small; their stored
topics are ``domain.household:Household.<Name>`` like every household event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from domain.assessment import Assessment
from domain.household_events import Event
from domain.values import Program

if TYPE_CHECKING:
    from domain.household import Household


@dataclass(frozen=True, slots=True)
class RegisterDecision:
    """A caseworker's decision on the register, in effect from ``effective_on`` until the next one."""

    effective_on: date
    entered: bool  # True: entered by decision; False: taken out by decision
    decided_by: str
    reason: str


@dataclass(slots=True)
class Notice:
    """A "may qualify" notice as it stands: open until dismissed or acted on."""

    notice_id: UUID
    program: Program
    beneficiaries: tuple[UUID, ...]
    eligible_from: date
    monthly_amount: Decimal
    enrolled_amount: Decimal | None  # None: not enrolled; else the lower amount the enrolment pays
    trigger: str
    assessment: Assessment
    raised_by: str
    status: str = "open"  # open | dismissed | acted_on
    closed_on: date | None = None
    closed_by: str | None = None
    closing_reason: str | None = None
    enrolment_id: UUID | None = None  # acted on: the application that closed it


def _decided(aggregate: Household, event: Event, entered: bool) -> None:
    decision = RegisterDecision(event.effective_on, entered, event.actor.user_id, event.reason or "")
    aggregate.register_decisions.append(decision)
    aggregate.register_decisions.sort(key=lambda d: d.effective_on)  # stable: a tie keeps the recorded order


class RegisterEntered(Event):
    """A caseworker entered the household in the register of households in difficulty, with a reason."""

    def apply(self, aggregate: Household) -> None:
        _decided(aggregate, self, True)


class RegisterLeft(Event):
    """A caseworker took the household out of the register of households in difficulty, with a reason."""

    def apply(self, aggregate: Household) -> None:
        _decided(aggregate, self, False)


class QualificationNoticeRaised(Event):
    """The household appears eligible for a program it is not enrolled in (or at a lower amount), from a date:
    a worklist item for a caseworker, with the rule outcome that says why. Nothing is enrolled by it."""

    notice_id: UUID
    program: Program
    beneficiaries: tuple[UUID, ...]
    eligible_from: date
    monthly_amount: Decimal
    enrolled_amount: Decimal | None
    trigger: str
    assessment: Assessment

    def apply(self, aggregate: Household) -> None:
        aggregate.notices[self.notice_id] = self.state(Notice, raised_by=self.actor.user_id)


class QualificationNoticeDismissed(Event):
    """A caseworker dismissed a "may qualify" notice, saying why (the reason)."""

    notice_id: UUID

    def apply(self, aggregate: Household) -> None:
        notice = aggregate.notices[self.notice_id]
        notice.status, notice.closed_on = "dismissed", self.effective_on
        notice.closed_by, notice.closing_reason = self.actor.user_id, self.reason


class QualificationNoticeActedOn(Event):
    """An application for the notice's program was filed: the notice is closed by it."""

    notice_id: UUID
    enrolment_id: UUID

    def apply(self, aggregate: Household) -> None:
        notice = aggregate.notices[self.notice_id]
        notice.status, notice.closed_on = "acted_on", self.effective_on
        notice.closed_by, notice.closing_reason = self.actor.user_id, self.reason
        notice.enrolment_id = self.enrolment_id
