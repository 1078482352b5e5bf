"""The auditor's desk: the household as known at an instant and in effect on a date, its history,
decision explanations with a re-computation, and verification of the store's hash chains.

Every answer is replayed from stored events (no snapshots), bounded by the ledger's recorded instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from application.casework import Casework
from application.errors import HouseholdNotFound
from application.plain import BASE_FIELDS, plain
from application.scope import Divisions, scoped_access_log, visible
from application.verification import VerificationReport, verify_store
from application.views.rows import AccessRecord
from domain.assessment import Assessment
from domain.enrolment import Enrolment
from domain.errors import InvalidValue, NotFound
from domain.facts import HouseholdFacts, facts_on
from domain.household import Household
from domain.policy import ParameterSnapshot
from domain.rules import programs
from domain.rules.temporary import ApprovalLevel, GrantKind, assess_temporary_grant


@dataclass
class Recorded:
    """A stored event with the instant the service recorded it."""

    event: Household.Event
    recorded_at: datetime


class Auditor:
    """Read-only questions about the store, answered from events."""

    def __init__(self, casework: Casework):
        self.casework = casework
        self.divisions = Divisions(casework)

    # ------------------------------------------------------------ replay

    def recorded_events(self, household_id: UUID, *, as_of: datetime | None = None) -> list[Recorded]:
        rows = {r.originator_version: r for r in self.casework.ledger.select_ledger(household_id)}
        events = list(self.casework.repository.event_store.get(household_id))
        if not events or not isinstance(events[0], Household.Registered):
            raise HouseholdNotFound(f"no household {household_id}", field="household_id", rule="household-known")
        out = []
        for stored in events:
            e = cast(Household.Event, stored)
            row = rows.get(e.originator_version)
            recorded_at = row.recorded_at if row else e.timestamp  # no ledger row: verification flags it
            if as_of is not None and recorded_at > as_of:
                break
            out.append(Recorded(e, recorded_at))
        return out

    def household_at(
        self, household_id: UUID, *, as_of: datetime | None = None, effective_on: date | None = None
    ) -> Household:
        """The household as known at ``as_of`` (recorded by then) and in effect on ``effective_on``."""
        if as_of is not None and as_of > self.casework.clock():
            raise InvalidValue("as_of lies in the future", field="as_of", rule="as-of-not-future")
        recorded = self.recorded_events(household_id, as_of=as_of)
        if not recorded:
            raise NotFound(
                f"household {household_id} was not yet known at {as_of}", field="as_of", rule="known-at-as-of"
            )
        first = recorded[0].event
        if effective_on is not None and effective_on < first.effective_on:
            raise InvalidValue(
                f"effective_on {effective_on} is before the registration on {first.effective_on}",
                field="effective_on",
                rule="effective-before-registration",
            )
        household = first.mutate(None)
        assert isinstance(household, Household)
        for r in recorded[1:]:
            if effective_on is None or r.event.effective_on <= effective_on:
                r.event.apply(household)
        household.version = recorded[-1].event.originator_version
        return household

    # ----------------------------------------------------------- history

    def history(
        self,
        household_id: UUID,
        *,
        program: str | None = None,
        effective_from: date | None = None,
        effective_to: date | None = None,
    ) -> list[dict[str, Any]]:
        recorded = self.recorded_events(household_id)
        current = self.casework.get_household(household_id)
        entries = []
        for r in recorded:
            e = r.event
            enrolment_id = getattr(e, "enrolment_id", None)
            enrolment_program = (
                str(current.enrolments[enrolment_id].program) if enrolment_id in current.enrolments else None
            )
            if program is not None and enrolment_program != program:
                continue
            if effective_from is not None and e.effective_on < effective_from:
                continue
            if effective_to is not None and e.effective_on > effective_to:
                continue
            entries.append(
                {
                    "version": e.originator_version,
                    "event": type(e).__name__,
                    "recorded_at": r.recorded_at,
                    "effective_on": e.effective_on,
                    "actor": {"user_id": e.actor.user_id, "role": str(e.actor.role)},
                    "reason": e.reason,
                    "request_id": e.request_id,
                    "enrolment_id": enrolment_id,
                    "program": enrolment_program,
                    "decision_id": getattr(e, "decision_id", None),
                    "summary": (type(e).__doc__ or type(e).__name__).strip().splitlines()[0],
                    "changes": {k: plain(e.shown(k, v)) for k, v in vars(e).items() if k not in BASE_FIELDS},
                }
            )
        return entries

    # ------------------------------------------------------ explanations

    def explain(self, household_id: UUID, decision_id: UUID) -> dict[str, Any]:
        recorded = self.recorded_events(household_id)
        found = next((r for r in recorded if getattr(r.event, "decision_id", None) == decision_id), None)
        if found is None:
            raise NotFound(
                f"no decision {decision_id} in household {household_id}", field="decision_id", rule="decision-known"
            )
        e = found.event
        before = self._state_before(recorded, e)
        enrolment = before.enrolments.get(getattr(e, "enrolment_id", None))  # type: ignore[arg-type]
        assessment: Assessment | None = getattr(e, "assessment", None)
        beneficiaries = tuple(getattr(e, "beneficiaries", ())) or (enrolment.beneficiaries if enrolment else ())
        if assessment is None and enrolment is not None:
            assessment = enrolment.last_assessment
            review = enrolment.township_review
            if review is not None and getattr(e, "assessment_decision_id", None) == review.decision_id:
                assessment = review.assessment
        explanation: dict[str, Any] = {
            "decision_id": decision_id,
            "event": type(e).__name__,
            "summary": (type(e).__doc__ or "").strip().splitlines()[0],
            "enrolment_id": getattr(e, "enrolment_id", None),
            "decided_by": {"user_id": e.actor.user_id, "role": str(e.actor.role)},
            "recorded_at": found.recorded_at,
            "effective_on": e.effective_on,
            "reason": e.reason,
            "decision": {k: plain(e.shown(k, v)) for k, v in vars(e).items() if k not in BASE_FIELDS | {"assessment"}},
            "assessment": None,
            "recomputation": None,
        }
        if isinstance(e, Household.EnrolmentMigrated):  # the old system's decision, brought over as recorded
            explanation["migrated"] = f"migrated from a roll as of {e.as_of}: not a decision this service took"
        if isinstance(e, Household.PaymentsCorrected | Household.PaymentsSettled) and e.assessments:
            # one assessment per corrected month, and last the one for the first month not yet paid
            explanation["assessments"] = [plain(a) for a in e.assessments]
            checks = [self._recompute(before, e, enrolment, _covered(a, beneficiaries), a) for a in e.assessments]
            explanation["assessment"] = plain(e.assessments[-1])
            explanation["recomputation"] = {
                "reproduced": all(c["reproduced"] for c in checks),
                "months": [{"month": a.assessed_on, **c} for a, c in zip(e.assessments, checks, strict=True)],
                "differences": {
                    str(a.assessed_on): c["differences"]
                    for a, c in zip(e.assessments, checks, strict=True)
                    if c["differences"]
                },
            }
        elif assessment is not None:
            explanation["assessment"] = plain(assessment)
            explanation["recomputation"] = self._recompute(before, e, enrolment, beneficiaries, assessment)
        return explanation

    @staticmethod
    def _state_before(recorded: list[Recorded], event: Household.Event) -> Household:
        household = recorded[0].event.mutate(None)
        assert isinstance(household, Household)
        for r in recorded[1:]:
            if r.event.originator_version >= event.originator_version:
                break
            r.event.mutate(household)
        return household

    def _recompute(
        self,
        household: Household,
        event: Household.Event,
        enrolment: Enrolment | None,
        beneficiaries: tuple[UUID, ...],
        recorded: Assessment,
    ) -> dict[str, Any]:
        """Re-run today's rules on the facts of the time with the parameter values recorded."""
        params = ParameterSnapshot(
            division_code=household.division_code,
            on=recorded.assessed_on,
            values={p.name: p for p in recorded.parameters},
        )
        facts: HouseholdFacts = facts_on(household, recorded.assessed_on)  # every rule ran on the facts in effect
        share = recorded.inputs.get("current_assistance_share")
        try:
            if isinstance(event, Household.TemporaryAssistanceGranted):
                again = assess_temporary_grant(
                    GrantKind(event.kind), ApprovalLevel(event.level), event.amount, recorded.assessed_on, params
                )
            else:
                program = enrolment.program if enrolment else recorded.program
                terms = enrolment.terms if enrolment else {}
                again = programs.assess(
                    facts,
                    program,
                    beneficiaries,
                    terms,
                    recorded.assessed_on,
                    params,
                    enrolment_id=enrolment.enrolment_id if enrolment else None,
                    share=Decimal(share) if share is not None else None,
                )
        except Exception as exc:  # a rules change may now refuse the old inputs: report it, never hide it
            return {"reproduced": False, "differences": {"error": f"{type(exc).__name__}: {exc}"}}
        differences: dict[str, Any] = {}
        for name in ("eligible", "monthly_amount", "reason_codes", "figures"):
            old, new = getattr(recorded, name), getattr(again, name)
            if old != new:
                differences[name] = {"recorded": plain(old), "recomputed": plain(new)}
        return {
            "reproduced": not differences,
            "differences": differences,
            "monthly_amount": plain(again.monthly_amount),
            "eligible": again.eligible,
        }

    # ------------------------------------------------------ verification

    def verify(self, jurisdiction: str | None = None) -> VerificationReport:
        """Walk the whole store (a hash chain is checked whole); with a ``jurisdiction``, name only the
        findings about its households and about aggregates of no jurisdiction (policy, indexes)."""
        report = verify_store(self.casework)
        if jurisdiction is not None:
            shown = visible(self.divisions, jurisdiction, {f.originator_id for f in report.findings})
            report.findings = [f for f in report.findings if f.originator_id in shown]
        return report

    # ------------------------------------------------------- access log

    def log_access(self, record: AccessRecord) -> None:
        self.casework.ledger.log_access(record)

    def log_accesses(self, records: list[AccessRecord]) -> None:
        if records:
            self.casework.ledger.log_accesses(records)

    def access_log(
        self,
        *,
        household_id: UUID | None = None,
        user_id: str | None = None,
        limit: int = 1000,
        jurisdiction: str | None = None,
    ) -> list[AccessRecord]:
        """The newest entries; with a ``jurisdiction``, only those about its households."""
        if jurisdiction is None:
            return self.casework.ledger.select_access(household_id=household_id, user_id=user_id, limit=limit)
        return scoped_access_log(
            self.casework, self.divisions, jurisdiction, household_id=household_id, user_id=user_id, limit=limit
        )


def _covered(assessment: Assessment, fallback: tuple[UUID, ...]) -> tuple[UUID, ...]:
    """The beneficiaries an assessment priced, as its inputs recorded them."""
    found = assessment.inputs.get("beneficiaries")
    if isinstance(found, list | tuple) and found:
        return tuple(UUID(str(b)) for b in found)
    return fallback
