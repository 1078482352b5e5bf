"""Errors the application layer raises besides the domain's own."""

from __future__ import annotations

from domain.errors import DomainError


class HouseholdNotFound(DomainError):
    kind = "household-not-found"


class StaleVersion(DomainError):
    """The caller's If-Match version is not the household's current version."""

    kind = "stale-version"

    def __init__(self, expected: int, current: int):
        super().__init__(
            f"the household is at version {current}, not {expected}: reload and retry",
            field="If-Match",
            rule="version-current",
        )
        self.current = current


class ConcurrentUpdate(DomainError):
    """Another command saved the household first, repeatedly; the caller may retry."""

    kind = "concurrent-update"


class ProgramNotAvailable(DomainError):
    kind = "program-not-available"


class OutsideJurisdiction(DomainError):
    """The household's division is not within the caller's jurisdiction prefix."""

    kind = "forbidden-jurisdiction"


class HouseholdOutsideJurisdiction(HouseholdNotFound, OutsideJurisdiction):
    """A household outside the caller's jurisdiction: answered over HTTP exactly like an unknown id
    (404, same type and wording), so a caller cannot probe which ids exist elsewhere."""

    kind = "household-not-found"


class HouseholdFailedVerification(DomainError):
    """A stored event of the household no longer decrypts or decodes: it was changed behind the
    service's back. Answered as a problem naming the household, never as an internal error."""

    kind = "household-failed-verification"
