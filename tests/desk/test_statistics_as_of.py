"""The statistics page pinned to what was known at an instant, and the revisions since (now against then)."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.values import Role
from tests.desk.conftest import Desk
from tests.desk.seed import START

PERIOD = {"from": "2025-01", "to": "2025-05"}
BEFORE_PAYROLLS = (START + timedelta(minutes=15)).replace(tzinfo=None).isoformat()  # enrolled, 2025 not yet paid


def revision_rows(html: str) -> dict[str, tuple[str, str, str]]:
    """The revisions table's rows: figure → (then, now, change), each row highlighted."""
    section = re.search(r'<section id="revisions">(.*?)</section>', html, re.S)
    assert section
    rows = re.findall(
        r'<tr class="diff" title="([^"]*)"><td>[^<]*</td><td class="num">([^<]*)</td>'
        r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>',
        section.group(1),
    )
    return {path: (then, now, change) for path, then, now, change in rows}


def test_a_pinned_page_shows_the_figures_then_and_the_revisions_since(desk: Desk) -> None:
    """Pinned before 2025's payrolls: 户次 then 0 (the API's as_of figure), now 30, highlighted as +30."""
    query = {**PERIOD, "as_of": BEFORE_PAYROLLS}
    api = desk.client.get("/api/v1/statistics", params=query, headers=desk.bearer(Role.APPROVER)).json()
    html = desk.sign_in(Role.APPROVER).get("/desk/statistics", params=query).text
    shown = re.search(r'id="household-months">([^<]*)<', html)
    assert shown
    assert shown.group(1) == str(api["household_months"]) == "0"
    rows = revision_rows(html)
    assert rows["household_months"] == ("0", "30", "+30")
    assert rows["payments_by_area_type.dibao.urban.person_months"] == ("0", "90", "+90")
    assert "as_known_at" not in rows
    assert api["as_known_at"] in html
    assert f'value="{BEFORE_PAYROLLS}"' in html


def test_a_page_pinned_after_the_last_write_has_no_revisions(desk: Desk) -> None:
    """Pinned after everything was recorded, the figures are today's: no revision is listed."""
    after = (desk.district.correction_at + timedelta(minutes=1)).isoformat()
    html = desk.sign_in(Role.APPROVER).get("/desk/statistics", params={**PERIOD, "as_of": after}).text
    assert 'id="no-revisions"' in html
    assert revision_rows(html) == {}


def test_an_unpinned_page_has_no_revisions_section_and_a_bad_instant_is_refused(desk: Desk) -> None:
    """No as_of: no revisions section; an instant that is not one, or in the future, is a 422 refusal page."""
    client = desk.sign_in(Role.APPROVER)
    assert 'id="revisions"' not in client.get("/desk/statistics", params=PERIOD).text
    for bad in ("yesterday", "2099-01-01T00:00:00"):
        r = client.get("/desk/statistics", params={**PERIOD, "as_of": bad})
        assert r.status_code == 422
        assert 'id="refusal"' in r.text
