"""``jiuzhu policy load FILE [--dry-run]``: a diff first, then one save; refusals that name the row and
never print ``None``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import cli
from domain.errors import RuleViolation
from domain.policy import CATALOGUE, STATUTORY_DEFAULTS, Policy
from domain.values import Actor, Context, Role

FILE = Path(__file__).with_name("province_35.yaml")
N = len(CATALOGUE)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIUZHU_DATABASE", "sqlite")
    monkeypatch.setenv("JIUZHU_SQLITE_PATH", str(tmp_path / "store.sqlite"))
    return tmp_path


def test_dry_run_prints_the_diff_and_records_nothing_then_the_load_records_it(store: Path) -> None:
    runner = CliRunner()
    args = ["policy", "load", str(FILE), "--jurisdiction", "35"]
    dry = runner.invoke(cli, [*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"{N} new, 0 changed, 0 unchanged, {N} confirmations extended" in dry.output
    assert "new       dibao.standard.urban for 35 from 2024-01-01 = 780.00" in dry.output
    assert "never confirmed → until 2026-12-31" in dry.output
    assert "dry run: nothing recorded" in dry.output
    missing = runner.invoke(cli, ["policy", "readiness", "350102", "--from", "2024-01-01", "--to", "2024-12-31"])
    assert missing.exit_code == 1, missing.output
    assert f"{len(STATUTORY_DEFAULTS)} of {N} parameters ready" in missing.output

    done = runner.invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert "recorded" in done.output
    ready = runner.invoke(cli, ["policy", "readiness", "350102", "--from", "2024-01-01", "--to", "2024-12-31"])
    assert ready.exit_code == 0, ready.output
    again = runner.invoke(cli, args)
    assert f"0 new, 0 changed, {N} unchanged, 0 confirmations extended" in again.output
    assert "nothing to record" in again.output


def test_a_changed_value_is_shown_and_a_row_outside_the_jurisdiction_refused(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["policy", "load", str(FILE), "--jurisdiction", "35"]).exit_code == 0
    changed = tmp_path / "raise.yaml"
    changed.write_text(FILE.read_text(encoding="utf-8").replace('value: "780.00"', 'value: "800.00"'), encoding="utf-8")
    dry = runner.invoke(cli, ["policy", "load", str(changed), "--jurisdiction", "35", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "changed   dibao.standard.urban for 35 from 2024-01-01: 780.00 → 800.00" in dry.output
    assert f"0 new, 1 changed, {N - 1} unchanged" in dry.output
    outside = runner.invoke(cli, ["policy", "load", str(changed), "--jurisdiction", "3501"])
    assert outside.exit_code == 1, outside.output
    assert "row 0 (dibao.standard.urban for 35 from 2024-01-01)" in outside.output
    assert "None" not in outside.output


def test_a_row_without_a_legal_basis_is_named(store: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        'dibao.public_notice_days:\n  values:\n    - {jurisdiction: "35", effective_from: 2024-01-01, value: 7}\n'
    )
    r = CliRunner().invoke(cli, ["policy", "load", str(bare), "--jurisdiction", "35", "--dry-run"])
    assert r.exit_code == 1, r.output
    assert "row 0 (dibao.public_notice_days for 35 from 2024-01-01)" in r.output
    assert "legal basis" in r.output


def test_a_series_never_confirmed_says_so() -> None:
    """The refusal once read "confirmed only until None"."""
    policy = Policy.create()
    admin = Actor("admin-35", Role.ADMIN, "35")
    policy.set_value(
        name="dibao.public_notice_days",
        jurisdiction="35",
        raw_value=7,
        legal_basis="示例",
        ctx=Context(date(2024, 1, 1), admin),
    )
    with pytest.raises(RuleViolation) as refused:
        policy.snapshot("350102", date(2024, 3, 1)).count("dibao.public_notice_days")
    assert "is never confirmed, not for 2024-03-01" in str(refused.value)
    assert "None" not in str(refused.value)
