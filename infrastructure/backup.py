"""Backups of the event store: ``jiuzhu export`` to gzip-compressed JSON lines, ``jiuzhu import`` into an empty store.

A backup is the store as stored, not as understood: every event's notification id, aggregate id,
version, topic and *stored* state (encrypted by the cipher: base64 of the ciphertext, so the file
holds no plaintext personal data), the ledger row beside it (the recorded instant — the service's
clock — and both hashes, verbatim), ledger rows whose event is gone, and the read-access log. An
import writes them back as they were, with the same notification ids, so verification of the
restored store reports exactly what it reported on the original (nothing, unless the original was
tampered with) and the views rebuild to the same figures. It needs the same cipher key: the header
carries a check of the key (a hash, not the key) and an import under another key is refused. The
last line counts the lines and hashes them; a truncated or altered file is refused before anything
is committed.

Lines: ``{"kind": "header", …}``, ``{"kind": "event", …}``…, ``{"kind": "ledger", …}``…,
``{"kind": "access", …}``…, ``{"kind": "end", "events": N, "ledger": N, "access": N, "sha256": …}``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from base64 import b64decode, b64encode
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from infrastructure.backup_sql import PostgresBackupSQL, SQLiteBackupSQL, StoreSQL

FORMAT = "jiuzhu-backup"
VERSION = 1
PAGE = 2000
Progress = Callable[[int], None]  # events written so far


class BackupRefused(Exception):
    """The backup cannot be imported here (not empty, another key, damaged file)."""


@dataclass(frozen=True)
class BackupReport:
    events: int
    ledger: int
    access: int
    last_notification_id: int


def key_check(cipher_key: str) -> str:
    """A value that tells whether two keys are the same without revealing either."""
    return hashlib.sha256(b"jiuzhu-backup-key-check:" + cipher_key.encode()).hexdigest()[:32]


def store_sql(recorder: ApplicationRecorder) -> StoreSQL:
    if isinstance(recorder, PostgresApplicationRecorder):
        return PostgresBackupSQL(recorder)
    if isinstance(recorder, SQLiteApplicationRecorder):
        return SQLiteBackupSQL(recorder)
    raise BackupRefused("backups are made of SQLite and PostgreSQL stores; an in-memory store keeps nothing")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return datetime.fromisoformat(str(value)).astimezone(UTC).isoformat()


class _Writer:
    def __init__(self, f: Any) -> None:
        self.f, self.digest, self.counts = f, hashlib.sha256(), {"event": 0, "ledger": 0, "access": 0}

    def line(self, record: dict[str, Any]) -> None:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        if record["kind"] in self.counts:
            self.counts[record["kind"]] += 1
            self.digest.update(text.encode() + b"\n")
        self.f.write(text + "\n")


def export_store(
    recorder: ApplicationRecorder, path: Path, *, cipher_key: str, schema_version: int, progress: Progress | None = None
) -> BackupReport:
    """Write the whole store to ``path`` (gzip JSON lines), in notification order."""
    sql = store_sql(recorder)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        w = _Writer(f)
        w.line(
            {
                "kind": "header",
                "format": FORMAT,
                "version": VERSION,
                "application": "jiuzhu",
                "schema_version": schema_version,
                "exported_at": datetime.now(UTC).isoformat(),
                "key_check": key_check(cipher_key),
            }
        )
        last = _export_events(sql, w, progress)
        _export_ledger_and_access(sql, w)
        w.line({"kind": "end", **_trailer(w.counts), "sha256": w.digest.hexdigest()})
    return BackupReport(w.counts["event"], w.counts["ledger"], w.counts["access"], last)


def _export_events(sql: StoreSQL, w: _Writer, progress: Progress | None) -> int:
    """Every stored event, page by page; the last notification id written (0: none)."""
    after = 0
    while rows := sql.events_after(after, PAGE):
        for n, oid, version, topic, state, recorded_at, content, chain in rows:
            w.line(
                {
                    "kind": "event",
                    "n": n,
                    "id": UUID(str(oid)).hex,
                    "v": version,
                    "topic": topic,
                    "state": b64encode(bytes(state)).decode(),
                    "recorded_at": _iso(recorded_at),
                    "content_hash": content,
                    "chain_hash": chain,
                }
            )
        after = rows[-1][0]
        if progress:
            progress(w.counts["event"])
    return after


def _export_ledger_and_access(sql: StoreSQL, w: _Writer) -> None:
    """The ledger rows with no event (their events are gone), then the access log."""
    for oid, version, recorded_at, content, chain in sql.orphan_ledger_rows():
        w.line(
            {
                "kind": "ledger",
                "id": UUID(str(oid)).hex,
                "v": version,
                "recorded_at": _iso(recorded_at),
                "content_hash": content,
                "chain_hash": chain,
            }
        )
    for at, user, role, household, purpose, rid in sql.access_rows():
        w.line(
            {
                "kind": "access",
                "at": _iso(at),
                "user_id": user,
                "role": role,
                "household_id": household,
                "purpose": purpose,
                "request_id": rid,
            }
        )


def read_backup(path: Path) -> Iterator[dict[str, Any]]:
    """The lines of a backup after checking it whole: header first, the trailer's counts and hash last."""
    digest, counts, header, end = hashlib.sha256(), {"event": 0, "ledger": 0, "access": 0}, None, None
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for text in f:
            record = json.loads(text)
            kind = record.get("kind")
            if header is None:
                if kind != "header" or record.get("format") != FORMAT or record.get("version") != VERSION:
                    raise BackupRefused(f"{path} is not a {FORMAT} version {VERSION} file")
                header = record
            elif kind in counts:
                counts[kind] += 1
                digest.update(text.rstrip("\n").encode() + b"\n")
            elif kind == "end":
                end = record
    expected = _trailer(counts)
    if end is None or any(end.get(k) != v for k, v in expected.items()) or end.get("sha256") != digest.hexdigest():
        raise BackupRefused(f"{path} is truncated or altered: its last line does not match its content")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for text in f:
            yield json.loads(text)


