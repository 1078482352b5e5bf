"""A member's disability certificate as a household fact: its event and its command.

``DisabilityCertified`` records a certificate (category, grade, number, issued on, valid until) for a
member from its effective date; a grade change or a renewal is a new ``DisabilityCertified``. The
certificate number is personal data: the event shows it masked in histories and logs, and it is stored
encrypted with the rest of the event like an ID number. ``Household`` names the event and the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.disability import DisabilityCertificate, mask_certificate
from domain.errors import InvalidValue
from domain.household_events import Event
from domain.values import Context

if TYPE_CHECKING:
    from domain.household import Household


class DisabilityCertified(Event):
    """A member holds this disability certificate (残疾人证) from ``effective_on``: first issue, a grade
    change or a renewal."""

    person_id: UUID
    certificate: DisabilityCertificate

    def shown(self, name: str, value: Any) -> Any:
        return value.shown() if name == "certificate" and isinstance(value, DisabilityCertificate) else value

    def apply(self, aggregate: Household) -> None:
        aggregate.log_fact(self)
        aggregate.certificates.setdefault(self.person_id, []).append((self.effective_on, self.certificate))


def record_disability_certificate(
    h: Household, person_id: UUID, certificate: DisabilityCertificate, *, ctx: Context
) -> None:
    """Record a member's certificate from ``ctx.effective_on``, which lies within its validity; a new
    certificate for someone who holds one (a grade change, a renewal) states its reason."""
    h.check_effective(ctx.effective_on)
    h.member(person_id)
    if ctx.effective_on < certificate.issued_on:
        raise InvalidValue(
            "a certificate takes effect on or after the day it was issued",
            field="effective_on",
            rule="certificate-before-issue",
        )
    if h.certificates.get(person_id) and not (ctx.reason and ctx.reason.strip()):
        raise InvalidValue(
            "a new certificate for a member who holds one states its reason (grade change, renewal)",
            field="reason",
            rule="reason-required",
        )
    h.record(DisabilityCertified, ctx, person_id=person_id, certificate=certificate)


__all__ = ["DisabilityCertified", "mask_certificate", "record_disability_certificate"]
