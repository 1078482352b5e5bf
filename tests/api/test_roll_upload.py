"""An admin uploads a bureau's roll over HTTP: the dry run reports exactly the planted faults and writes
nothing; the import records exactly the valid households; the same upload again records nothing; the
report comes as the workbook when asked; refusals for other roles, junk and oversize bodies."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

from api.app import create_app
from api.composition import build_services
from infrastructure.exports import XLSX_MEDIA_TYPE
from infrastructure.settings import Settings
from tests.api.conftest import TOKEN_SECRET
from tests.api.helpers import assert_problem
from tests.roll_import.roll_workbook import Planted, write_roll
from tests.support import fixed_clock

URL = "/api/v1/imports/roll"
QUERY = {"program": "dibao", "division": "430112", "as_of": "2024-01-01"}


@pytest.fixture
def roll(tmp_path: Path) -> tuple[bytes, Planted]:
    path = tmp_path / "roll.xlsx"
    planted = write_roll(path, households=40, seed=11, per_kind=1)
    return path.read_bytes(), planted


def send(client: TestClient, headers: dict[str, str], body: bytes, **query: Any) -> Any:
    return client.post(URL, params=QUERY | query, content=body, headers=headers | {"Content-Type": XLSX_MEDIA_TYPE})


def test_upload_dry_run_import_and_again(
    client: TestClient, auth: Callable[..., dict[str, str]], roll: tuple[bytes, Planted]
) -> None:
    body, planted = roll
    admin = auth("admin", user="admin-1")
    services = client.app.state.services  # type: ignore[attr-defined]
    position = services.casework.recorder.max_notification_id()
    r = send(client, admin, body, dry_run="true")
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["file_hash"] == hashlib.sha256(body).hexdigest()
    assert {(p["row"], p["code"]) for p in report["problems"]} == planted.faults
    assert report["dry_run"] is True
    assert report["imported"] == len(planted.valid)  # "would import"
    assert services.casework.recorder.max_notification_id() == position  # a dry run writes nothing

    r = send(client, admin, body)
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["imported"], done["before"]) == (len(planted.valid), 0)
    assert done["skipped"] == planted.households - len(planted.valid)

    position = services.casework.recorder.max_notification_id()
    again = send(client, admin, body).json()
    assert (again["imported"], again["before"]) == (0, len(planted.valid))
    assert services.casework.recorder.max_notification_id() == position


def test_the_report_workbook_on_request(
    client: TestClient, auth: Callable[..., dict[str, str]], roll: tuple[bytes, Planted]
) -> None:
    body, planted = roll
    r = send(client, auth("admin") | {"Accept": XLSX_MEDIA_TYPE}, body, dry_run="true")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX_MEDIA_TYPE
    book = load_workbook(io.BytesIO(r.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0][-3:] == ("状态 / status", "问题代码 / problem codes", "问题 / problems")
    assert len(rows) == 1 + planted.rows
    assert sum(1 for row in rows[1:] if row[-2]) == len(planted.faults)


@pytest.mark.parametrize("role", ["caseworker", "approver", "auditor", "analyst"])
def test_only_an_admin_uploads(
    client: TestClient, auth: Callable[..., dict[str, str]], roll: tuple[bytes, Planted], role: str
) -> None:
    assert_problem(send(client, auth(role), roll[0], dry_run="true"), 403, "forbidden-role")


def test_outside_the_admins_jurisdiction(
    client: TestClient, auth: Callable[..., dict[str, str]], roll: tuple[bytes, Planted]
) -> None:
    r = send(client, auth("admin", jurisdiction="430104"), roll[0], dry_run="true")
    assert r.status_code == 403, r.text


def test_junk_empty_and_bad_mapping_are_refused(client: TestClient, auth: Callable[..., dict[str, str]]) -> None:
    """Each refused, and no upload left behind on disk."""
    left = set(Path(tempfile.gettempdir()).glob("roll-*.xlsx"))
    assert_problem(send(client, auth("admin"), b"not a workbook"), 422, "roll-unreadable", field="body")
    assert_problem(send(client, auth("admin"), b""), 422, "roll-missing", field="body")
    r = send(client, auth("admin"), b"x", mapping="[1]")
    assert_problem(r, 422, "invalid-mapping", field="mapping")
    r = send(client, auth("admin"), b"x", division="43011")
    assert r.status_code == 422, r.text
    assert set(Path(tempfile.gettempdir()).glob("roll-*.xlsx")) <= left


@pytest.fixture
def small_client() -> Iterator[TestClient]:
    settings = Settings(database="memory", token_secret=TOKEN_SECRET, max_upload_bytes=1000, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(lambda: build_services(settings, clock=fixed_clock))) as c:
        yield c


def test_an_upload_beyond_the_limit_is_refused(small_client: TestClient, roll: tuple[bytes, Planted]) -> None:
    tokens = small_client.app.state.services.tokens  # type: ignore[attr-defined]
    admin = {"Authorization": f"Bearer {tokens.issue('admin-1', 'admin', '430112')}"}
    assert_problem(send(small_client, admin, roll[0]), 413, "body-too-large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the route counts as it streams
        yield roll[0]

    r = small_client.post(URL, params=QUERY, content=chunks(), headers=admin)
    assert_problem(r, 413, "body-too-large")
