"""Amounts as the view tables keep them: fen (integer cents), so that sums in SQL are exact on every backend."""

from __future__ import annotations

from decimal import Decimal

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> int:
    return int((amount / FEN).to_integral_exact())


def from_fen(fen: int | Decimal | None) -> Decimal:
    return (Decimal(int(fen or 0)) * FEN).quantize(FEN)
