"""The Idempotency-Key claim as a fencing token for the event store.

While a request holds a claim on its key (``current_claim``, set by ``api.idempotency``), every
save of events counts itself on the claim in the events' own transaction (``fence``, called by the
ledger recorders) and fails — writing nothing — when the claim was taken over by a retry, or when
the count shows that a save the request believes failed was in fact committed (the connection
broke during the commit and the library or the command retried it). ``note_commit`` advances the
request's count after each committed save.

Why a ContextVar, reaching from the HTTP middleware into the recorder: the save that must be fenced is
made by the library (``Application.save`` → the recorder's ``insert_events``), several calls below the
route, in the events' own transaction, and nothing between the two carries request metadata; threading
a claim through every command, handler and the library's recorder interface would put an HTTP concern
into each of them. A ContextVar is the request-scoped value Python provides for exactly this: set by
``api.idempotency.IdempotencyMiddleware._run`` for the request's duration and reset after; copied into
the threadpool Starlette runs a sync route in and into tasks the request starts; absent (None) for
everything else — CLI commands, jobs, projection workers, a request without an Idempotency-Key —
whose saves are not fenced. The limits follow from the same rule: a thread started by hand inside a
request does not inherit the claim (use ``contextvars.copy_context`` if one is ever needed), and the
fence covers only saves through the ledger recorders (``infrastructure.ledger``), which call ``fence``.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


class ClaimLost(Exception):
    """The request's Idempotency-Key claim was taken over by a retry: its events were not saved."""


class ClaimAlreadyCommitted(ClaimLost):
    """A save of this request was committed although the database did not say so (the connection broke during
    the commit): saving it again would write it twice, so nothing more is written."""


@dataclass
class ClaimRef:
    """The claim the running request holds (see ``current_claim``), and how many of its saves were committed."""

    user_id: str
    key: str
    token: str
    commits: int = 0


#: Set around a request holding a claim; the event recorders fence their inserts with it.
current_claim: ContextVar[ClaimRef | None] = ContextVar("jiuzhu_idempotency_claim", default=None)


def fence(cursor: Any, table: str, mark: str) -> None:
    """Inside the events' transaction: count the save on the running request's claim, or fail — writing
    nothing — if the claim was taken over, or if a save the request believes failed was in fact committed."""
    claim = current_claim.get()
    if claim is None:
        return
    params = (claim.user_id, claim.key, claim.token)
    where = f"user_id = {mark} AND key = {mark} AND token = {mark}"
    cursor.execute(
        f"UPDATE {table} SET committed = committed + 1 WHERE {where} AND committed = {mark} RETURNING committed",
        (*params, claim.commits),
    )
    if cursor.fetchone() is not None:  # fetched, not rowcount: PostgreSQL inserts events in pipeline mode
        return
    cursor.execute(f"SELECT committed FROM {table} WHERE {where}", params)
    lost = (
        ClaimAlreadyCommitted(f"a save under Idempotency-Key {claim.key!r} was already committed")
        if cursor.fetchone() is not None
        else ClaimLost(f"the claim on Idempotency-Key {claim.key!r} was taken over by a retry")
    )
    if mark == "%s":  # PostgreSQL: the library commits unless a statement failed, so make one fail
        with contextlib.suppress(Exception):
            cursor.execute("SELECT 1 / 0 AS idempotency_claim_lost")
            cursor.fetchone()
    raise lost


def note_commit() -> None:
    """After a save was committed: the running request's next save is expected one further."""
    claim = current_claim.get()
    if claim is not None:
        claim.commits += 1
