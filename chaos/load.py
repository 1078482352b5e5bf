"""Concurrent write load over HTTP with Idempotency-Key retries, and the audit of what the store kept.

Each client thread registers households and records their circumstances (no If-Match, so a write
run twice would be stored twice). Every write carries a fresh Idempotency-Key and the reason
``chaos:<key>``; a refused attempt — 503, 409 in progress, 429, a dropped connection, a timeout —
is retried with the same key until it is acknowledged (2xx) or the write's deadline passes. Then
``audit`` reads every household event and counts the reasons: each acknowledged write must be
stored exactly once, and no write may be stored twice.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from eventsourcing.utils import get_topic

from application.casework import Casework
from domain.household import Household
from domain.values import id_check_character

RETRY_STATUSES = frozenset({409, 429, 503})
_ids = itertools.count(1)
_ids_lock = threading.Lock()


def id_number() -> str:
    """A valid GB 11643 number, new within this process (area 439901, born 1960–1999)."""
    with _ids_lock:
        n = next(_ids)
    k = n // 1000
    first17 = f"439901{1960 + k // 336 % 40}{1 + k // 28 % 12:02d}{1 + k % 28:02d}{n % 1000:03d}"
    return first17 + id_check_character(first17)


@dataclass
class Tally:
    """What the clients saw."""

    attempted: int = 0  # writes started
    acknowledged: int = 0  # writes answered 2xx (possibly after retries)
    applied_unanswered: int = 0  # 409 idempotency-applied: stored, its response lost
    retried: int = 0  # writes that needed more than one attempt
    attempts_retried: int = 0  # attempts answered retry-able (503, 409, 429, connection dropped, timeout)
    failed: int = 0  # writes given up on (deadline) or refused otherwise
    longest_retry: float = 0.0  # seconds from a retried write's first attempt to its acknowledgement
    statuses: Counter[str] = field(default_factory=Counter)  # every answer: "201", "503", "conn", …
    acked_keys: set[str] = field(default_factory=set)
    applied_keys: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    COUNTS = ("attempted", "acknowledged", "applied_unanswered", "retried", "attempts_retried", "failed")

    def summary(self) -> dict[str, Any]:
        """The counts, the longest retry and every answer, for the report."""
        return {name: getattr(self, name) for name in self.COUNTS} | {
            "longest_retry_seconds": round(self.longest_retry, 1),
            "answers": dict(sorted(self.statuses.items())),
        }


class Load:
    """``clients`` threads writing to ``base_url`` until ``stop`` is called."""

    def __init__(
        self, base_url: str, token: str, *, clients: int = 6, retry_for: float = 90.0, division: str = "430112001001"
    ):
        self.base_url, self.token, self.clients = base_url, token, clients
        self.retry_for, self.division = retry_for, division
        self.tally = Tally()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.clients):
            t = threading.Thread(target=self._client, name=f"chaos-client-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 120.0) -> None:
        """Stop starting writes; wait for those in flight to be acknowledged or given up."""
        self._stop.set()
        for t in self._threads:
            t.join(timeout)

    def _client(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=15.0) as http:
            mine: list[tuple[str, str]] = []  # (household id, a member's person id) acknowledged
            for n in itertools.count(1):
                if self._stop.is_set():
                    return
                if mine and n % 3 == 0:  # every third write updates a household registered before
                    hid, pid = mine[-1]
                    body = {
                        "effective_on": "2024-02-01",
                        "incomes": [{"person_id": pid, "kind": "wages", "monthly_amount": "800.00"}],
                    }
                    self.write(http, "PUT", f"/api/v1/households/{hid}/circumstances", body)
                    continue
                body = {
                    "area_type": "urban",
                    "division_code": self.division,
                    "address": "望城区某街道1号",
                    "registered_on": "2024-01-10",
                    "members": [{"name": "测试", "id_number": id_number(), "relation": "head"}],
                }
                answer = self.write(http, "POST", "/api/v1/households", body)
                if answer is not None:
                    mine.append((answer["household_id"], answer["members"][0]["person_id"]))

    def write(self, http: httpx.Client, method: str, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """One write, retried with its key until acknowledged; its answer's JSON, or None."""
        key = uuid.uuid4().hex
        body = {**body, "reason": f"chaos:{key}"}
        started = time.monotonic()
        deadline = started + self.retry_for
        with self.tally.lock:
            self.tally.attempted += 1
        tries, pause = 0, 0.1
        while time.monotonic() < deadline:
            tries += 1
            try:
                r = http.request(method, path, json=body, headers={"Idempotency-Key": key})
                answer = str(r.status_code)
            except httpx.TransportError:
                r, answer = None, "conn"
            with self.tally.lock:
                self.tally.statuses[answer] += 1
            if r is not None and r.is_success:
                with self.tally.lock:
                    self.tally.longest_retry = max(self.tally.longest_retry, time.monotonic() - started)
                self._done(key, tries, acknowledged=True)
                return dict(r.json())
            if r is not None and r.status_code == 409 and r.json().get("type", "").endswith("idempotency-applied"):
                self._done(key, tries, acknowledged=False)
                return None
            if r is not None and r.status_code not in RETRY_STATUSES:
                break  # refused for good: a bug in the service or the load
            with self.tally.lock:
                self.tally.attempts_retried += 1
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        with self.tally.lock:
            self.tally.failed += 1
            self.tally.retried += tries > 1
        return None

    def _done(self, key: str, tries: int, *, acknowledged: bool) -> None:
        with self.tally.lock:
            if acknowledged:
                self.tally.acknowledged += 1
                self.tally.acked_keys.add(key)
            else:
                self.tally.applied_unanswered += 1
                self.tally.applied_keys.add(key)
            self.tally.retried += tries > 1


@dataclass(frozen=True)
class Audit:
    """What the store kept, against what the clients were told."""

    acknowledged: int
    stored: int  # distinct chaos writes in the store
    duplicated: int  # writes stored more than once
    lost: int  # acknowledged writes not in the store
    unacknowledged_stored: int  # stored although the client never got a 2xx (a lost response): harmless

    @property
    def ok(self) -> bool:
        return self.duplicated == 0 and self.lost == 0


def stored_reasons(casework: Casework, prefix: str = "chaos:") -> Counter[str]:
    """How many household events carry each ``chaos:<key>`` reason."""
    seen: Counter[str] = Counter()
    start: int | None = None
    household = get_topic(Household) + "."
    while page := casework.recorder.select_notifications(start, 1000, inclusive_of_start=False):
        for n in page:
            if n.topic.startswith(household):
                event = casework.mapper.to_domain_event(n)
                reason = getattr(event, "reason", None) or ""
                if reason.startswith(prefix):
                    seen[reason[len(prefix) :]] += 1
        start = page[-1].id
    return seen


def audit(tally: Tally, open_casework: Callable[[], Casework]) -> Audit:
    casework = open_casework()
    try:
        seen = stored_reasons(casework)
    finally:
        casework.close()
    acked = tally.acked_keys
    return Audit(
        acknowledged=len(acked),
        stored=len(seen),
        duplicated=sum(1 for n in seen.values() if n > 1),
        lost=len(acked - set(seen)) + len(tally.applied_keys - set(seen)),
        unacknowledged_stored=len(set(seen) - acked - tally.applied_keys),
    )
