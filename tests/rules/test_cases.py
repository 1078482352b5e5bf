"""The rule case tables (``tests/rules/cases/*.yaml``): every case of every file is one test, named
``<file>:<case id>``. A policy officer adds a case by adding a row to a file (docs/rules.md)."""

from __future__ import annotations

import pytest

from tests.rules.case_tables import RULES, Case, check, load_cases

ALL = list(load_cases())


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.file}:{c.id}") for c in ALL])
def test_case(case: Case) -> None:
    """The rule's outcome on the case's inputs and parameters is what the table expects."""
    check(case)


def test_tables_are_well_formed() -> None:
    """Case ids are unique within a file, every rule named exists, and every case expects something."""
    seen = [(c.file, c.id) for c in ALL]
    assert len(seen) == len(set(seen))
    assert {c.rule for c in ALL} <= set(RULES)
    assert all(c.expect for c in ALL)
