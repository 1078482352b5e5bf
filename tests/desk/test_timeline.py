"""The household's timeline in Chinese where the store wrote English: a re-computation reads 重新核算 <month>."""

from __future__ import annotations

import re
from html import unescape

from domain.values import Role
from tests.desk.conftest import Desk


def test_a_recomputation_reads_in_chinese_with_the_english_in_its_title(desk: Desk) -> None:
    """Re-computations read 重新核算 <month>（driver；起因：event）, the stored English reason as title."""
    hid = desk.district.corrected
    html = desk.sign_in(Role.AUDITOR).get(f"/desk/households/{hid}", params={"purpose": "审计"}).text
    shown = re.findall(r'<span class="recomputed" title="([^"]*)">([^<]*)</span>', html)
    assert shown
    history = desk.services.auditor.history(hid)
    reasons = {e["reason"] for e in history if (e.get("reason") or "").startswith("re-computed for ")}
    titles = {unescape(title) for title, _ in shown}
    assert titles == reasons
    texts = {text for _, text in shown}
    assert "重新核算 2024年4月（收入财产申报）" in texts  # the late wage rise
    assert "重新核算 2024年7月（参数 dibao.standard.urban 调为 780.00；起因：乡镇审核）" in texts
    assert all(text.startswith("重新核算 ") for _, text in shown)
    assert all(title.startswith("re-computed for ") for title in titles)
    timeline = re.search(r'<table id="timeline">(.*?)</table>', html, re.S)
    assert timeline
    assert "<td>re-computed for" not in timeline.group(1)
