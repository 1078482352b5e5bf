"""Amounts as the view tables keep them: fen (integer cents), so that sums in SQL are exact on every backend."""

from __future__ import annotations

from decimal import Decimal

FEN = Decimal("0.01")


def to_fen(amount: Decimal) -> int:
    return int((amount / FEN).to_integral_exact())


def from_fen(fen: int | Decimal | None) -> Decimal:
    return (Decimal(int(fen or 0)) * FEN).quantize(FEN)


def part_fens(parts: dict[str, Decimal]) -> tuple[int | None, int | None]:
    """tekun's basic living and care subsidy in fen for the payments view (None for other programs)."""
    if "basic_living" not in parts:
        return None, None
    return to_fen(parts.get("basic_living", Decimal("0.00"))), to_fen(parts.get("care_subsidy", Decimal("0.00")))


def parse_parts(text: str | None) -> tuple[tuple[str, Decimal], ...]:
    """The parts of a period row as stored ("basic_living=1014.00 care_subsidy=600.00")."""
    if not text:
        return ()
    return tuple((k, Decimal(v)) for k, v in (item.split("=", 1) for item in text.split()))
