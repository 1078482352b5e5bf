"""Verification of the store: every stored event against the ledger's content hash and hash chain.

The ledger (``infrastructure.ledger``) records, beside each event, a hash of its stored content and
a hash chained to the aggregate's previous event. Walking both tells an event changed, removed,
reordered or inserted behind the service's back, and a ledger record altered or removed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

from application.base import CaseworkBase
from infrastructure.ledger import GENESIS, LedgerRow, chain_hash, content_hash


@dataclass
class Finding:
    """One problem the verification found."""

    kind: str  # changed | removed | reordered | inserted | ledger-altered
    originator_id: str
    originator_version: int
    detail: str


@dataclass
class VerificationReport:
    events_checked: int
    aggregates_checked: int
    seconds: float
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def events_per_second(self) -> float:
        return self.events_checked / self.seconds if self.seconds > 0 else float(self.events_checked)


def verify_store(casework: CaseworkBase) -> VerificationReport:
    """Walk the whole store and the whole ledger; name every difference."""
    started = time.perf_counter()
    stored = stored_hashes(casework)
    by_aggregate: dict[str, list[LedgerRow]] = defaultdict(list)
    for row in casework.ledger.select_ledger():
        by_aggregate[row.originator_id].append(row)
    findings: list[Finding] = []
    for oid, rows in by_aggregate.items():
        findings.extend(check_aggregate(oid, sorted(rows, key=lambda r: r.originator_version), stored))
    findings.extend(Finding("inserted", oid, v, "an event the service never recorded") for oid, v in stored)
    findings.sort(key=lambda f: (f.originator_id, f.originator_version, f.kind))
    return VerificationReport(
        events_checked=sum(len(r) for r in by_aggregate.values()) + len(stored),
        aggregates_checked=len(by_aggregate),
        seconds=time.perf_counter() - started,
        findings=findings,
    )


def stored_hashes(casework: CaseworkBase) -> dict[tuple[str, int], str]:
    """The content hash of every stored event, by (aggregate id as hex, version)."""
    recorder = casework.recorder
    stored: dict[tuple[str, int], str] = {}
    start: int | None = None
    while page := recorder.select_notifications(start, 1000, inclusive_of_start=False):
        for n in page:
            oid = n.originator_id.hex if isinstance(n.originator_id, UUID) else UUID(str(n.originator_id)).hex
            stored[(oid, n.originator_version)] = content_hash(n.topic, n.state)
        start = page[-1].id
    return stored


def check_aggregate(oid: str, rows: list[LedgerRow], stored: dict[tuple[str, int], str]) -> list[Finding]:
    """One aggregate's ledger rows (in version order) against its chain and the stored events; the
    events found are taken out of ``stored``, so that what remains was never recorded."""
    findings: list[Finding] = []
    version_of = {r.content_hash: r.originator_version for r in rows}
    previous = GENESIS
    for expected_version, row in enumerate(rows, start=1):
        v = row.originator_version
        if v != expected_version:
            findings.append(
                Finding(
                    "ledger-altered", oid, expected_version, "the ledger lacks this version: its record was removed"
                )
            )
        if chain_hash(previous, oid, v, row.content_hash) != row.chain_hash:
            findings.append(Finding("ledger-altered", oid, v, "the ledger's hash chain is broken here"))
        previous = row.chain_hash
        actual = stored.pop((oid, v), None)
        if actual is None:
            findings.append(Finding("removed", oid, v, "the event was removed from the store"))
        elif actual != row.content_hash:
            other = version_of.get(actual)
            if other is not None:
                findings.append(Finding("reordered", oid, v, f"holds the content recorded as version {other}"))
            else:
                findings.append(Finding("changed", oid, v, "the stored content differs from what was recorded"))
    return findings
