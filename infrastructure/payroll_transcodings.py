"""JSON transcoding for the payroll's value object. The stored name is permanent."""

from __future__ import annotations

from eventsourcing.persistence import JSONTranscoder, Transcoder

from domain.payroll import Payment
from infrastructure.transcodings import DataclassAsDict

PAYMENT = "payroll_payment"


def register_payroll_transcodings(transcoder: Transcoder) -> None:
    """Teach an application's transcoder the payroll's payments (registering twice is harmless)."""
    if not isinstance(transcoder, JSONTranscoder):
        raise TypeError(f"expected a JSONTranscoder, got {type(transcoder).__name__}")
    if PAYMENT not in transcoder.names:
        transcoder.register(DataclassAsDict(Payment, PAYMENT))
