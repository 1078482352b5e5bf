"""Moved: the view rows belong to the application (``application.views.rows``).

Kept for callers not yet moved (``application/payroll.py`` imports its rows from here, and the fen
helpers, now in ``infrastructure.fen``, were found here too); remove once none does.
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
from infrastructure.fen import FEN, from_fen, to_fen

__all__ = [
    "FEN",
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
    "from_fen",
    "to_fen",
]
