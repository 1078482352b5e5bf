"""Moved: the view rows belong to the application (``application.views.rows``).

Kept for callers not yet moved (``application/payroll.py`` imports ``Count``, ``PayableRow`` and
``SheetRow`` from here); remove once none does.
"""

from application.views.rows import (
    Count,
    EnrolmentRow,
    GrantRow,
    HouseholdRow,
    HouseholdViews,
    MemberRow,
    PayableRow,
    PeriodRow,
    RollRow,
    SheetRow,
)

__all__ = [
    "Count",
    "EnrolmentRow",
    "GrantRow",
    "HouseholdRow",
    "HouseholdViews",
    "MemberRow",
    "PayableRow",
    "PeriodRow",
    "RollRow",
    "SheetRow",
]
