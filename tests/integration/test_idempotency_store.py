"""The idempotency store on every backend: claim, replay, mismatch, in progress, release, expiry, races."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

from application.casework import Casework
from infrastructure.idempotency import LEASE, TTL, IdempotencyStore, Outcome, StoredResponse, open_idempotency_store
from tests.support import fixed_clock

RESPONSE = StoredResponse(201, [("content-type", "application/json"), ("etag", '"1"')], '{"name":"王建国"}'.encode())


@pytest.fixture
def store(backend_env: dict[str, str]) -> Iterator[IdempotencyStore]:
    """A store beside an empty event store of the backend, encrypting with a fresh key."""
    app = Casework(env=backend_env, clock=fixed_clock)
    cipher = AESCipher(Environment(env={"CIPHER_KEY": AESCipher.create_key(32)}))
    yield open_idempotency_store(app.recorder, cipher=cipher)
    app.close()


def test_claim_complete_replay(store: IdempotencyStore) -> None:
    """The first begin claims the key; after complete, the same request replays the stored response."""
    claim = store.begin("u1", "k", "fp")
    assert claim.outcome is Outcome.NEW
    assert store.begin("u1", "k", "fp").outcome is Outcome.IN_PROGRESS
    store.complete("u1", "k", claim.token, RESPONSE)
    again = store.begin("u1", "k", "fp")
    assert again.outcome is Outcome.REPLAY
    assert again.response == RESPONSE


def test_other_request_with_the_key_is_a_mismatch(store: IdempotencyStore) -> None:
    """The key with another fingerprint is a mismatch, while running and after completion; other users are apart."""
    claim = store.begin("u1", "k", "fp")
    assert store.begin("u1", "k", "other").outcome is Outcome.MISMATCH
    store.complete("u1", "k", claim.token, RESPONSE)
    assert store.begin("u1", "k", "other").outcome is Outcome.MISMATCH
    assert store.begin("u2", "k", "other").outcome is Outcome.NEW


def test_release_forgets_an_unfinished_claim_only(store: IdempotencyStore) -> None:
    """Release frees a running claim (a retry runs again) but never a completed one."""
    claim = store.begin("u1", "k", "fp")
    store.release("u1", "k", claim.token)
    second = store.begin("u1", "k", "other")
    assert second.outcome is Outcome.NEW
    store.complete("u1", "k", second.token, RESPONSE)
    store.release("u1", "k", second.token)
    assert store.begin("u1", "k", "other").outcome is Outcome.REPLAY


def test_abandoned_claims_and_old_keys_expire(store: IdempotencyStore) -> None:
    """A claim older than the lease may be taken over; a completed key is forgotten after the TTL."""
    start = 1_000_000.0
    store.now = lambda: start
    stale = store.begin("u1", "k", "fp")
    store.now = lambda: start + LEASE + 1
    taken = store.begin("u1", "k", "fp")
    assert taken.outcome is Outcome.NEW
    store.complete("u1", "k", stale.token, RESPONSE)  # the late first request cannot overwrite the new claim
    assert store.begin("u1", "k", "fp").outcome is Outcome.IN_PROGRESS
    store.complete("u1", "k", taken.token, RESPONSE)
    store.now = lambda: start + LEASE + TTL
    assert store.begin("u1", "k", "fp").outcome is Outcome.REPLAY
    store.now = lambda: start + LEASE + TTL + 2
    assert store.purge() == 1
    assert store.begin("u1", "k", "new").outcome is Outcome.NEW


def test_racing_begins_give_one_claim(store: IdempotencyStore) -> None:
    """Eight threads beginning the same key at once: exactly one owns it, the others see it in progress."""
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: store.begin("u1", "race", "fp").outcome, range(8)))
    assert outcomes.count(Outcome.NEW) == 1
    assert outcomes.count(Outcome.IN_PROGRESS) == 7


def test_a_renewed_claim_outlives_the_lease_an_abandoned_one_does_not(store: IdempotencyStore) -> None:
    """A claim renewed by its running request stays in progress past the lease; once renewals stop (the
    worker died) a retry takes it over one lease after the last renewal."""
    start = 1_000_000.0
    store.now = lambda: start
    claim = store.begin("u1", "k", "fp")
    for third in range(1, 10):  # three leases long, renewed every third of a lease
        store.now = lambda third=third: start + third * LEASE / 3
        store.renew("u1", "k", claim.token)
        assert store.begin("u1", "k", "fp").outcome is Outcome.IN_PROGRESS
    store.now = lambda: start + 3 * LEASE + LEASE / 2
    assert store.begin("u1", "k", "fp").outcome is Outcome.IN_PROGRESS
    store.now = lambda: start + 4 * LEASE + 1
    assert store.begin("u1", "k", "fp").outcome is Outcome.NEW


def test_the_default_lease_lets_a_retry_run_within_seconds() -> None:
    """The default lease (module and setting) is seconds, not minutes: a dead worker's key is free soon."""
    from infrastructure.settings import Settings

    assert LEASE <= 15
    assert Settings(_env_file=None).idempotency_lease_seconds == LEASE  # type: ignore[call-arg]
