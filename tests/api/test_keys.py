"""Secrets and keys (issue #12, points 5 and 6): no start outside --dev with a public built-in key,
and no token lives longer than the configured maximum."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from api import cli as cli_module
from api.cli import cli
from api.server import DevelopmentKeys, create
from infrastructure.settings import Settings

KEYS = ("JIUZHU_TOKEN_SECRET", "JIUZHU_CIPHER_KEY", "JIUZHU_INDEX_KEY")
REAL = {
    "JIUZHU_TOKEN_SECRET": "a-real-token-secret-of-at-least-32-bytes",
    "JIUZHU_CIPHER_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "JIUZHU_INDEX_KEY": "a-real-index-key-of-at-least-32-bytes-long",
}


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Calls that reached uvicorn.run (recorded, not served)."""
    calls: list[Any] = []
    monkeypatch.setattr(cli_module.uvicorn, "run", lambda *a, **kw: calls.append(a))
    return calls


def serve(*args: str, **env: str | None) -> Any:
    base: dict[str, str | None] = {"JIUZHU_DATABASE": "memory", "JIUZHU_DEV": None, **dict.fromkeys(KEYS)}
    return CliRunner().invoke(cli, ["serve", *args], env={**base, **env})


def test_serve_without_dev_refuses_every_development_key(served: list[Any]) -> None:
    """With no keys set, ``jiuzhu serve`` exits 2 naming each variable and how to make a value; nothing is served."""
    result = serve()
    assert result.exit_code == 2, result.output
    for name in KEYS:
        assert name in result.output
    assert "jiuzhu secret" in result.output
    assert "jiuzhu cipher-key" in result.output
    assert served == []


@pytest.mark.parametrize("left", KEYS)
def test_one_development_key_left_is_enough_to_refuse(served: list[Any], left: str) -> None:
    """Each of the three keys alone at its built-in value stops the start, and only it is named."""
    result = serve(**{**REAL, left: None})
    assert result.exit_code == 2, result.output
    assert left in result.output
    assert all(name not in result.output for name in KEYS if name != left)
    assert served == []


def test_serve_starts_with_real_keys_or_in_dev_mode(served: list[Any]) -> None:
    """Real keys start without --dev; --dev (what ``make run`` uses) still starts on the built-in ones."""
    assert serve(**REAL).exit_code == 0
    assert serve("--dev", "--demo-households", "0").exit_code == 0
    assert len(served) == 2


def test_worker_factory_refuses_development_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """``uvicorn --factory api.server:create`` refuses the built-in keys unless JIUZHU_DEV is set."""
    for name in (*KEYS, "JIUZHU_DEV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JIUZHU_DATABASE", "memory")
    with pytest.raises(DevelopmentKeys, match="JIUZHU_TOKEN_SECRET"):
        create()
    monkeypatch.setenv("JIUZHU_DEV", "true")
    create()


def test_development_keys_name_nothing_once_all_are_set() -> None:
    """Settings with their own three keys report no development key."""
    settings = Settings(
        token_secret=REAL["JIUZHU_TOKEN_SECRET"],
        cipher_key=REAL["JIUZHU_CIPHER_KEY"],
        index_key=REAL["JIUZHU_INDEX_KEY"],
        _env_file=None,  # type: ignore[call-arg]
    )
    assert settings.development_keys() == []
