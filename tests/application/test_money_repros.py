"""The reproductions of the money defects found by walking a district through a year (docs/money.md).

Each test computes its expected amounts by hand from the seed's parameters (urban standard 750.00 in
2024, 780.00 from 2024-07-01) and the facts it records; each failed before what is due became a pure
function of the month's facts, parameters and decisions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.application import AggregateNotFoundError

from application import commands
from application.audit import Auditor
from application.casework import Casework
from application.payroll import Payroll
from application.views.projection import Views
from application.views.reports import Reports
from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
from domain.enrolment import TownshipOpinion
from domain.household import Household
from domain.members import Relation, RemovalCause
from domain.payroll import PayrollMonth, payroll_id
from domain.rules.children import ParentSituation, ParentStatus
from domain.values import Actor, AreaType, Program, Role
from tests.application.scenarios import enrol, household, month_firsts
from tests.support import APPROVER, CASEWORKER, COMMUNITY, by, fixed_clock, member, pay, payee_account

D = Decimal
ADMIN = Actor("ad-1", Role.ADMIN, "430112")


@pytest.fixture
def views(casework: Casework) -> Iterator[Views]:
    v = Views(casework)
    yield v
    v.close()


@pytest.fixture
def payroll(casework: Casework, views: Views) -> Payroll:
    return Payroll(casework, views)


def raise_urban(casework: Casework, to: str, on: date, request_id: str | None = None) -> int:
    """Record a new urban standard for the district and run the re-computation; returns changes recorded."""
    value = casework.handle(
        commands.SetParameter(
            name="dibao.standard.urban",
            jurisdiction="430112",
            value=to,
            legal_basis="测试：城市低保标准调整",
            meta=by(ADMIN, on, reason="标准调整", request_id=request_id),
        )
    )
    return len(casework.recalculate(value, ADMIN, request_id=request_id).recorded)


def changes(casework: Casework, hid: UUID) -> list[Household.EntitlementChanged]:
    return [e for e in casework.repository.event_store.get(hid) if isinstance(e, Household.EntitlementChanged)]


def paid(casework: Casework, month: date, eid: UUID) -> tuple[Decimal, int] | None:
    """What the month's payroll paid the enrolment, and to how many beneficiaries."""
    try:
        pm = casework.repository.get(payroll_id(month, "430112"))
    except AggregateNotFoundError:  # the month's payroll found nothing to pay
        return None
    assert isinstance(pm, PayrollMonth)
    payment = pm.paid.get(eid)
    return None if payment is None else (payment.amount, len(payment.beneficiaries))


def test_reviewed_before_a_raise_and_approved_after_it_is_paid_at_the_new_standard(casework: Casework) -> None:
    """Township review on 20 June at 780, a raise to 850 from 1 July recorded, approval on 3 July: August pays
    (850 − 400) × 3 = 1350.00, recorded as an explained change caused by the parameter."""
    hid = household(casework, registered_on=date(2025, 1, 10))  # 3 persons, wages 1200.00: per capita 400.00
    eid = enrol(casework, hid, applied_on=date(2025, 6, 15))  # township review on 20 June
    review = casework.get_household(hid).enrolment(eid).township_review
    assert review is not None
    assert review.assessment.monthly_amount == D("1140.00")  # (780 − 400) × 3
    raise_urban(casework, "850.00", date(2025, 7, 1))
    casework.handle(commands.Approve(household_id=hid, enrolment_id=eid, meta=by(APPROVER, date(2025, 7, 3))))
    e = casework.get_household(hid).enrolment(eid)
    assert e.benefits_from == date(2025, 8, 1)
    assert e.amount_on(date(2025, 8, 1)) == D("1350.00")
    (change,) = [c for c in changes(casework, hid) if c.effective_on == date(2025, 8, 1)]
    assert (change.cause, change.previous_amount, change.monthly_amount) == ("parameter", D("1140.00"), D("1350.00"))
    assert "dibao.standard.urban" in (change.reason or "")
    explained = Auditor(casework).explain(hid, change.decision_id)
    assert explained["recomputation"]["reproduced"] is True
    assert explained["recomputation"]["monthly_amount"] == "1350.00"


