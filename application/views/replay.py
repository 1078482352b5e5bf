"""The same figures computed the slow way: replay every household and ask its enrolments directly.

Used to cross-check the views (the two computations must agree) and as the payroll's source on a
small store without views. Households are listed from the notification log.
"""

from __future__ import annotations

from datetime import date

from application.casework import Casework
from application.views.rows import PayableRow
from domain.enrolment import PAYABLE


def payable_by_replay(casework: Casework, on: date, prefix: str = "") -> list[PayableRow]:
    """Enrolments payable on a date: ``Enrolment.status_on``/``amount_on`` on each replayed household;
    the beneficiaries are those the enrolment's schedule covers on the date."""
    out: list[PayableRow] = []
    for hid in casework.household_ids():
        h = casework.get_household(hid)
        if not h.division_code.startswith(prefix):
            continue
        payable = [e for e in h.enrolments.values() if e.status_on(on) in PAYABLE and e.amount_on(on) > 0]
        if not payable:
            continue
        for e in payable:
            out.append(
                PayableRow(
                    enrolment_id=e.enrolment_id,
                    household_id=hid,
                    program=str(e.program),
                    division_code=h.division_code,
                    area_type=str(h.area_type),
                    amount=e.amount_on(on),
                    beneficiaries=e.beneficiaries_on(on),
                    parts=entry.parts if (entry := e.entitlement_on(on)) is not None else (),
                    account_since=h.accounts[0][0] if h.accounts else None,
                )
            )
    out.sort(key=lambda r: (r.division_code, str(r.household_id), str(r.enrolment_id)))
    return out
