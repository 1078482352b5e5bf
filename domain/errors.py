"""The domain's own errors. Each names the field it concerns and the rule broken.

The API maps every subclass to a stable problem ``type``; nothing here knows HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused because it would break a rule of the domain."""

    kind = "domain-error"

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule or self.kind


class InvalidValue(DomainError):
    """A value is malformed: an ID number, a division code, an amount, a date."""

    kind = "invalid-value"


class NotFound(DomainError):
    """A named member, enrolment or decision does not exist in this household."""

    kind = "not-found"


class TransitionForbidden(DomainError):
    """The enrolment's state machine does not allow this step from its current state."""

    kind = "transition-forbidden"


class RuleViolation(DomainError):
    """The step is allowed in principle but a business rule refuses it here."""

    kind = "rule-violation"


class FourEyesViolation(RuleViolation):
    """The decider recorded the application or the township opinion themselves."""

    kind = "four-eyes"