def test_a_death_leaves_the_payroll_line_the_roll_and_the_statistics(
    casework: Casework, payroll: Payroll, views: Views
) -> None:
    """The spouse dies on 10 March, reported after June's payroll: April–June are recovered, and from July
    the payment, the roll and the statistics count two beneficiaries, not three."""
    hid = household(casework)  # head, spouse, child; wages 1200.00
    eid = enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    for month in month_firsts(date(2024, 3, 1), date(2024, 6, 1)):
        payroll.handle(pay(month, APPROVER))
    spouse = next(m for m in casework.get_household(hid).members.values() if m.relation is Relation.SPOUSE)
    casework.handle(
        commands.RemoveMember(
            household_id=hid,
            person_id=spouse.person_id,
            cause=RemovalCause.DEATH,
            meta=by(CASEWORKER, date(2024, 3, 10)),
        )
    )
    run = payroll.handle(pay(date(2024, 7, 1), APPROVER))
    # from April two counted members, per capita 600.00: (750 − 600) × 2 = 300.00; July (780 − 600) × 2 = 360.00
    assert paid(casework, date(2024, 7, 1), eid) == (D("360.00"), 2)
    assert run.corrections == 3
    roll = views.store.roll("dibao", date(2024, 7, 1), "430112")
    assert spouse.person_id not in {r.person_id for r in roll if r.household_id == hid}
    assert {r.beneficiaries_count for r in roll if r.household_id == hid} == {2}
    july = Reports(views, fixed_clock).statistics("2024-07", "2024-07", None, APPROVER)
    assert (july["household_months"], july["person_months"], july["funds"]) == (1, 2, "360.00")
    settled = payroll.corrections_between(date(2024, 7, 1), date(2024, 7, 1), "430112")
    assert settled["recoveries"] == str(3 * (D("1050.00") - D("300.00")))


def test_an_unsupported_childs_top_up_falls_when_the_dibao_share_rises(casework: Casework) -> None:
    """The child's dibao share rises with the July raise (750 → 780), so the top-up falls from 650 to 620."""
    lost = (ParentStatus(ParentSituation.DEAD, date(2020, 1, 1)),)
    jailed = (ParentStatus(ParentSituation.SERVING_SENTENCE, date(2022, 1, 1)),)
    grandma = member(Relation.HEAD, date(1958, 1, 1))
    child = member(Relation.GRANDCHILD, date(2015, 1, 1), support_duty=True)
    h = casework.handle(
        commands.RegisterHousehold(
            area_type=AreaType.URBAN,
            division_code=COMMUNITY,
            address="某街道1号",
            members=(grandma, child),
            meta=by(CASEWORKER, date(2024, 1, 10)),
        )
    )
    casework.handle(
        commands.RecordParents(
            household_id=h.id,
            person_id=child.person_id,
            father=jailed,
            mother=lost,
            meta=by(CASEWORKER, date(2024, 1, 11)),
        )
    )
    dibao = enrol(casework, h.id, applied_on=date(2024, 1, 12), approved_on=date(2024, 1, 26))
    eid, _ = casework.handle(
        commands.FileApplication(
            household_id=h.id,
            program=Program.UNSUPPORTED_CHILD,
            beneficiaries=(child.person_id,),
            terms={"placement": "community"},
            meta=by(CASEWORKER, date(2024, 2, 1)),
        )
    )
    casework.handle(
        commands.RecordTownshipReview(
            household_id=h.id,
            enrolment_id=eid,
            investigated_on=date(2024, 2, 2),
            findings="属实",
            opinion=TownshipOpinion.APPROVE,
            meta=by(CASEWORKER, date(2024, 2, 2)),
        )
    )
    casework.handle(commands.Approve(household_id=h.id, enrolment_id=eid, meta=by(APPROVER, date(2024, 2, 3))))
    got = casework.get_household(h.id)
    assert got.enrolment(dibao).amount_on(date(2024, 6, 1)) == D("1500.00")  # 750 × 2, the child's share 750
    assert got.enrolment(eid).amount_on(date(2024, 6, 1)) == D("650.00")  # 1400 − 750
    assert got.enrolment(dibao).amount_on(date(2024, 7, 1)) == D("1560.00")  # 780 × 2, the child's share 780
    assert got.enrolment(eid).amount_on(date(2024, 7, 1)) == D("620.00")  # 1400 − 780
    (july,) = [c for c in changes(casework, h.id) if c.enrolment_id == eid and c.effective_on == date(2024, 7, 1)]
    assert july.cause == "dependency"


