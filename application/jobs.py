"""Jobs that keep enrolments right over time without a caseworker remembering to: re-computation
after a policy change, and the clock-driven changes (ageing out, gradual exit running out).

Both are idempotent and resumable: run twice, the second run records nothing new.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from application.enrolments import EnrolmentCommands
from domain.enrolment import Status
from domain.errors import DomainError
from domain.household import Household
from domain.members import SchoolStatus
from domain.policy import ParameterValue
from domain.rules.programs import CHILDREN
from domain.rules.tekun import ADULT_AGE
from domain.values import Actor, Role, first_of_next_month

SYSTEM = Actor("system:jobs", Role.SYSTEM, "")
OPEN = frozenset({Status.APPROVED, Status.ACTIVE, Status.SUSPENDED, Status.GRADUAL_EXIT})
Progress = Callable[[int], None]


@dataclass
class JobReport:
    households: int = 0
    recorded: list[tuple[UUID, UUID, str]] = field(default_factory=list)  # household, enrolment, what
    skipped: list[tuple[UUID, UUID, str]] = field(default_factory=list)  # household, enrolment, why


class Jobs(EnrolmentCommands):
    def household_ids(self) -> Iterator[UUID]:
        """Every registered household, in registration order, from the notification log."""
        topic = get_topic(Household.Registered)
        start: int | None = None
        while True:
            page = self.recorder.select_notifications(start, 500, topics=[topic], inclusive_of_start=False)
            if not page:
                return
            for n in page:
                yield n.originator_id if isinstance(n.originator_id, UUID) else UUID(str(n.originator_id))
            start = page[-1].id

    def recalculate(self, value: ParameterValue, actor: Actor = SYSTEM, progress: Progress | None = None) -> JobReport:
        """Re-compute every open enrolment that the new value affects; one adjustment each, effective
        on the value's date, naming the change."""
        cause = (
            f"parameter {value.name} = {value.value} for {value.jurisdiction} from {value.effective_from.isoformat()}"
        )
        report = JobReport()
        policy = self.policy()
        for hid in self.household_ids():
            report.households += 1
            if progress:
                progress(1)
            h = self.get_household(hid)
            if not h.division_code.startswith(value.jurisdiction):
                continue
            params = policy.snapshot(h.division_code, value.effective_from)
            if params.values.get(value.name) != value:
                continue  # a more specific or later value governs this household
            for e in list(h.enrolments.values()):
                used = e.last_assessment is not None and any(p.name == value.name for p in e.last_assessment.parameters)
                if not used or cause in e.adjustments or e.status_on(value.effective_from) not in OPEN:
                    continue
                self._adjust(hid, e.enrolment_id, cause, value.effective_from, actor, report)
        return report

    def _adjust(self, hid: UUID, eid: UUID, cause: str, on: date, actor: Actor, report: JobReport) -> None:
        policy = self.policy()

        def command(h: Household, _: list[Aggregate]) -> UUID | None:
            e = h.enrolment(eid)
            params = policy.snapshot(h.division_code, on)
            assessment = self.assess(h, e.program, e.beneficiaries, e.terms, on, params, eid)
            return h.adjust_amount(eid, assessment=assessment, cause=cause, effective_on=on, actor=actor)

        try:
            did, h = self._update(hid, None, SYSTEM, command)
        except DomainError as exc:
            report.skipped.append((hid, eid, f"{exc.rule}: {exc.message}"))
            return
        if did is not None:
            a = h.enrolment(eid)
            report.recorded.append((hid, eid, f"amount {a.monthly_amount}"))

    def tick(self, on: date, actor: Actor = SYSTEM, progress: Progress | None = None) -> JobReport:
        """Apply what the calendar decides by ``on``: children age out the month after their 18th
        birthday; a gradual exit that has run out is closed by an explicit termination.

        Only households inside the actor's jurisdiction are touched and reported (the system's
        jurisdiction is empty: the unattended job covers the whole store)."""
        report = JobReport()
        policy = self.policy()
        for hid in self.household_ids():
            if progress:
                progress(1)
            h = self.get_household(hid)
            if not h.division_code.startswith(actor.jurisdiction):
                continue
            report.households += 1
            for e in list(h.enrolments.values()):
                if e.status is Status.GRADUAL_EXIT and e.exit_until is not None and e.exit_until <= on:
                    self._close(
                        hid,
                        e.enrolment_id,
                        e.exit_until,
                        "GRADUAL_EXIT_ENDED",
                        "渐退期届满 the gradual exit period has ended",
                        actor,
                        report,
                    )
                elif e.program in CHILDREN and e.status in OPEN:
                    child = h.members.get(e.beneficiaries[0])
                    if child is None:
                        continue
                    age = ADULT_AGE
                    if child.school_status is SchoolStatus.FULL_TIME:  # in school: as long as the parameter allows
                        age = max(age, policy.snapshot(h.division_code, on).count("children.school_extension_age"))
                    end = first_of_next_month(birthday(child.birth_date, age))
                    if end <= on and (e.status_on(end) in OPEN):
                        self._close(
                            hid,
                            e.enrolment_id,
                            end,
                            "AGED_OUT_18",
                            "年满18周岁次月终止 the child turned 18",
                            actor,
                            report,
                        )
        return report

    def _close(self, hid: UUID, eid: UUID, on: date, code: str, text: str, actor: Actor, report: JobReport) -> None:
        def command(h: Household, others: list[Aggregate]) -> UUID:
            did = h.close_by_calendar(eid, reason_code=code, reason=text, effective_on=on, actor=actor)
            self._release(h, eid, on, actor, None, others)
            return did

        try:
            self._update(hid, None, actor, command)  # loads within the actor's jurisdiction only
        except DomainError as exc:
            report.skipped.append((hid, eid, f"{exc.rule}: {exc.message}"))
            return
        report.recorded.append((hid, eid, code))


def birthday(born: date, age: int) -> date:
    """The day a person born on ``born`` turns ``age`` (29 February → 1 March in common years)."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 3, 1)
