"""The register of households in difficulty (低收入人口) on a date: who is in it, and on which grounds.

A household is in the register on a date on any of these grounds (docs/rules.md, "The register of
households in difficulty"):

- ``dibao`` / ``tekun``: an enrolment of the program pays on the date (active or in gradual exit);
- ``margin``: with its means declared, the household's per-capita counted income (the dibao count:
  who counts, which income is excluded, the costs deducted) lies strictly below
  ``dibao.margin_multiplier`` × the dibao standard (低保边缘家庭);
- ``expenses``: its members' necessary expenses (the declared medical and disability costs) exceed
  ``register.expense_share`` × their gross monthly income (刚性支出困难家庭);
- ``decision``: a caseworker entered it by a decision in force on the date.

A caseworker's decision taking it out holds against ``margin``, ``expenses`` and an earlier entry
decision, not against an enrolment: a household on dibao or tekun is in the register while it is.
Pure: the household's facts in effect on the date, its decisions, the parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from domain.assessment import Reason, ReasonCatalogue
from domain.enrolment import PAYABLE
from domain.facts import HouseholdFacts
from domain.household_register_events import RegisterDecision
from domain.policy import ParameterSnapshot, ParameterValue
from domain.rules.dibao.facts import DibaoFacts, DibaoParameters
from domain.rules.dibao.income import counted_income, per_capita_income
from domain.rules.dibao.members import counted_members, member_status
from domain.values import ZERO, Program

DIBAO, TEKUN, MARGIN, EXPENSES, DECISION = "dibao", "tekun", "margin", "expenses", "decision"
GROUNDS = (DIBAO, TEKUN, MARGIN, EXPENSES, DECISION)

_GUIDANCE = "《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》(2023年10月)"
CATALOGUE = ReasonCatalogue(
    {
        f"{_GUIDANCE} 低收入人口范围 (最低生活保障对象、特困人员)": ("REGISTER_DIBAO", "REGISTER_TEKUN"),
        f"{_GUIDANCE} 低保边缘家庭；《最低生活保障审核确认办法》(民发〔2021〕57号)": ("REGISTER_MARGIN",),
        f"{_GUIDANCE} 刚性支出困难家庭": ("REGISTER_EXPENSES",),
        f"{_GUIDANCE} 动态监测 (乡镇人民政府、街道办事处核实认定)": ("REGISTER_DECISION", "REGISTER_LEFT_BY_DECISION"),
    }
)


@dataclass(frozen=True, slots=True)
class Standing:
    """Whether the household is in the register on ``on``, on which grounds, and why (with the legal basis)."""

    on: date
    grounds: tuple[str, ...]
    reasons: tuple[Reason, ...]
    parameters: tuple[ParameterValue, ...]

    @property
    def registered(self) -> bool:
        return bool(self.grounds)


def decision_on(decisions: Sequence[RegisterDecision], on: date) -> RegisterDecision | None:
    """The caseworker's decision in force on a date (the latest effective by then; a tie: the later recorded)."""
    found = None
    for d in decisions:
        if d.effective_on <= on:
            found = d
    return found


def enrolled_on(h: HouseholdFacts, program: Program, on: date) -> bool:
    """An enrolment of the program pays on the date."""
    return any(e.program == program and e.status_on(on) in PAYABLE for e in h.enrolments.values())


def _declared(h: HouseholdFacts, on: date) -> bool:
    return any(effective <= on for effective, _ in h.circumstances)


def _means(h: HouseholdFacts, on: date, params: ParameterSnapshot) -> list[Reason]:
    """The margin and expenses grounds, from the declared means in effect on the date."""
    if not _declared(h, on):
        return []
    p = DibaoParameters.read(params, h.area_type)
    means = h.circumstances_on(on)
    facts = DibaoFacts(h.area_type, tuple(h.members.values()), means, tuple(h.members), on)
    counted = counted_members(facts, member_status(facts, p.adult_age)).value
    found = []
    if counted:
        per_capita = per_capita_income(counted_income(means, counted, p.excluded_kinds).value, len(counted))
        if per_capita < p.margin_limit:
            found.append(
                CATALOGUE.reason(
                    "REGISTER_MARGIN",
                    f"per-capita income {per_capita:.2f} is below the margin limit {p.margin_limit:.2f}"
                    f" ({p.margin_multiplier} × standard {p.standard})",
                )
            )
    if "register.expense_share" not in params.values:  # a store seeded before the register: no such ground yet
        return found
    share = params.decimal("register.expense_share")
    gross = sum((i.monthly_amount for i in means.incomes if i.person_id in h.members), ZERO)
    costs = sum((c.monthly_amount for c in means.costs if c.person_id in h.members), ZERO)
    if costs > 0 and costs > share * gross:
        found.append(
            CATALOGUE.reason(
                "REGISTER_EXPENSES",
                f"necessary expenses {costs:.2f} a month exceed {share} × gross income {gross:.2f}",
            )
        )
    return found


def standing(h: HouseholdFacts, decisions: Sequence[RegisterDecision], on: date, params: ParameterSnapshot) -> Standing:
    """The household's place in the register on ``on`` (``h``: its facts in effect on that date)."""
    reasons: list[Reason] = []
    if enrolled_on(h, Program.DIBAO, on):
        reasons.append(CATALOGUE.reason("REGISTER_DIBAO", "a dibao enrolment pays on this date"))
    if enrolled_on(h, Program.TEKUN, on):
        reasons.append(CATALOGUE.reason("REGISTER_TEKUN", "a tekun enrolment pays on this date"))
    judged = _means(h, on, params)
    decision = decision_on(decisions, on)
    if decision is not None and decision.entered:
        judged.append(
            CATALOGUE.reason("REGISTER_DECISION", f"entered by {decision.decided_by} from {decision.effective_on}")
        )
    if decision is not None and not decision.entered:
        left = f"taken out by {decision.decided_by} from {decision.effective_on}: {decision.reason}"
        judged = [CATALOGUE.reason("REGISTER_LEFT_BY_DECISION", left)]
    reasons.extend(judged)
    grounds = tuple(g for g in GROUNDS if f"REGISTER_{g.upper()}" in {r.code for r in reasons})
    return Standing(on, grounds, tuple(reasons), params.used_values())
