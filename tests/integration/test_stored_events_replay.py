"""Events stored, encrypted, by the code of 1 December 2026 replay to the same aggregates.

``tests/fixtures/stored_events_v2.json`` holds the stored bytes of a rich year of casework (written once by
``tests/fixtures/make_stored_events.py``, never regenerated) and each aggregate's state as that code
reconstructed it. Put into a fresh store, every record must decode and every aggregate must come back
the same: the promise that a refactoring (classes moved, a new mapper) never strands a stored fact.
"""

from __future__ import annotations

import json
from base64 import b64decode
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from application.casework import Casework
from tests.fixtures.stored_events import FIXTURE, contains, render_store
from tests.support import fixed_clock


@pytest.fixture(scope="module")
def fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def replayed(fixture: dict[str, Any], backend_env: dict[str, str]) -> Iterator[Casework]:
    """A fresh store of each backend, with the fixture's cipher key, holding exactly the fixture's records."""
    env = {**backend_env, "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher", "CIPHER_KEY": fixture["cipher_key"]}
    app = Casework(env=env, clock=fixed_clock)
    app.recorder.insert_events(
        [
            StoredEvent(
                originator_id=UUID(r["originator_id"]),
                originator_version=r["originator_version"],
                topic=r["topic"],
                state=b64decode(r["state"]),
            )
            for r in fixture["records"]
        ]
    )
    try:
        yield app
    finally:
        app.close()


def test_every_stored_record_decodes_to_an_event_of_its_topic(fixture: dict[str, Any], replayed: Casework) -> None:
    """Each record decrypts and decodes; the event keeps its originator and version."""
    notifications = replayed.recorder.select_notifications(None, len(fixture["records"]) + 1)
    assert len(notifications) == len(fixture["records"])
    for n in notifications:
        event = replayed.mapper.to_domain_event(n)
        assert (event.originator_id, event.originator_version) == (n.originator_id, n.originator_version)


def test_every_aggregate_reconstructs_as_it_did_when_stored(fixture: dict[str, Any], replayed: Casework) -> None:
    """Households, the policy, person indexes and payroll months come back with the same state."""
    expected: dict[str, Any] = fixture["expected"]
    actual = render_store(replayed, [UUID(i) for i in expected])
    differences = contains(actual, expected)
    assert differences == [], "\n".join(differences[:20])


def test_the_fixture_covers_every_kind_of_stored_event(fixture: dict[str, Any]) -> None:
    """The fixture is rich enough to mean something: every household fact and decision kind there was when it
    was written is in it (later kinds — the register's, a residence, a certificate — are not: they are newer)."""
    kinds = {r["topic"].rsplit(".", 1)[-1] for r in fixture["records"]}
    assert {
        "Registered",
        "MemberAdded",
        "MemberChanged",
        "MemberRemoved",
        "CareAssessed",
        "ParentsRecorded",
        "CircumstancesRecorded",
        "ApplicationFiled",
        "TownshipReviewRecorded",
        "ApplicationApproved",
        "ApplicationRejected",
        "ApplicationWithdrawn",
        "ReviewCompleted",
        "BenefitSuspended",
        "BenefitResumed",
        "EnrolmentTerminated",
        "EntitlementChanged",
        "AmountAdjusted",
        "PaymentsCorrected",
        "PaymentsSettled",
        "TemporaryAssistanceGranted",
        "DecisionDeadlineExtended",
        "ValueSet",
        "SeriesConfirmed",
        "Claimed",
        "Released",
        "Created",
        "Opened",
        "PaymentsIssued",
        "RunCompleted",
        "CorrectionsSettled",
    } <= kinds
