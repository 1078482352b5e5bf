"""Handlers of the register of households in difficulty (rows of ``HANDLERS``): a caseworker's decision
to enter a household or take it out, and a dismissal of a "may qualify" notice. The register's read
is ``application.register_reads``."""

from __future__ import annotations

from eventsourcing.domain import Aggregate

from application.base import CaseworkBase
from application.commands import DismissNotice, EnterRegister, LeaveRegister
from domain.household import Household


def enter_register(app: CaseworkBase, cmd: EnterRegister, h: Household, others: list[Aggregate]) -> None:
    h.enter_register(ctx=cmd.meta.context)


def leave_register(app: CaseworkBase, cmd: LeaveRegister, h: Household, others: list[Aggregate]) -> None:
    h.leave_register(ctx=cmd.meta.context)


def dismiss_notice(app: CaseworkBase, cmd: DismissNotice, h: Household, others: list[Aggregate]) -> None:
    h.dismiss_notice(cmd.notice_id, ctx=cmd.meta.context)
