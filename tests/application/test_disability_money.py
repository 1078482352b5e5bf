"""What the two disability subsidies pay, month by month, against an oracle written here from the test's
own log of facts and parameter values (nothing read from the rules under test), on every backend:
a certificate lapsing and renewed at a lower grade, a parameter change, the household's dibao ending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from application import commands
from application.casework import Casework
from domain.disability import DisabilityCertificate
from domain.enrolment import Status
from domain.members import DisabilityKind, Relation
from domain.values import Actor, Program, Role
from tests.application.steps import apply_for, approved, decide, earning, record, register
from tests.support import CASEWORKER, by, member

D = Decimal
ADMIN = Actor("admin-1", Role.ADMIN, "43")


@dataclass(frozen=True)
class Cert:
    """The oracle's record of a certificate: in effect from ``effective``."""

    effective: date
    category: str
    grade: int
    issued: date
    until: date


# The test's parameters (the seed district's values, and one change it makes): amount by grade.
LIVING = {1: D("100.00"), 2: D("100.00"), 3: D("80.00"), 4: D("80.00")}
CARE = {1: D("120.00"), 2: D("100.00"), 3: D("80.00"), 4: D("80.00")}
CARE_GRADE_3_FROM_OCTOBER = (date(2024, 10, 1), D("90.00"))
LESSER = {"intellectual", "mental"}
CERTS = (
    Cert(date(2024, 1, 10), "intellectual", 2, date(2023, 6, 1), date(2024, 7, 15)),
    Cert(date(2024, 8, 20), "intellectual", 3, date(2024, 8, 20), date(2026, 8, 19)),  # renewal, a lower grade
)
DIBAO_FROM, DIBAO_UNTIL = date(2024, 2, 1), date(2025, 1, 1)  # approved; its termination takes effect


def oracle(program: str, month: date) -> Decimal:
    """What the rules of docs/rules.md give for a month, from the log above alone."""
    if month < date(2024, 3, 1):  # benefits start the month after the approval
        return D("0.00")
    in_force = [c for c in CERTS if c.effective <= month]
    if not in_force:
        return D("0.00")
    cert = in_force[-1]
    if not cert.issued <= month <= cert.until:
        return D("0.00")
    if program == "living":
        if not DIBAO_FROM <= month < DIBAO_UNTIL:
            return D("0.00")
        return LIVING[cert.grade]
    if cert.grade > 2 and cert.category not in LESSER:
        return D("0.00")
    changed, value = CARE_GRADE_3_FROM_OCTOBER
    return value if cert.grade == 3 and month >= changed else CARE[cert.grade]


def certify(app: Casework, hid: UUID, pid: UUID, c: Cert, reason: str | None = None) -> None:
    certificate = DisabilityCertificate(DisabilityKind(c.category), c.grade, "43011220120101123X12", c.issued, c.until)
    app.handle(
        commands.RecordDisabilityCertificate(
            household_id=hid, person_id=pid, certificate=certificate, meta=by(CASEWORKER, c.effective, reason=reason)
        )
    )


def months(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + m.month // 12, m.month % 12 + 1, 1)
    return out


def test_the_disability_subsidies_month_by_month_against_the_oracle(casework: Casework) -> None:
    head, spouse = member(Relation.HEAD, date(1970, 1, 1)), member(Relation.SPOUSE, date(1972, 1, 1))
    child = member(Relation.CHILD, date(2012, 1, 1))
    h = register(casework, head, spouse, child)
    record(casework, h.id, earning(head, "1200.00"))
    dibao = apply_for(casework, h.id, Program.DIBAO, head, spouse, child, on=date(2024, 1, 15))
    approved(casework, h.id, dibao, date(2024, 1, 20), DIBAO_FROM)
    certify(casework, h.id, child.person_id, CERTS[0])
    enrolments = {}
    for name, program in (("living", Program.DISABILITY_LIVING), ("care", Program.DISABILITY_CARE)):
        enrolments[name] = eid = apply_for(casework, h.id, program, child, on=date(2024, 2, 5))
        approved(casework, h.id, eid, date(2024, 2, 6), date(2024, 2, 7))
    certify(casework, h.id, child.person_id, CERTS[1], reason="换证复评为三级")
    changed, value = CARE_GRADE_3_FROM_OCTOBER
    set_value = commands.SetParameter(
        name="disability_care.amount.grade_3",
        jurisdiction="430112",
        value=str(value),
        legal_basis="区民政局 区残联 调整护理补贴标准 (示例)",
        meta=by(ADMIN, changed, reason="标准调整"),
    )
    casework.recalculate(casework.handle(set_value))
    decide(casework, commands.Terminate, h.id, dibao, date(2024, 12, 10), "INCOME_ABOVE", "收入超过标准")

    household = casework.get_household(h.id)
    assert household.enrolments[enrolments["living"]].status is Status.TERMINATED  # ended with the dibao
    for month in months(date(2024, 2, 1), date(2025, 5, 1)):
        for name, eid in enrolments.items():
            got = household.enrolments[eid].amount_on(month)
            assert got == oracle(name, month), f"{name} {month:%Y-%m}: {got} != {oracle(name, month)}"
    # the oracle's story, spelled out at its turns
    assert [oracle("care", date(2024, m, 1)) for m in (7, 8, 9, 10)] == [D("100.00"), 0, D("80.00"), D("90.00")]
    assert [oracle("living", m) for m in (date(2024, 12, 1), date(2025, 1, 1))] == [D("80.00"), 0]
