"""What the calendar decides for the elderly allowance (docs/rules.md): a missed annual verification
suspends it; where ``elderly_allowance.automatic_enrolment`` is 1, a registered resident is enrolled at
the birthday reaching the lowest band, paid from the month after. Both are idempotent like the tick:
run twice or late, each is recorded once, dated when the calendar brought it about."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from application import claims
from application.base import Command
from application.elderly import VERIFICATION_MISSED
from domain.enrolment import Status, TownshipOpinion
from domain.entitlement import birthday
from domain.errors import DomainError
from domain.facts import facts_on
from domain.household import Household
from domain.policy import Policy
from domain.rules import programs
from domain.rules.elderly import BANDS
from domain.values import Actor, Context, Program, Role, first_of_next_month

if TYPE_CHECKING:
    from application.jobs import JobReport, Jobs

#: Who files and investigates an automatic enrolment; the tick's actor approves it (two hands, as always).
ENROLMENT_RULE = Actor("system:elderly-enrolment", Role.SYSTEM, "")
MISSED_TEXT = "未按期完成年度生存认证，暂停发放 the annual verification was not completed by its due date"
ENROLLED_TEXT = "户籍老年人年满{age}周岁，按规定自动纳入高龄津贴 enrolled automatically at the birthday"


def tick_elderly(jobs: Jobs, h: Household, on: date, actor: Actor, report: JobReport) -> bool:
    """The elderly allowance's calendar for one household on ``on``; whether it recorded anything."""
    policy, before = jobs.policy(), len(report.recorded)
    for e in list(h.enrolments.values()):
        if e.program is Program.ELDERLY_ALLOWANCE and e.status_on(on) is Status.ACTIVE and e.next_review_due:
            _suspend_if_missed(jobs, h, e.enrolment_id, e.next_review_due, on, actor, report, policy)
    for person_id in list(h.members):
        _enrol_at_birthday(jobs, h, person_id, on, actor, report, policy)
    return len(report.recorded) > before


def _suspend_if_missed(
    jobs: Jobs, h: Household, eid: UUID, due: date, on: date, actor: Actor, report: JobReport, policy: Policy
) -> None:
    grace = policy.snapshot(h.division_code, due).values.get("elderly_allowance.verification_grace_days")
    if grace is None:
        return
    missed = due + timedelta(days=int(grace.value))  # type: ignore[arg-type]
    if missed > on:
        return

    def command(h: Household, _: list[Aggregate]) -> None:
        h.suspend(eid, reason_code=VERIFICATION_MISSED, ctx=Context(missed, actor, MISSED_TEXT, None))

    _run(jobs, h.id, eid, actor, command, VERIFICATION_MISSED, report)


def _enrol_at_birthday(
    jobs: Jobs, h: Household, person_id: UUID, on: date, actor: Actor, report: JobReport, policy: Policy
) -> None:
    lowest = policy.snapshot(h.division_code, on).values.get(f"elderly_allowance.age.{BANDS[0]}")
    if lowest is None or any(
        e.program is Program.ELDERLY_ALLOWANCE and person_id in e.beneficiaries for e in h.enrolments.values()
    ):
        return
    age = int(lowest.value)  # type: ignore[arg-type]
    day = birthday(h.members[person_id].birth_date, age)
    automatic = policy.snapshot(h.division_code, day).values.get("elderly_allowance.automatic_enrolment")
    if day > on or day < h.registered_on or automatic is None or automatic.value != 1:
        return  # not yet, or before the rule was in force for the birthday: the person applies
    start = first_of_next_month(day)
    params = jobs.pricing_params(h.division_code, start, policy)
    try:
        found = programs.assess(facts_on(h, start), Program.ELDERLY_ALLOWANCE, (person_id,), {}, start, params)
    except DomainError:
        return
    if not found.eligible:  # not registered in the jurisdiction: nothing is enrolled
        return
    verification = params.count("elderly_allowance.verification_months")
    text = ENROLLED_TEXT.format(age=age)

    def command(h: Household, others: list[Aggregate]) -> UUID:
        ctx = Context(day, ENROLMENT_RULE, text, None)
        eid = h.file_application(Program.ELDERLY_ALLOWANCE, (person_id,), terms={}, ctx=ctx)
        claims.claim(jobs, h, eid, ctx, others)
        h.record_township_review(
            eid,
            assessment=found,
            investigated_on=day,
            findings="户籍与年龄经系统比对 registration and age checked by the rule",
            opinion=TownshipOpinion.APPROVE,
            notice_days=0,
            ctx=ctx,
        )
        return h.approve(
            eid,
            benefits_from=start,
            next_review_due=first_of_next_month(start, verification),
            ctx=Context(day, actor, text, None),
        )

    _run(jobs, h.id, person_id, actor, command, "ENROLLED_AT_BIRTHDAY", report)


def _run(jobs: Jobs, hid: UUID, about: UUID, actor: Actor, command: Command[Any], code: str, report: JobReport) -> None:
    try:
        jobs._update(hid, None, actor, command)
    except DomainError as exc:
        report.skipped.append((hid, about, f"{exc.rule}: {exc.message}"))
        return
    report.recorded.append((hid, about, code))
