"""Parameters: the seed file holds each parameter's metadata beside its dated values, in step with the
kinds the domain checks values by; the legal ages have statutory values for stores without them."""

from __future__ import annotations

from datetime import date

import pytest

from domain.policy import CATALOGUE, STATUTORY_DEFAULTS, ParameterSnapshot, ParameterValue
from infrastructure.policy_seed import load_catalogue, load_seed

ON = date(2024, 7, 1)


def test_every_parameter_has_its_metadata_in_the_seed() -> None:
    """Each parameter the rules read has a kind, unit, description and legal basis in the seed file,
    and the seed describes no parameter the domain does not know."""
    catalogue = load_catalogue()
    assert set(catalogue) == set(CATALOGUE)
    for name, info in catalogue.items():
        assert (info.kind, info.unit) == (str(CATALOGUE[name][0]), CATALOGUE[name][1]), name
        assert info.description.strip(), name
        assert info.legal_basis.strip(), name


def test_every_parameter_has_a_dated_value() -> None:
    """Every parameter in the seed has at least one dated value, each naming its legal basis."""
    rows = load_seed()
    assert {r["name"] for r in rows} == set(CATALOGUE)
    assert all(r["legal_basis"].strip() and isinstance(r["effective_from"], date) for r in rows)


@pytest.mark.parametrize("name", sorted(STATUTORY_DEFAULTS))
def test_statutory_defaults_are_the_seeded_values(name: str) -> None:
    """The value a store without the series falls back to is the value the seed sets."""
    seeded = [r["value"] for r in load_seed() if r["name"] == name]
    assert seeded == [STATUTORY_DEFAULTS[name]]


@pytest.mark.parametrize("name", sorted(STATUTORY_DEFAULTS))
def test_a_store_without_the_series_reads_the_statutory_value(name: str) -> None:
    """No value in force (an old store, a hand-built policy): the statutory value, recorded as nothing —
    neither refused as missing nor held to a confirmation."""
    snapshot = ParameterSnapshot(division_code="430112001", on=ON, values={}, confirmed={})
    assert snapshot.count(name) == STATUTORY_DEFAULTS[name]
    assert snapshot.count_in_force(name) == STATUTORY_DEFAULTS[name]
    assert snapshot.used_values() == ()


def test_a_series_in_force_wins_over_the_statutory_value() -> None:
    """A value in force is read, and recorded as used by ``count`` (not by ``count_in_force``)."""
    value = ParameterValue("person.adult_age", "43", date(2021, 1, 1), 17, "test basis")
    snapshot = ParameterSnapshot(division_code="430112001", on=ON, values={value.name: value})
    assert snapshot.count_in_force("person.adult_age") == 17
    assert snapshot.used_values() == ()
    assert snapshot.count("person.adult_age") == 17
    assert snapshot.used_values() == (value,)
