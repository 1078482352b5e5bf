"""How many roll rows a minute ``jiuzhu import-roll`` brings in (target: at least 10,000).

``.venv/bin/python -m bench.roll_import [HOUSEHOLDS] [--postgres]`` writes a generated bureau roll (default 4,000
households, about 10,000 rows, no faults: the test generator in ``tests/roll_import/roll_workbook.py``),
then times on an encrypted SQLite store (with ``--postgres``: a scratch PostgreSQL database, dropped
after): the dry run (read the workbook, check every row, look every
person up in the person index), the import (in batches of 200 households, one transaction each,
through ``Casework.handle``), and a second run of the same file (which finds everything imported).
``make bench`` runs ``measure`` on SQLite and PostgreSQL (2,000 households) and reports it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from api.composition import SEED_ACTOR
from application.casework import Casework
from application.roll_import import RollRequest, import_roll
from bench.common import new_schema, postgres_env, scratch_database
from domain.values import Actor, Program, Role
from infrastructure.policy_seed import load_seed
from infrastructure.workbook import file_hash, read_sheet
from tests.fixtures.stored_events import CIPHER_KEY
from tests.roll_import.roll_workbook import write_roll
from tests.support import fixed_clock

ADMIN = Actor("bench-admin", Role.ADMIN, "430112")


def measure(households: int, env: dict[str, str], tmp: Path) -> dict[str, Any]:
    """The dry run, the import and a second run of a generated roll of ``households`` into the store ``env``."""
    path = tmp / "roll.xlsx"
    rows = write_roll(path, households=households, seed=1, per_kind=0).rows
    app = Casework(env=env, clock=fixed_clock)
    out: dict[str, Any] = {"households": households, "rows": rows}
    try:
        app.seed_policy(load_seed(), SEED_ACTOR)
        for label, dry_run in (("dry_run", True), ("import", False), ("second_run", False)):
            started = time.perf_counter()
            request = RollRequest(Program.DIBAO, "430112", date(2024, 1, 1), ADMIN, dry_run=dry_run)
            _, outcome = import_roll(app, read_sheet(path), file_hash(path), request)
            seconds = time.perf_counter() - started
            out[label] = {
                "seconds": round(seconds, 2),
                "rows_per_minute": round(rows / seconds * 60),
                "imported": len(outcome.imported),
                "before": len(outcome.before),
            }
    finally:
        app.close()
    return out


def sqlite_env(tmp: Path) -> dict[str, str]:
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp / "import.sqlite"),
        "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
        "CIPHER_KEY": CIPHER_KEY,
    }


def main(households: int = 4000, postgres: bool = False) -> None:
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        if postgres:
            database = stack.enter_context(scratch_database("jiuzhu_bench_roll"))
            env = postgres_env(database, new_schema(database, "roll"))
        else:
            env = sqlite_env(Path(tmp))
        print("PostgreSQL" if postgres else "SQLite")
        out = measure(households, env, Path(tmp))
        for label in ("dry_run", "import", "second_run"):
            r = out[label]
            print(
                f"{label:>10}: {out['rows']:,} rows ({households:,} households) in {r['seconds']:.1f} s = "
                f"{r['rows_per_minute']:,} rows/min; {r['imported']:,} imported, {r['before']:,} found imported before"
            )


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 4000, postgres="--postgres" in sys.argv)
