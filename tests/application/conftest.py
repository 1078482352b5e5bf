"""Fixtures the application tests share: the views and the payroll over the ``casework`` under test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views


@pytest.fixture
def views(casework: Casework) -> Iterator[Views]:
    v = Views(casework)
    yield v
    v.close()


@pytest.fixture
def payroll(casework: Casework, views: Views) -> Payroll:
    return Payroll(casework, views)
