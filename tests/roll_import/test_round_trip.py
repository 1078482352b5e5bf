"""Round trip: a store's roll exported as XLSX (GET /api/v1/rolls/dibao?format=xlsx&lang=zh), imported
into an empty store, gives the same roll on the as-of date — households, people and amounts.

The export masks ID numbers (first 6 and last 4), as every roll the API serves does; a bureau's own
roll carries them whole. The test puts the whole numbers back from the source store — what a reveal
would show — and changes nothing else: the export's headings, grouping (家庭编号), division codes,
area types, names and amounts are read as exported.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from uuid import UUID

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from application.casework import Casework
from application.roll_import import RollRequest, import_roll
from application.views.projection import Views
from application.views.reports import Reports
from domain.values import Actor, AreaType, Program, Role
from infrastructure.workbook import file_hash, read_sheet
from tests.application.scenarios import enrol, household
from tests.support import fixed_clock

AS_OF = date(2024, 6, 1)
ADMIN = Actor("admin-1", Role.ADMIN, "430112")
AUDITOR = Actor("au-1", Role.AUDITOR, "430112")


def source_store(app: Casework) -> None:
    """Households of one to four people, urban and rural, with wages that give different amounts."""
    for i in range(12):
        area = AreaType.RURAL if i % 3 == 0 else AreaType.URBAN
        division = "430112001201" if area is AreaType.RURAL else "430112001001"
        hid = household(app, size=1 + i % 4, wages=f"{200 + 50 * i}.00", area=area, division=division)
        enrol(app, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))


def exported(client: TestClient, auth: Callable[..., dict[str, str]]) -> bytes:
    r = client.get(
        "/api/v1/rolls/dibao",
        params={"on": AS_OF.isoformat(), "format": "xlsx", "lang": "zh"},
        headers={**auth("caseworker"), "X-Purpose": "roll migration test"},
    )
    assert r.status_code == 200, r.text
    return r.content


def with_whole_id_numbers(content: bytes, app: Casework, path: Path) -> None:
    """The export with its masked ID numbers replaced by the whole ones (the column renamed to match)."""
    source = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in source.worksheets[0].iter_rows(values_only=True)]
    source.close()
    head = rows[0]
    hid_col, pid_col, id_col = head.index("家庭编号"), head.index("人员编号"), head.index("身份证号码（脱敏）")
    head[id_col] = "身份证号码"
    for row in rows[1:]:
        member = app.get_household(UUID(str(row[hid_col]))).members[UUID(str(row[pid_col]))]
        row[id_col] = member.id_number.value
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def roll_on(app: Casework, on: date) -> set[tuple[object, ...]]:
    """The roll as households: division, area, amount, how many covered, and who (masked ID and name)."""
    views = Views(app)
    try:
        rows = Reports(views, fixed_clock).roll(Program.DIBAO, on, None, AUDITOR).rows
    finally:
        views.close()
    people: dict[UUID, set[tuple[str, str]]] = {}
    for r in rows:
        people.setdefault(r.household_id, set()).add((r.id_masked, r.name))
    return {
        (
            r.division_code,
            r.area_type,
            r.household_amount,
            r.beneficiaries_count,
            r.status,
            frozenset(people[r.household_id]),
        )
        for r in rows
    }


def test_an_exported_roll_imports_into_an_empty_store_as_the_same_roll(
    client: TestClient, auth: Callable[..., dict[str, str]], tmp_path: Path
) -> None:
    source: Casework = client.app.state.services.casework  # type: ignore[attr-defined]
    source_store(source)
    path = tmp_path / "roll.xlsx"
    with_whole_id_numbers(exported(client, auth), source, path)
    target = Casework(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "target.sqlite")},
        clock=fixed_clock,
    )
    try:
        from api.composition import SEED_ACTOR
        from infrastructure.policy_seed import load_seed

        target.seed_policy(load_seed(), SEED_ACTOR)
        plan, outcome = import_roll(
            target, read_sheet(path), file_hash(path), RollRequest(Program.DIBAO, "430112", AS_OF, ADMIN)
        )
        assert not plan.problems
        assert len(outcome.imported) == 12
        expected = roll_on(source, AS_OF)
        assert len(expected) == 12
        assert roll_on(target, AS_OF) == expected
    finally:
        target.close()
