"""The synthetic district's elderly: every member aged 60 or over is registered as a resident of the
household's division; one who reached the elderly allowance's lowest band applies for it with the
household's own application (``application.demo``), and the quarterly calendar job enrols those who
reach it during the year (``elderly_allowance.automatic_enrolment`` in the seed district)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from application.commands import FileApplication, Meta, RecordResidence
from domain.residence import Residence
from domain.rules.elderly.facts import age_before_month
from domain.values import Actor, Program

if TYPE_CHECKING:
    from application.demo import District
    from application.demo_people import Family

ELDERLY_AGE, ALLOWANCE_AGE = 60, 80  # the seed's home-care and lowest-band ages, for choosing who to register


def register_elderly(district: District, hid: UUID, fam: Family, cw: Actor, day: date) -> None:
    """Record the elderly members' registrations; apply for the allowance for each who has the age."""
    for m in fam.members:
        if m.age_on(day) < ELDERLY_AGE:
            continue
        district._do(
            RecordResidence(
                household_id=hid,
                person_id=m.person_id,
                residence=Residence(fam.place.division_code, m.birth_date),
                meta=Meta(actor=cw, effective_on=day),
            )
        )
        if age_before_month(m, day) >= ALLOWANCE_AGE:
            got: Any = district._do(
                FileApplication(
                    household_id=hid,
                    program=Program.ELDERLY_ALLOWANCE,
                    beneficiaries=(m.person_id,),
                    terms={},
                    meta=Meta(actor=cw, effective_on=day),
                )
            )
            if got is not None:
                district._township_review(hid, got[0], day, cw)
