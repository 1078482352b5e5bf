"""How long one household of about 130 events takes to reconstruct from an encrypted SQLite store.

``.venv/bin/python -m bench.replay`` prints p50 and p99 over 500 loads (read, decrypt, decode, type, apply) and
over 500 decodings of its stored events alone, with the application's mapper and with the library's plain one
(the difference is what typing the events' fields with pydantic costs).
Not part of ``make bench``: a quick check that decoding stays cheap (the mapper's typing must not cost
more than a few milliseconds at p99).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import Mapper

from api.composition import SEED_ACTOR
from application.base import project
from application.casework import Casework
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.members import LabourCapacity
from infrastructure.policy_seed import load_seed
from tests.application.scenarios import enrol, household, month_firsts
from tests.fixtures.stored_events import CIPHER_KEY
from tests.support import CASEWORKER, fixed_clock

LOADS = 500


def build(app: Casework) -> tuple[object, int]:
    """A dibao household whose wages change twice a month every month, and whose members change."""
    hid = household(app, size=4, wages="900.00", registered_on=date(2024, 1, 8))
    enrol(app, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 1))
    head, spouse, *_ = app.get_household(hid).members
    for i, month in enumerate(month_firsts(date(2024, 3, 1), date(2025, 5, 1))):
        wages = Decimal("900.00") + i * 7
        circumstances = Circumstances(incomes=(IncomeItem(head, IncomeKind.WAGES, wages),), assets=Assets())
        app.record_circumstances(hid, circumstances, effective_on=month, actor=CASEWORKER)
        later = Circumstances(incomes=(IncomeItem(head, IncomeKind.WAGES, wages + 40),), assets=Assets())
        app.record_circumstances(hid, later, effective_on=month.replace(day=16), actor=CASEWORKER)
        if i % 12 == 6:
            capacity = LabourCapacity.PARTIAL if i % 24 == 6 else LabourCapacity.FULL
            app.change_member(hid, spouse, {"labour_capacity": capacity}, effective_on=month, actor=CASEWORKER)
    return hid, app.get_household(hid).version


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(Path(tmp) / "replay.sqlite"),
            "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
            "CIPHER_KEY": CIPHER_KEY,
        }
        app = Casework(env=env, clock=fixed_clock)
        try:
            app.seed_policy(load_seed(), SEED_ACTOR)
            hid, version = build(app)
            loads = timed(lambda: app.repository.get(hid, projector_func=project))
            stored = app.recorder.select_events(hid)
            decodes = timed(lambda: [app.mapper.to_domain_event(s) for s in stored])
            library = Mapper[UUID](app.mapper.transcoder, cipher=app.mapper.cipher)  # the same, minus the typing
            untyped = timed(lambda: [library.to_domain_event(s) for s in stored])
        finally:
            app.close()
    print(f"{version} events, {LOADS} times each (p50 / p99):")
    print(f"  load (read, decrypt, decode, type, apply): {loads}")
    print(f"  decode only (decrypt, decode, type):       {decodes}")
    print(f"  decode, the library's mapper (no typing):  {untyped}")


def timed(work: Callable[[], object]) -> str:
    """p50 / p99 of the wall time, and of the CPU time (which a busy machine's other processes do not inflate)."""
    wall, cpu = [], []
    for _ in range(LOADS):
        started, started_cpu = time.perf_counter(), time.thread_time()
        work()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return f"wall {_p50_p99(wall)}, CPU {_p50_p99(cpu)}"


def _p50_p99(times: list[float]) -> str:
    times.sort()
    return f"{statistics.median(times):.2f} / {times[int(len(times) * 0.99) - 1]:.2f} ms"


if __name__ == "__main__":
    main()