def test_a_child_turning_18_is_not_paid_for_the_next_month_without_the_calendar_job(
    casework: Casework, payroll: Payroll
) -> None:
    """An orphan turns 18 on 10 August: August is paid, September's payroll (run on 25 August, no tick) is not."""
    guardian, child = member(Relation.HEAD, date(1960, 1, 1)), member(Relation.GRANDCHILD, date(2006, 8, 10))
    h = casework.handle(
        commands.RegisterHousehold(
            area_type=AreaType.URBAN,
            division_code=COMMUNITY,
            address="某街道1号",
            members=(guardian, child),
            meta=by(CASEWORKER, date(2024, 1, 10)),
        )
    )
    casework.handle(payee_account(h.id, guardian.person_id, date(2024, 1, 10)))
    lost = (ParentStatus(ParentSituation.DEAD, date(2010, 1, 1)),)
    casework.handle(
        commands.RecordParents(
            household_id=h.id,
            person_id=child.person_id,
            father=lost,
            mother=lost,
            meta=by(CASEWORKER, date(2024, 1, 11)),
        )
    )
    eid, _ = casework.handle(
        commands.FileApplication(
            household_id=h.id,
            program=Program.ORPHAN,
            beneficiaries=(child.person_id,),
            terms={"placement": "community"},
            meta=by(CASEWORKER, date(2024, 1, 15)),
        )
    )
    casework.handle(
        commands.RecordTownshipReview(
            household_id=h.id,
            enrolment_id=eid,
            investigated_on=date(2024, 1, 16),
            findings="属实",
            opinion=TownshipOpinion.APPROVE,
            meta=by(CASEWORKER, date(2024, 1, 16)),
        )
    )
    casework.handle(commands.Approve(household_id=h.id, enrolment_id=eid, meta=by(APPROVER, date(2024, 1, 17))))
    payroll.handle(pay(date(2024, 8, 1), APPROVER))
    payroll.handle(pay(date(2024, 9, 1), APPROVER))
    assert paid(casework, date(2024, 8, 1), eid) == (D("1400.00"), 1)
    assert paid(casework, date(2024, 9, 1), eid) is None
    (aged,) = [c for c in changes(casework, h.id) if c.effective_on == date(2024, 9, 1)]
    assert (aged.cause, aged.eligible, aged.monthly_amount) == ("age", False, D("0.00"))


def test_a_correction_is_explained_month_by_month_and_reproduced(casework: Casework, payroll: Payroll) -> None:
    """Wages rose from 1 April, reported after June's payroll: the settlement explains April–June each on its own
    month's facts, and the re-computation reproduces every month."""
    hid = household(casework)
    eid = enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    for month in month_firsts(date(2024, 3, 1), date(2024, 6, 1)):
        payroll.handle(pay(month, APPROVER))
    head = next(m for m in casework.get_household(hid).members.values() if m.relation is Relation.HEAD)
    casework.handle(
        commands.RecordCircumstances(
            household_id=hid,
            circumstances=Circumstances(
                incomes=(IncomeItem(head.person_id, IncomeKind.WAGES, D("1500.00")),),
                assets=Assets(financial=D("1000")),
            ),
            meta=by(CASEWORKER, date(2024, 4, 1)),
        )
    )
    payroll.handle(pay(date(2024, 7, 1), APPROVER))
    (settled,) = [e for e in casework.repository.event_store.get(hid) if isinstance(e, Household.PaymentsSettled)]
    assert [(c.month, c.paid, c.due) for c in settled.months] == [
        (date(2024, m, 1), D("1050.00"), D("750.00"))
        for m in (4, 5, 6)  # (750 − 500) × 3
    ]
    explained = Auditor(casework).explain(hid, settled.decision_id)
    assert explained["event"] == "PaymentsSettled"
    assert [a["assessed_on"] for a in explained["assessments"]] == [f"2024-0{m}-01" for m in (4, 5, 6)]
    assert explained["recomputation"]["reproduced"] is True
    assert [m["monthly_amount"] for m in explained["recomputation"]["months"]] == ["750.00"] * 3
    assert casework.get_household(hid).enrolment(eid).amount_on(date(2024, 7, 1)) == D("840.00")  # (780 − 500) × 3


