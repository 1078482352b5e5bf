"""The tests the two subsidies make: a certificate valid on the day, the household's standing (living
subsidy), the severity (care subsidy). Each returns its outcome with the reason that says why."""

from __future__ import annotations

from domain.assessment import Finding
from domain.disability import DisabilityCertificate
from domain.members import DisabilityKind
from domain.rules.disability.codes import (
    CERTIFICATE_EXPIRED,
    CERTIFICATE_NOT_YET_ISSUED,
    CERTIFICATE_VALID,
    HOUSEHOLD_IN_DIBAO,
    HOUSEHOLD_IN_MARGIN,
    HOUSEHOLD_NOT_IN_DIBAO,
    LESSER_GRADE_CATEGORY_ALLOWED,
    NO_CERTIFICATE,
    NOT_SEVERE,
    SEVERE_GRADE,
    reason,
)
from domain.rules.disability.facts import DisabilityFacts, HouseholdKind


def certificate_test(facts: DisabilityFacts) -> Finding[bool]:
    """A certificate valid on the day: issued on or before it, valid until it or later (inclusive)."""
    c = facts.certificate
    if c is None:
        return Finding(False, (reason(NO_CERTIFICATE, "no disability certificate is recorded for the person"),))
    if facts.on < c.issued_on:
        return Finding(False, (reason(CERTIFICATE_NOT_YET_ISSUED, f"the certificate is issued on {c.issued_on}"),))
    if facts.on > c.valid_until:
        return Finding(False, (reason(CERTIFICATE_EXPIRED, f"the certificate was valid until {c.valid_until}"),))
    text = f"certificate {c.category} grade {c.grade}, valid {c.issued_on} to {c.valid_until}"
    return Finding(True, (reason(CERTIFICATE_VALID, text),))


def household_test(facts: DisabilityFacts, kinds: frozenset[str]) -> Finding[bool]:
    """The living subsidy reaches dibao households, and margin households where the parameter names them."""
    if facts.in_dibao and HouseholdKind.DIBAO in kinds:
        return Finding(True, (reason(HOUSEHOLD_IN_DIBAO, "the household's dibao is being paid"),))
    if facts.in_margin and HouseholdKind.MARGIN in kinds:
        text = "the household's per-capita income lies within the dibao margin limit"
        return Finding(True, (reason(HOUSEHOLD_IN_MARGIN, text),))
    allowed = " or ".join(sorted(kinds))
    text = f"the household is not a {allowed} household on {facts.on}"
    return Finding(False, (reason(HOUSEHOLD_NOT_IN_DIBAO, text),))


def severity_test(c: DisabilityCertificate, lesser: frozenset[str]) -> Finding[bool]:
    """Grade 1–2; or grade 3–4 in a category ``disability_care.lesser_grade_categories`` names."""
    if c.grade <= 2:
        return Finding(True, (reason(SEVERE_GRADE, f"grade {c.grade} is severe (1–2)"),))
    if str(DisabilityKind(c.category)) in lesser:
        text = f"grade {c.grade} {c.category}: the care subsidy reaches this category at grades 3–4 here"
        return Finding(True, (reason(LESSER_GRADE_CATEGORY_ALLOWED, text),))
    return Finding(False, (reason(NOT_SEVERE, f"grade {c.grade} {c.category} is not a severe disability"),))
