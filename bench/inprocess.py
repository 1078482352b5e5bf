"""The same write commands without HTTP: what the application layer alone reaches, and where one
command's time goes (cProfile, one thread), to tell the API's bound from the application's."""

from __future__ import annotations

import cProfile
import pstats
import threading
import time
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

from application import commands
from bench.api_writes import PER_HOUSEHOLD, _id_number
from bench.common import Latencies, run_threads
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.members import Member, Relation
from domain.values import Actor, AreaType, IdNumber, Role

CW = Actor("bench-inproc", Role.CASEWORKER, "430112")

#: What one command's time is split into: (label, function as pstats names it: file suffix, name).
PARTS = (
    ("load the household (select + decrypt + decode + replay)", ("application/base.py", "get_household")),
    ("encode + encrypt the new events", ("eventsourcing/persistence.py", "to_stored_event")),
    ("insert transaction (lock, insert, ledger, commit)", ("eventsourcing/postgres.py", "insert_events")),
    ("whole save", ("eventsourcing/application.py", "save")),
)


class Writer:
    """One thread's commands: a registration, then declarations, as the HTTP clients send them."""

    def __init__(self, casework: Any, index: int):
        self.casework, self.serial, self.n = casework, 5_000_000 + index * 100_000, 0
        self.household: Any = None
        self.head: Member | None = None

    def step(self) -> None:
        if self.n % PER_HOUSEHOLD == 0:
            self.serial += 1
            self.head = Member(uuid4(), "王建国", IdNumber(_id_number(self.serial)), Relation.HEAD)
            self.household = self.casework.handle(
                commands.RegisterHousehold(
                    area_type=AreaType.URBAN,
                    division_code="430112001001",
                    address="bench",
                    members=(self.head,),
                    meta=commands.Meta(actor=CW, effective_on=date(2024, 1, 10)),
                )
            )
        else:
            assert self.head is not None
            income = IncomeItem(self.head.person_id, IncomeKind.WAGES, Decimal(300 + self.n % 900))
            self.household = self.casework.handle(
                commands.RecordCircumstances(
                    household_id=self.household.id,
                    circumstances=Circumstances(
                        incomes=(income,), assets=Assets(financial=Decimal("5000.00"), dwellings=1)
                    ),
                    meta=commands.Meta(
                        actor=CW, effective_on=date(2024, 2, 1), expected_version=self.household.version
                    ),
                )
            ).household
        self.n += 1


def throughput(casework: Any, threads: int, seconds: float) -> dict[str, Any]:
    writers = [Writer(casework, 10 * threads + i) for i in range(threads)]
    stop = threading.Event()
    lat: list[list[float]] = [[] for _ in writers]

    def loop(i: int) -> None:
        while not stop.is_set():
            t = time.perf_counter()
            writers[i].step()
            lat[i].append(time.perf_counter() - t)

    elapsed = run_threads(loop, threads, seconds, stop)
    done = [x for per in lat for x in per]
    return {"threads": threads, "per_second": round(len(done) / elapsed, 1)} | Latencies(done).summary()


def profile(casework: Any, commands: int) -> dict[str, Any]:
    """cProfile of ``commands`` commands on one thread: wall ms per command and the share of each part."""
    writer = Writer(casework, 99)
    for _ in range(50):
        writer.step()
    profiler = cProfile.Profile()
    t = time.perf_counter()
    profiler.enable()
    for _ in range(commands):
        writer.step()
    profiler.disable()
    wall = time.perf_counter() - t
    stats = pstats.Stats(profiler)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "step" and k[0].endswith("bench/inprocess.py"))  # type: ignore[attr-defined]
    parts = {}
    for label, (suffix, name) in PARTS:
        cum = sum(v[3] for k, v in stats.stats.items() if k[2] == name and k[0].endswith(suffix))  # type: ignore[attr-defined]
        parts[label] = round(100 * cum / total, 1) if total else None
    return {"commands": commands, "ms_per_command_profiled": round(1000 * wall / commands, 3), "percent": parts}
