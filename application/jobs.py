"""Jobs that keep enrolments right over time without a caseworker remembering to: re-computation
after a policy change, and the clock-driven changes (ageing out, gradual exit running out).

Both are idempotent and resumable: run twice, the second run records nothing new. The
re-computation is run, once per new parameter value, by the ``Recalculation`` follower
(``application.followers``), which relies on that; the calendar tick follows no event but the date,
and is run daily as it is (docs/architecture.md, "Followers").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from application import disability
from application.elderly_jobs import tick_elderly
from application.enrolments import EnrolmentCommands
from domain.enrolment import Status
from domain.entitlement import Trigger, birthday, month_of
from domain.errors import DomainError
from domain.household import Household
from domain.members import SchoolStatus
from domain.policy import ParameterValue
from domain.rules.programs import CHILDREN
from domain.values import Actor, Context, Role

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

    def recalculate(
        self,
        value: ParameterValue,
        actor: Actor = SYSTEM,
        progress: Progress | None = None,
        *,
        request_id: str | None = None,
    ) -> JobReport:
        """Re-compute what is due to every enrolment of the households the new value may govern, from
        the value's date on; each change of what is due is recorded with this value as its cause."""
        cause = (
            f"parameter {value.name} = {value.value} for {value.jurisdiction} from {value.effective_from.isoformat()}"
        )
        report = JobReport()
        for hid in self.household_ids():
            report.households += 1
            if progress:
                progress(1)
            h = self.get_household(hid)
            if not h.division_code.startswith(value.jurisdiction) or not h.enrolments:
                continue
            trigger = Trigger("parameter", cause, actor, request_id)

            def command(h: Household, _: list[Aggregate], trigger: Trigger = trigger) -> list[UUID]:
                return self.reconcile(h, actor, trigger, since=month_of(value.effective_from))

            try:
                recorded, saved = self._update(hid, None, SYSTEM, command)
            except DomainError as exc:
                report.skipped.append((hid, hid, f"{exc.rule}: {exc.message}"))
                continue
            for did in recorded:
                for e in saved.enrolments.values():
                    if did in e.decisions:
                        report.recorded.append((hid, e.enrolment_id, f"amount {e.monthly_amount}"))
        return report

    def tick(self, on: date, actor: Actor = SYSTEM, progress: Progress | None = None) -> JobReport:
        """Apply what the calendar decides by ``on``: children age out the month after their 18th
        birthday; a gradual exit that has run out is closed by an explicit termination; the elderly
        allowance's missed verifications and enrolments at the birthday (``application.elderly_jobs``).

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
            if tick_elderly(self, h, on, actor, report):  # it recorded something: read the household again
                h = self.get_household(hid)
            for e in list(h.enrolments.values()):
                if e.status is Status.GRADUAL_EXIT and e.exit_until is not None and e.exit_until <= on:
                    self._close(
                        hid,
                        e.enrolment_id,
                        e.exit_until - timedelta(days=1),  # the last month paid: termination takes effect after it
                        "GRADUAL_EXIT_ENDED",
                        "渐退期届满 the gradual exit period has ended",
                        actor,
                        report,
                    )
                elif e.program in CHILDREN and e.status in OPEN:
                    child = h.members.get(e.beneficiaries[0])
                    if child is None:
                        continue
                    params = policy.snapshot(h.division_code, on)
                    age = params.count_in_force("person.adult_age")
                    if child.school_status is SchoolStatus.FULL_TIME:  # in school: as long as the parameter allows
                        age = max(age, params.count("children.school_extension_age"))
                    end = month_of(birthday(child.birth_date, age))  # the first month the rules no longer pay
                    if end <= on and (e.status_on(end) in OPEN):
                        self._close(
                            hid,
                            e.enrolment_id,
                            end - timedelta(days=1),
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
            disability.when_dibao_ends(self, h, eid, Context(on, actor, text, None), others)
            return did

        try:
            self._update(hid, None, actor, command)  # loads within the actor's jurisdiction only
        except DomainError as exc:
            report.skipped.append((hid, eid, f"{exc.rule}: {exc.message}"))
            return
        report.recorded.append((hid, eid, code))
