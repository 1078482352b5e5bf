"""The desk in a real browser: headless Chromium from Debian's package, driven by Playwright, against a live
uvicorn on a free loopback port serving the seeded district (``tests.desk.seed``), in development mode.

Skipped with the reason shown when chromium or Playwright is missing; ``REQUIRE_BROWSER=1`` (CI) makes that a
failure. Each journey takes a screenshot: into docs/desk/ (README shows three of them) when the file is not
there yet or ``UPDATE_SCREENSHOTS=1``, otherwise into the test's temporary directory, so that a test run
leaves the working tree as it was (the pages hold random ids, so the pixels differ from run to run).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.deps import Services
from domain.values import Role
from tests.desk.conftest import seeded_services
from tests.desk.seed import District
from tests.support import skip_if_missing

CHROMIUM = os.environ.get("JIUZHU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "desk"
pytestmark = pytest.mark.browser


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    skip_if_missing(reason, "REQUIRE_BROWSER")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


class Live:
    def __init__(self, base: str, services: Services, district: District):
        self.base, self.services, self.district = base, services, district

    def token(self, role: Role, jurisdiction: str = "430112") -> str:
        return self.services.tokens.issue(f"{role.value}-browser", role, jurisdiction)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def live(browser: Any) -> Iterator[Live]:
    """uvicorn on 127.0.0.1 and a free port, in a thread of this process, with the seeded district (--dev)."""
    services, district = seeded_services(dev=True)
    port = _free_port()
    config = uvicorn.Config(
        create_app(lambda: services), host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", services, district)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def shot(name: str, tmp_path: Path) -> str:
    """Where a journey's screenshot goes: docs/desk/<name> when new or asked for, else the temporary directory."""
    kept = SHOTS / name
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not kept.exists():
        return str(kept)
    return str(tmp_path / name)


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Any, live: Live, role: Role, jurisdiction: str = "430112") -> None:
    """Paste a token into the sign-in form, as a person with a `jiuzhu token` would."""
    page.goto(f"{live.base}/desk/sign-in")
    page.fill("textarea[name=token]", live.token(role, jurisdiction))
    page.click("#sign-in")
    page.wait_for_url(f"{live.base}/desk/")


def test_an_auditor_sees_the_amount_believed_before_a_late_correction(page: Any, live: Live, tmp_path: Path) -> None:
    """Find the household by ID number, move "as known at" before the late wage rise: the old 1,140.00 (now 840.00);
    open the approval: 已复现."""
    hid = live.district.corrected
    head = next(iter(live.services.casework.get_household(hid).members.values()))
    sign_in(page, live, Role.AUDITOR)
    page.click("header >> text=户查询")
    page.fill("input[name=id_number]", head.id_number.value)
    page.fill("#purpose", "年度审计抽查")
    page.click("#search")
    assert head.id_number.value not in page.url  # posted: the number stays out of the URL
    page.click("#results a.open")
    page.wait_for_url(f"**/desk/households/{hid}?*")
    assert page.inner_text(".amount-on") == "840.00"
    before = [r.recorded_at for r in live.services.auditor.recorded_events(hid)]
    instant = max(t for t in before if t < live.district.correction_at).isoformat()
    page.select_option("#as_of", value=instant)
    page.click("#show")
    page.wait_for_url("**as_of=*")
    assert page.inner_text(".amount-on") == "1,140.00"
    assert page.locator("#timeline tr.later").count() >= 1
    assert page.locator("svg.step path").count() == 1
    page.screenshot(path=shot("household.png", tmp_path), full_page=True)
    page.locator("table.steps a.decision").last.click()
    page.wait_for_url("**/decisions/*")
    assert "已复现" in page.inner_text("#verdict")
    page.screenshot(path=shot("decision.png", tmp_path))


def test_an_approvers_worklist_shows_a_late_decision(page: Any, live: Live, tmp_path: Path) -> None:
    """One click signs the approver in (development mode); the worklist lists the late decision."""
    page.goto(f"{live.base}/desk/sign-in")
    page.click("#dev-approver")
    page.wait_for_url(f"{live.base}/desk/")
    page.click("header >> text=待办")
    page.wait_for_url(f"{live.base}/desk/worklist")
    late = page.locator("#worklist tr.decision_late")
    assert late.count() == 1
    assert "审批超时" in late.inner_text()
    page.screenshot(path=shot("worklist.png", tmp_path), full_page=True)


def test_an_analysts_statistics_show_a_chart_and_no_name(page: Any, live: Live, tmp_path: Path) -> None:
    """The period's figures, a funds chart with at least one bar, and not one member's name in the page."""
    sign_in(page, live, Role.ANALYST)
    page.goto(f"{live.base}/desk/statistics?from=2025-01&to=2025-05")
    assert page.inner_text("#household-months") == "30"
    bars = page.locator("svg.bars rect.bar")
    assert bars.count() >= 1
    assert float(bars.first.get_attribute("width") or 0) > 0
    content = page.content()
    assert not [n for n in live.district.names if n in content]
    page.screenshot(path=shot("statistics.png", tmp_path), full_page=True)


def test_a_caseworker_of_another_county_is_refused(page: Any, live: Live, tmp_path: Path) -> None:
    """A household of 430112 opened by a caseworker of 430111: the refusal page, 404 as from the API."""
    sign_in(page, live, Role.CASEWORKER, "430111")
    response = page.goto(f"{live.base}/desk/households/{live.district.corrected}?purpose=核对")
    assert response.status == 404
    assert page.locator("#refusal").is_visible()
    assert not [n for n in live.district.names if n in page.content()]
    page.screenshot(path=shot("refusal.png", tmp_path))
