"""Response bodies, mapped from the aggregate (never the aggregate itself)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from domain.assessment import Assessment
from domain.disability import DisabilityCertificate
from domain.enrolment import Enrolment
from domain.household import Household
from domain.members import Member
from domain.policy import ParameterValue
from domain.residence import Residence


class MemberOut(BaseModel):
    person_id: UUID
    name: str
    id_number_masked: str
    id_number: str | None = Field(
        default=None, description="the whole number: only with ?reveal=id_number, for the roles that may"
    )
    birth_date: date
    sex: str
    relation: str
    disability: dict[str, Any] | None
    labour_capacity: str
    school_status: str
    seriously_ill: bool
    absence: str | None
    resident: bool
    support_duty: bool
    residence: dict[str, Any] | None = Field(
        default=None, description="the residence registration in effect: division_code, registered_from, ended_on"
    )
    disability_certificate: dict[str, Any] | None = Field(
        default=None, description="the certificate in effect on the day asked, its number masked"
    )

    @classmethod
    def of(
        cls, m: Member, residence: Residence | None = None, certificate: DisabilityCertificate | None = None
    ) -> MemberOut:
        return cls(
            residence=None if residence is None else dataclasses.asdict(residence),
            disability_certificate=certificate.shown() if certificate is not None else None,
            person_id=m.person_id,
            name=m.name,
            id_number_masked=m.id_number.masked(),
            birth_date=m.birth_date,
            sex=m.id_number.sex.value,
            relation=m.relation.value,
            disability={"kind": m.disability.kind.value, "grade": m.disability.grade} if m.disability else None,
            labour_capacity=m.labour_capacity.value,
            school_status=m.school_status.value,
            seriously_ill=m.seriously_ill,
            absence=m.absence.value if m.absence else None,
            resident=m.resident,
            support_duty=m.support_duty,
        )


class ReasonOut(BaseModel):
    code: str
    message: str
    legal_basis: str


class ParameterOut(BaseModel):
    name: str
    jurisdiction: str
    effective_from: date
    value: str | int | list[str]
    legal_basis: str

    @classmethod
    def of(cls, p: ParameterValue) -> ParameterOut:
        value: str | int | list[str] = (
            [str(v) for v in p.value]
            if isinstance(p.value, (tuple, list))
            else p.value
            if isinstance(p.value, int)
            else str(p.value)
        )
        return cls(
            name=p.name,
            jurisdiction=p.jurisdiction,
            effective_from=p.effective_from,
            value=value,
            legal_basis=p.legal_basis,
        )


class AssessmentOut(BaseModel):
    program: str
    assessed_on: date
    eligible: bool
    individual: bool
    monthly_amount: Decimal
    reasons: list[ReasonOut]
    figures: dict[str, Any]
    parameters: list[ParameterOut]

    @classmethod
    def of(cls, a: Assessment) -> AssessmentOut:
        return cls(
            program=str(a.program),
            assessed_on=a.assessed_on,
            eligible=a.eligible,
            individual=a.individual,
            monthly_amount=a.monthly_amount,
            reasons=[ReasonOut(code=r.code, message=r.message, legal_basis=r.legal_basis) for r in a.reasons],
            figures=a.figures,
            parameters=[ParameterOut.of(p) for p in a.parameters],
        )


class StepOut(BaseModel):
    effective_on: date
    status: str
    monthly_amount: Decimal
    decision_id: UUID | None


class EnrolmentOut(BaseModel):
    enrolment_id: UUID
    program: str
    beneficiaries: list[UUID]
    status: str
    status_today: str | None
    monthly_amount: Decimal
    on: date
    amount_payable: Decimal
    beneficiaries_on: list[UUID]
    parts_on: dict[str, Decimal]
    applied_on: date
    notice_ends: date | None
    benefits_from: date | None
    next_review_due: date | None
    exit_until: date | None
    terms: dict[str, Any]
    deadline_extended_to_working_days: int | None  # None: the decision deadline is the parameter's
    assessment: AssessmentOut | None
    steps: list[StepOut]

    @classmethod
    def of(cls, e: Enrolment, today: date, *, in_effect_only: bool = False) -> EnrolmentOut:
        """The enrolment with what is payable on ``today`` (a read in the past: the date asked for)."""
        review = e.township_review
        entry = e.entitlement_on(today)
        payable = e.amount_on(today)
        return cls(
            enrolment_id=e.enrolment_id,
            program=str(e.program),
            beneficiaries=list(e.beneficiaries),
            status=e.status.value,
            status_today=(s.value if (s := e.status_on(today)) else None),
            monthly_amount=e.monthly_amount,
            on=today,
            amount_payable=payable,
            beneficiaries_on=list(entry.beneficiaries) if entry is not None and payable > 0 else [],
            parts_on=dict(entry.parts) if entry is not None and payable > 0 else {},
            applied_on=e.applied_on,
            notice_ends=review.notice_ends if review else None,
            benefits_from=e.benefits_from,
            next_review_due=e.next_review_due,
            exit_until=e.exit_until,
            terms=e.terms,
            deadline_extended_to_working_days=getattr(e, "deadline_working_days", None),
            assessment=AssessmentOut.of(e.last_assessment) if e.last_assessment else None,
            steps=[
                StepOut(
                    effective_on=s.effective_on,
                    status=s.status.value,
                    monthly_amount=s.monthly_amount,
                    decision_id=s.decision_id,
                )
                for s in e.steps
                if not in_effect_only or s.effective_on <= today
            ],
        )


class PayeeAccountOut(BaseModel):
    """The account payments are credited to on the day asked, its number masked (``**** **** 1234``):
    only the payroll's bank file carries the full number."""

    payee_id: UUID
    payee_name: str
    bank: str
    account_masked: str

    @classmethod
    def of(cls, h: Household, on: date) -> PayeeAccountOut | None:
        account = h.account_on(on)
        if account is None:
            return None
        return cls(
            payee_id=account.payee_id,
            payee_name=h.payee_name(account),
            bank=account.bank,
            account_masked=account.masked(),
        )


class HouseholdOut(BaseModel):
    household_id: UUID
    version: int
    area_type: str
    division_code: str
    address: str
    registered_on: date
    members: list[MemberOut]
    enrolments: list[EnrolmentOut]
    temporary_grants: list[dict[str, Any]]
    payee_account: PayeeAccountOut | None = None

    @classmethod
    def of(cls, h: Household, today: date, *, in_effect_only: bool = False) -> HouseholdOut:
        return cls(
            payee_account=PayeeAccountOut.of(h, today),
            household_id=h.id,
            version=h.version,
            area_type=h.area_type.value,
            division_code=h.division_code,
            address=h.address,
            registered_on=h.registered_on,
            members=[
                MemberOut.of(m, h.residence_on(m.person_id, today), h.certificate_on(m.person_id, today))
                for m in h.members.values()
            ],
            enrolments=[EnrolmentOut.of(e, today, in_effect_only=in_effect_only) for e in h.enrolments.values()],
            temporary_grants=[
                {
                    "grant_id": str(g.grant_id),
                    "kind": g.kind,
                    "level": g.level,
                    "amount": str(g.amount),
                    "granted_on": g.granted_on.isoformat(),
                }
                for g in h.grants.values()
            ],
        )


class EnrolmentResult(BaseModel):
    """The enrolment after a command, the household's new version, and the decision it recorded."""

    household_id: UUID
    household_version: int
    decision_id: UUID | None = None
    enrolment: EnrolmentOut
