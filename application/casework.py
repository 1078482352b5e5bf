"""The casework application: every write of caseworkers, approvers and admins, on one event store.

A write is a command (``application.commands``); ``Casework.handle`` is its one entry point and
``HANDLERS`` says which function handles each. A command on a registered household runs through one
pipeline (``CaseworkBase._update``): load the household, check the caller's jurisdiction and the
version the caller saw (If-Match), run the handler (which runs the domain command), re-price what the
new events change, save everything in one transaction, and on a lost race reload and run it again.

One ``Casework`` serves every backend; the backend is chosen by the ``env`` it is given
(``PERSISTENCE_MODULE`` …). The clock is injected: the domain never reads it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, NamedTuple, overload
from uuid import UUID

from application import commands as c
from application import (
    corrections,
    deadlines,
    disability,
    elderly,
    enrolments,
    households,
    policy_service,
    register,
    roll_migration,
)
from application.base import DEV_INDEX_KEY, CaseworkBase, T, check_jurisdiction, utc_now
from application.jobs import Jobs
from domain.household import Household
from domain.policy import ParameterValue
from domain.values import Actor

__all__ = ["DEV_INDEX_KEY", "HANDLERS", "Casework", "CaseworkBase", "Handled", "check_jurisdiction", "utc_now"]

#: The handler of each command. A household command's handler takes (application, command, household,
#: other aggregates to save with it); any other's takes (application, command).
HANDLERS: dict[type[c.Command[Any]], Callable[..., Any]] = {
    c.RegisterHousehold: households.register_household,
    c.AddMember: households.add_member,
    c.ChangeMember: households.change_member,
    c.RemoveMember: households.remove_member,
    c.RecordCircumstances: households.record_circumstances,
    c.AssessCare: households.assess_care,
    c.RecordParents: households.record_parents,
    c.GrantTemporary: households.grant_temporary,
    c.RecordPayeeAccount: households.record_payee_account,
    c.RecordResidence: elderly.record_residence,
    c.RecordDisabilityCertificate: disability.record_certificate,
    c.FileApplication: enrolments.file_application,
    c.Withdraw: enrolments.withdraw,
    c.RecordTownshipReview: enrolments.record_township_review,
    c.Approve: enrolments.approve,
    c.Reject: enrolments.reject,
    c.Review: enrolments.review,
    c.Suspend: enrolments.suspend,
    c.Resume: enrolments.resume,
    c.Terminate: enrolments.terminate,
    c.ExtendDecisionDeadline: deadlines.extend_decision_deadline,
    c.CorrectPayments: corrections.correct_payments,
    c.SetParameter: policy_service.set_parameter,
    c.ConfirmParameter: policy_service.confirm_parameter,
    c.ImportRollBatch: roll_migration.import_roll_batch,
    c.EnterRegister: register.enter_register,
    c.LeaveRegister: register.leave_register,
    c.DismissNotice: register.dismiss_notice,
}


class Handled(NamedTuple, Generic[T]):
    """What a household command gives back: its result (a new id, a date, or None) and the household."""

    result: T
    household: Household


class Casework(Jobs):
    """Households, their members and means, enrolments in every program, policy, and the jobs.

    One line of bases, no diamond: ``Jobs`` (the calendar and re-computation, ``application.jobs``)
    extends ``EnrolmentCommands`` (the person-index helpers the jobs call), which extends
    ``CaseworkBase`` (loading, saving, the pipeline); every write is a handler in ``HANDLERS``."""

    name = "jiuzhu"  # names the PostgreSQL tables (jiuzhu_events …) and the env prefix (JIUZHU_…)

    @overload
    def handle(self, cmd: c.HouseholdCommand[T]) -> Handled[T]: ...
    @overload
    def handle(self, cmd: c.RegisterHousehold) -> Household: ...
    @overload
    def handle(self, cmd: c.SetParameter) -> ParameterValue: ...
    @overload
    def handle(self, cmd: c.ConfirmParameter) -> None: ...
    @overload
    def handle(self, cmd: c.ImportRollBatch) -> tuple[UUID, ...]: ...

    def handle(self, cmd: c.Command[Any]) -> Any:
        """Run a command: check its date, then its handler — for a household, inside ``_update``."""
        if cmd.date_field is not None:
            self.check_date(cmd.meta.effective_on, cmd.date_field)
        handler = HANDLERS[type(cmd)]
        if not isinstance(cmd, c.HouseholdCommand):
            return handler(self, cmd)
        meta = cmd.meta
        result, household = self._update(
            cmd.household_id, meta.expected_version, meta.actor, lambda h, others: handler(self, cmd, h, others)
        )
        return Handled(result, household)

    def seed_policy(self, values: Iterable[dict[str, Any]], actor: Actor) -> int:
        """Record the seed file's values once, on an empty store (``application.policy_service``)."""
        return policy_service.seed_policy(self, values, actor)
