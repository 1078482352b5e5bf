"""The README's event catalogue names every event the domain can record (so it cannot drift)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from domain.household import Household
from domain.payroll import PayrollMonth
from domain.person_index import PersonIndex
from domain.policy import Policy

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def event_names() -> list[str]:
    names = []
    for aggregate in (Household, Policy, PersonIndex, PayrollMonth):
        for name, value in vars(aggregate).items():
            if inspect.isclass(value) and issubclass(value, aggregate.Event) and name not in ("Event", "Created"):
                names.append(f"{aggregate.__name__}.{name}")
    return names


@pytest.mark.parametrize("qualified", event_names())
def test_every_event_is_in_the_readme(qualified: str) -> None:
    """Each event class appears in the README's event table."""
    aggregate, name = qualified.split(".")
    assert f"| {aggregate} | `{name}` |" in README
