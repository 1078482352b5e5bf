"""The birthdays that matter: the ages at which a program's rules may answer differently, derived from
the parameters in force (``person.*`` and the school extension ages), for re-computing what is due."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from domain.policy import ParameterSnapshot
from domain.rules.elderly.codes import BANDS
from domain.values import Program

#: Ages at which a program's rules may change their answer, by program.
Ages = dict[Program, frozenset[int]]


def _extension_age(params: ParameterSnapshot, name: str) -> frozenset[int]:
    """A school extension age in force, if any (no statutory value: a locality sets it or not)."""
    value = params.values.get(name)
    return frozenset() if value is None else frozenset({int(value.value)})  # type: ignore[arg-type]


def ages_that_matter(params: ParameterSnapshot) -> Ages:
    """The birthdays at which the rules in force may answer differently: dibao counts a child as a minor
    until ``person.adult_age``; tekun looks at ``person.working_age``, the adult age, the school extension
    age and ``person.elderly_age``; the children's programs at the adult age and their extension age; the
    elderly allowance at each band's age (paid from the month after: ``change_months`` adds that month);
    the home-care subsidy at ``home_care.min_age``."""
    adult = params.count_in_force("person.adult_age")
    working, elderly = params.count_in_force("person.working_age"), params.count_in_force("person.elderly_age")
    children = frozenset({adult}) | _extension_age(params, "children.school_extension_age")
    return {
        Program.DIBAO: frozenset({adult}),
        Program.TEKUN: frozenset({working, adult, elderly}) | _extension_age(params, "tekun.school_extension_age"),
        Program.ORPHAN: children,
        Program.UNSUPPORTED_CHILD: children,
        Program.ELDERLY_ALLOWANCE: _counts(params, *(f"elderly_allowance.age.{band}" for band in BANDS)),
        Program.HOME_CARE_SUBSIDY: _counts(params, "home_care.min_age"),
    }


def _counts(params: ParameterSnapshot, *names: str) -> frozenset[int]:
    """The ages among ``names`` with a value in force (a store without the series has none)."""
    return frozenset(int(v.value) for name in names if (v := params.values.get(name)) is not None)  # type: ignore[arg-type]


def ages_in_force(params_for: Callable[[date], ParameterSnapshot], param_dates: Iterable[date]) -> Ages:
    """Every age that matters under any parameters in force for the household: values change only on the
    dates a value takes effect, so the snapshots on those dates (and the statutory ages before) cover all."""
    ages: dict[Program, frozenset[int]] = {}
    for day in (date.min, *param_dates):
        for program, found in ages_that_matter(params_for(day)).items():
            ages[program] = ages.get(program, frozenset()) | found
    return ages
