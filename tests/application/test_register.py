"""The register of households in difficulty (低收入人口; docs/rules.md, "The register of households in
difficulty"): in by a rule (dibao, tekun, margin income, necessary expenses) or a caseworker's decision,
out by a rule or a decision; a view with history at any date, as now known or as known at an instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from api.composition import SEED_ACTOR
from application import commands
from application.audit import Auditor
from application.casework import Casework
from application.register_reads import Register
from application.views.projection import Views
from domain.circumstances import Circumstances, CostItem, CostKind, IncomeItem, IncomeKind
from domain.errors import InvalidValue, RuleViolation
from domain.members import Relation
from infrastructure.policy_seed import load_seed
from tests.application.scenarios import enrol, household
from tests.application.steps import first_with, record
from tests.support import CASEWORKER, by
from tests.support_clock import SteppingClock

#: The district's urban standard (parameters.yaml) and the margin multiplier (1.5) and expense share (1.0).
STANDARD = {date(2024, 6, 30): Decimal("750.00"), date(2024, 7, 1): Decimal("780.00")}
MARGIN, EXPENSE_SHARE = Decimal("1.5"), Decimal("1.0")


@pytest.fixture
def world(backend_env: dict[str, str]) -> Iterator[tuple[Casework, Register, SteppingClock]]:
    clock = SteppingClock()
    app = Casework(env=backend_env, clock=clock)
    app.seed_policy(load_seed(), SEED_ACTOR)
    views = Views(app)
    yield app, Register(app, Auditor(app), views, clock), clock
    views.close()
    app.close()


def wages(app: Casework, hid: UUID, amount: str, on: date, cost: str | None = None) -> None:
    """The head alone earns ``amount`` a month from ``on`` (and has medical costs of ``cost``)."""
    head = first_with(app, hid, Relation.HEAD).person_id
    costs = (CostItem(head, CostKind.MEDICAL, Decimal(cost)),) if cost else ()
    record(app, hid, Circumstances(incomes=(IncomeItem(head, IncomeKind.WAGES, Decimal(amount)),), costs=costs), on)


def decide(app: Casework, hid: UUID, on: date, enter: bool, reason: str | None = "入户核查：家庭困难") -> None:
    kind = commands.EnterRegister if enter else commands.LeaveRegister
    app.handle(kind(household_id=hid, meta=by(CASEWORKER, on, reason=reason)))


@pytest.mark.parametrize(
    ("per_capita", "on", "inside"),
    [
        # the margin limit is 1.5 × the standard in force on the date: 1125.00 in June 2024, 1170.00 from July
        ("1124.99", date(2024, 6, 30), True),
        ("1125.00", date(2024, 6, 30), False),  # strictly below
        ("1125.00", date(2024, 7, 1), True),  # the standard rose: the same income is inside from July
        ("1169.99", date(2024, 7, 1), True),
        ("1170.00", date(2024, 7, 1), False),
    ],
)
def test_the_margin_ground_at_each_boundary(
    world: tuple[Casework, Register, SteppingClock], per_capita: str, on: date, inside: bool
) -> None:
    """A household of three, the head earning 3 × ``per_capita``, is in the register on the margin ground
    when per-capita income lies strictly below 1.5 × the standard in force (an oracle from the parameters)."""
    app, register, _ = world
    hid = household(app, size=3, wages=str(Decimal(per_capita) * 3))
    limit = MARGIN * STANDARD[on]
    assert (Decimal(per_capita) < limit) is inside  # the oracle agrees with the table
    standing = register.standing_of(app.get_household(hid), on)
    assert ("margin" in standing.grounds) is inside
    assert standing.registered is inside


@pytest.mark.parametrize(("cost", "inside"), [("6000.00", False), ("6000.01", True)])
def test_the_expenses_ground(world: tuple[Casework, Register, SteppingClock], cost: str, inside: bool) -> None:
    """Necessary expenses strictly above 1.0 × the gross income (6000.00) put the household in on that ground."""
    app, register, _ = world
    hid = household(app, size=3, wages="6000.00")
    wages(app, hid, "6000.00", date(2025, 1, 1), cost=cost)
    assert (Decimal(cost) > EXPENSE_SHARE * Decimal("6000.00")) is inside
    standing = register.standing_of(app.get_household(hid), date(2025, 1, 1))
    assert ("expenses" in standing.grounds) is inside
    assert "expenses" not in register.standing_of(app.get_household(hid), date(2024, 12, 31)).grounds


def test_dibao_puts_a_household_in_and_a_decision_cannot_take_it_out(
    world: tuple[Casework, Register, SteppingClock],
) -> None:
    app, register, _ = world
    hid = household(app, size=3, wages="600.00")
    enrol(app, hid, applied_on=date(2025, 1, 15), approved_on=date(2025, 1, 27))
    h = app.get_household(hid)
    assert "dibao" in register.standing_of(h, date(2025, 3, 1)).grounds
    assert "dibao" not in register.standing_of(h, date(2025, 1, 10)).grounds
    with pytest.raises(RuleViolation) as refused:
        decide(app, hid, date(2025, 3, 1), enter=False)
    assert refused.value.rule == "register-by-enrolment"


def test_decisions_with_history_and_time_travel(world: tuple[Casework, Register, SteppingClock]) -> None:
    """Entered by a decision from 2025-02-01, taken out from 2025-04-01: in the register between; as known
    before the decision was recorded, not in it; a decision without a reason is refused."""
    app, register, clock = world
    hid = household(app, size=3, wages="6000.00")
    with pytest.raises(InvalidValue) as silent:
        decide(app, hid, date(2025, 2, 1), enter=True, reason=None)
    assert silent.value.field == "reason"
    before = clock.advance(minutes=1)
    clock.advance(minutes=1)
    decide(app, hid, date(2025, 2, 1), enter=True)
    with pytest.raises(RuleViolation):
        decide(app, hid, date(2025, 3, 1), enter=True)
    decide(app, hid, date(2025, 4, 1), enter=False, reason="核查：已有稳定收入")
    assert [e.household_id for e in register.entries("430112", date(2025, 1, 31))] == []
    [inside] = register.entries("430112", date(2025, 3, 1))
    assert (inside.household_id, inside.grounds, inside.persons) == (hid, ("decision",), 3)
    assert inside.reasons[0].legal_basis
    assert register.entries("430112", date(2025, 4, 1)) == []
    assert register.entries("430112", date(2025, 3, 1), as_of=before) == []  # not yet decided then
    assert len(register.entries("430112", date(2025, 3, 1), as_of=clock())) == 1


def test_the_registers_figures_for_a_period(world: tuple[Casework, Register, SteppingClock]) -> None:
    """January–May 2025. A: a margin household all along. B: entered by decision in February. C: a margin
    household whose income rises in April (out by the rule). D: entered in February, taken out in March.
    Oracle: at the end A and B (2 households, 6 persons; margin 1, decision 1); entered B and D; left C and D."""
    app, register, _ = world
    a = household(app, size=3, wages="3000.00")
    b = household(app, size=3, wages="6000.00")
    c = household(app, size=3, wages="3000.00")
    d = household(app, size=3, wages="6000.00")
    decide(app, b, date(2025, 2, 1), enter=True)
    wages(app, c, "6000.00", date(2025, 4, 1))
    decide(app, d, date(2025, 2, 1), enter=True)
    decide(app, d, date(2025, 3, 1), enter=False, reason="核查：已有稳定收入")
    figures = register.statistics("430112", date(2025, 1, 1), date(2025, 5, 31))
    assert figures["households"] == 2
    assert figures["persons"] == 6
    assert figures["entered"] == 2
    assert figures["left"] == 2
    assert figures["by_ground"]["margin"] == 1
    assert figures["by_ground"]["decision"] == 1
    assert {e.household_id for e in register.entries("430112", date(2025, 5, 31))} == {a, b}
