"""Stored version-1 events still load after their classes gained fields (class_version + upcasters)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from application.casework import Casework
from domain.household import Household
from tests.support import fixed_clock

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "household_v1_events.json"


def test_version_1_events_load_with_defaults(tmp_path: Path) -> None:
    """A household stored before ``terms`` and ``review_due_by`` existed loads with their defaults."""
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))["events"]
    assert all("class_version" not in r["state"] for r in rows)
    app = Casework(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "old.db")}, clock=fixed_clock
    )
    try:
        app.recorder.insert_events(
            [
                StoredEvent(
                    originator_id=UUID(r["originator_id"]),
                    originator_version=r["originator_version"],
                    topic=r["topic"],
                    state=json.dumps(r["state"], ensure_ascii=False).encode(),
                )
                for r in rows
            ]
        )
        household = app.get_household(UUID(rows[0]["originator_id"]))
        (enrolment,) = household.enrolments.values()
        assert enrolment.terms == {}
        assert len(household.members) == 1
        removed = list(app.repository.event_store.get(household.id))[-1]
        assert isinstance(removed, Household.MemberRemoved)
        assert removed.review_due_by is None
    finally:
        app.close()


def test_payments_stored_before_their_parts_load_without_them() -> None:
    """A payment stored before payments carried tekun's parts decodes with an empty ``parts``."""
    from datetime import date
    from decimal import Decimal
    from uuid import uuid4

    from domain.payroll import Payment
    from domain.values import AreaType, Program
    from infrastructure.payroll_transcodings import register_payroll_transcodings

    app = Casework(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=fixed_clock)
    try:
        transcoder = app.mapper.transcoder
        register_payroll_transcodings(transcoder)
        payment = Payment(
            uuid4(), uuid4(), Program.TEKUN, date(2024, 3, 1), Decimal("1575.00"), (uuid4(),), "430112001001",
            AreaType.URBAN, {"basic_living": Decimal("975.00"), "care_subsidy": Decimal("600.00")},
        )  # fmt: skip
        stored = json.loads(transcoder.encode({"payments": [payment]}))
        assert transcoder.decode(json.dumps(stored).encode())["payments"][0] == payment
        fields = next(v for v in stored["payments"][0].values() if isinstance(v, dict) and "parts" in v)
        del fields["parts"]  # the shape stored before payments carried parts
        loaded = transcoder.decode(json.dumps(stored).encode())["payments"][0]
        assert isinstance(loaded, Payment)
        assert (loaded.amount, loaded.parts) == (Decimal("1575.00"), {})
    finally:
        app.close()