def test_a_parameter_change_records_its_request_and_actor(casework: Casework) -> None:
    """The changes a new standard brings carry the admin who set it and the request that carried it."""
    hid = household(casework)
    enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    # July 2025, and February 2030 (the first child turns 18 and leaves the count: re-priced at 850 too)
    assert raise_urban(casework, "850.00", date(2025, 7, 1), request_id="req-raise-2025") == 2
    new = [c for c in changes(casework, hid) if c.request_id == "req-raise-2025"]
    assert [c.effective_on for c in new] == [date(2025, 7, 1), date(2030, 2, 1)]
    assert {(c.actor.user_id, c.cause) for c in new} == {("ad-1", "parameter")}
    assert new[0].monthly_amount == D("1350.00")  # (850 − 400) × 3
    assert new[1].monthly_amount == D("500.00")  # (850 − 1200.00 / 2) × 2: head and spouse only


def test_a_raise_recorded_while_an_application_waits_is_priced_on_it(casework: Casework) -> None:
    """docs/rules.md: a standard change re-computes reviewed applications too, with an explicit change effective on
    its date; an application the township advised rejecting, or one not yet reviewed, has nothing to price."""
    waiting = household(casework, registered_on=date(2025, 1, 10))
    eid = enrol(casework, waiting, applied_on=date(2025, 6, 15))  # reviewed 20 June: 1140.00 from July if approved
    refused = household(casework, registered_on=date(2025, 1, 10))
    other, _ = casework.handle(
        commands.FileApplication(
            household_id=refused,
            program=Program.DIBAO,
            beneficiaries=tuple(casework.get_household(refused).members),
            meta=by(CASEWORKER, date(2025, 6, 15)),
        )
    )
    casework.handle(
        commands.RecordTownshipReview(
            household_id=refused,
            enrolment_id=other,
            investigated_on=date(2025, 6, 20),
            findings="不属实",
            opinion=TownshipOpinion.REJECT,
            meta=by(CASEWORKER, date(2025, 6, 20)),
        )
    )
    # July 2025, and February 2030 when the first child turns 18 (priced at 850 too)
    assert raise_urban(casework, "850.00", date(2025, 7, 1), request_id="req-raise") == 2
    (change, _) = [c for c in changes(casework, waiting) if c.request_id == "req-raise"]
    assert (change.enrolment_id, change.effective_on, change.cause) == (eid, date(2025, 7, 1), "parameter")
    assert (change.previous_amount, change.monthly_amount) == (D("1140.00"), D("1350.00"))
    assert not changes(casework, refused)
    e = casework.get_household(waiting).enrolment(eid)
    assert e.amount_on(date(2025, 7, 1)) == D("0.00")  # nothing is paid before an approval


def test_a_month_settled_once_is_settled_again_when_what_is_due_changes_back(
    casework: Casework, payroll: Payroll
) -> None:
    """Wages were higher in April–June (reported after June's payroll): July's payroll recovers 300.00 a month;
    the April declaration is then withdrawn (a later record for the same date wins) while every payment
    already matches what is due: August's payroll still pays the 300.00 a month back."""
    hid = household(casework)
    enrol(casework, hid, applied_on=date(2024, 1, 15), approved_on=date(2024, 2, 2))
    for month in month_firsts(date(2024, 3, 1), date(2024, 6, 1)):
        payroll.handle(pay(month, APPROVER))
    head = next(m for m in casework.get_household(hid).members.values() if m.relation is Relation.HEAD)

    def wages(amount: str, on: date) -> None:
        casework.handle(
            commands.RecordCircumstances(
                household_id=hid,
                circumstances=Circumstances(
                    incomes=(IncomeItem(head.person_id, IncomeKind.WAGES, D(amount)),),
                    assets=Assets(financial=D("1000")),
                ),
                meta=by(CASEWORKER, on),
            )
        )

    wages("1500.00", date(2024, 4, 1))
    wages("1200.00", date(2024, 7, 1))
    payroll.handle(pay(date(2024, 7, 1), APPROVER))  # pays July (780 − 400) × 3, recovers April–June
    wages("1200.00", date(2024, 4, 1))  # the April declaration withdrawn
    payroll.handle(pay(date(2024, 8, 1), APPROVER))
    settled = [e for e in casework.repository.event_store.get(hid) if isinstance(e, Household.PaymentsSettled)]
    assert [[(c.month.month, c.paid, c.due) for c in s.months] for s in settled] == [
        [(m, D("1050.00"), D("750.00")) for m in (4, 5, 6)],  # (750 − 500) × 3
        [(m, D("750.00"), D("1050.00")) for m in (4, 5, 6)],  # (750 − 400) × 3 again
    ]
    assert [s.amount_from for s in settled] == [date(2024, 7, 1), date(2024, 8, 1)]
