"""The casework application: every use case of caseworkers, approvers and admins on one event store.

One ``Casework`` serves every backend; the backend is chosen by the ``env`` it is given
(``PERSISTENCE_MODULE`` …). The clock is injected: the domain never reads it.
"""

from __future__ import annotations

from application.base import DEV_INDEX_KEY, CaseworkBase, check_jurisdiction, utc_now
from application.corrections import CorrectionCommands
from application.deadlines import DeadlineCommands
from application.households import HouseholdCommands
from application.jobs import Jobs
from application.policy_service import PolicyCommands

__all__ = ["DEV_INDEX_KEY", "Casework", "CaseworkBase", "check_jurisdiction", "utc_now"]


class Casework(HouseholdCommands, PolicyCommands, Jobs, CorrectionCommands, DeadlineCommands):
    """Households, their members and means, enrolments in every program, policy, and the jobs."""

    name = "jiuzhu"  # names the PostgreSQL tables (jiuzhu_events …) and the env prefix (JIUZHU_…)