def import_store(
    recorder: ApplicationRecorder, path: Path, *, cipher_key: str, progress: Progress | None = None
) -> BackupReport:
    """Write a backup into an empty store: events with their notification ids, ledger rows and access log verbatim."""
    sql = store_sql(recorder)
    records = read_backup(path)  # checks the whole file before the first row is written
    header = next(records)
    if header.get("key_check") != key_check(cipher_key):
        raise BackupRefused("the backup was made under another cipher key: its events could not be read here")
    if not sql.is_empty():
        raise BackupRefused("the store is not empty: import into a freshly migrated store only")
    counts = {"event": 0, "ledger": 0, "access": 0}
    batch: dict[str, list[dict[str, Any]]] = {"event": [], "ledger": [], "access": []}
    last = 0

    def flush() -> None:
        sql.insert(
            [_event_row(r) for r in batch["event"]],
            [_ledger_row(r) for r in batch["event"] + batch["ledger"] if r.get("chain_hash")],
            [_access_row(r) for r in batch["access"]],
        )
        for k in batch:
            counts[k] += len(batch[k])
            batch[k].clear()
        if progress:
            progress(counts["event"])

    for record in records:
        kind = record["kind"]
        if kind in batch:
            batch[kind].append(record)
            if kind == "event":
                last = record["n"]
            if sum(len(b) for b in batch.values()) >= PAGE:
                flush()
    flush()
    sql.after_import(last)
    return BackupReport(counts["event"], counts["ledger"], counts["access"], last)


def _trailer(counts: dict[str, int]) -> dict[str, int]:
    return {"events": counts["event"], "ledger": counts["ledger"], "access": counts["access"]}


def _event_row(r: dict[str, Any]) -> tuple[Any, ...]:
    return (int(r["n"]), UUID(r["id"]), int(r["v"]), r["topic"], b64decode(r["state"]))


def _ledger_row(r: dict[str, Any]) -> tuple[Any, ...]:
    return (UUID(r["id"]), int(r["v"]), datetime.fromisoformat(r["recorded_at"]), r["content_hash"], r["chain_hash"])


def _access_row(r: dict[str, Any]) -> tuple[Any, ...]:
    at = datetime.fromisoformat(r["at"])
    return (at, r["user_id"], r["role"], r["household_id"], r["purpose"], r["request_id"])
