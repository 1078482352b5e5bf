"""The worklist: what needs a caseworker's or an approver's attention, from the views.

- reviews overdue, or due within the horizon asked for;
- a decision is late after ``decision.deadline_working_days`` working days from the application (the
  value in force for the division on the application date), or after the extended deadline where an
  approver extended it (``application.deadlines``). Working days are Monday to Friday; public
  holidays are not known yet;
- notices ended awaiting the county's decision, and township opinions that needed no notice;
- (added by the API where the national layer runs) people the nation found on roll in another province;
- (added by the API and the desk) households that may qualify for a program (``application.notices``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from application.deadlines import deadline_working_days, working_days_after
from application.views.projection import Views
from application.views.rows import EnrolmentRow


@dataclass(frozen=True)
class WorkItem:
    """One line of the worklist (served as is by ``GET /api/v1/worklist``)."""

    kind: (
        str  # review_overdue | review_due | decision_late | notice_ended | awaiting_decision | cross_province_duplicate
    )
    due: date | None
    enrolment_id: UUID | None  # None for a "may qualify" notice (no enrolment yet)
    household_id: UUID
    division_code: str
    program: str
    status: str
    detail: str
    finding_id: str | None = None  # a cross-province finding: resolve it at /api/v1/national-findings/{id}/resolution
    notice_id: UUID | None = None  # a "may qualify" notice: /api/v1/households/{id}/notices/{notice_id}


def worklist(views: Views, prefix: str, today: date, within_days: int) -> list[WorkItem]:
    """The open enrolments' work within ``prefix`` on ``today``, soonest due first."""
    horizon = today + timedelta(days=within_days)
    views.catch_up()
    policy = views.casework.policy()
    items: list[WorkItem] = []
    for e, status in views.store.open_enrolments(prefix, today):
        days = e.deadline_working_days or deadline_working_days(policy, e.division_code, e.applied_on)
        items.extend(_work(e, status, today, horizon, days))
    items.sort(key=lambda i: (i.due or date.max, i.kind, str(i.enrolment_id)))
    return items


def _work(e: EnrolmentRow, status: str, today: date, horizon: date, working_days: int) -> list[WorkItem]:
    def item(kind: str, due: date | None, detail: str) -> WorkItem:
        return WorkItem(kind, due, e.enrolment_id, e.household_id, e.division_code, e.program, status, detail)

    out: list[WorkItem] = []
    if e.status in ("applied", "reviewed"):
        deadline = working_days_after(e.applied_on, working_days)
        if today > deadline:
            extended = " (extended)" if e.deadline_working_days else ""
            detail = f"applied {e.applied_on}; decision due by {deadline}{extended}"
            out.append(item("decision_late", deadline, detail))
        if e.status == "reviewed" and e.notice_ends is not None and e.notice_ends < today:
            out.append(item("notice_ended", e.notice_ends, "public notice ended; awaiting the county decision"))
        elif e.status == "reviewed" and e.notice_ends is None:
            out.append(item("awaiting_decision", e.reviewed_on, "township opinion recorded, no notice needed"))
    elif e.next_review_due is not None and e.next_review_due <= horizon:
        kind = "review_overdue" if e.next_review_due < today else "review_due"
        out.append(item(kind, e.next_review_due, f"periodic review due {e.next_review_due}"))
    return out
