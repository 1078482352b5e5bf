"""A synthetic district, simulated month by month through the application (never raw SQL).

Seeded and deterministic: the same seed gives the same households, facts, decisions and payments
(the ids the domain draws for enrolments and decisions differ). ``application.demo_people`` draws
the people; this module lives their year: each month the payroll runs first (in July after the
re-computation for the 1 July standard raise), new households register and apply, the township
reviews and the county decides, enrolments due are reviewed (some after a new declaration), and
about one household in a hundred changes — suspensions and resumptions, terminations, births,
deaths, temporary grants — and each quarter the calendar job closes what the calendar decides
(children at 18, gradual exits run out). Refusals by the rules are counted, never fatal.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from application import commands as cmd
from application.casework import Casework
from application.demo_changes import APPROVER, Case, DemoReport, DistrictBase
from application.demo_disability import DisabilityDemo
from application.demo_elderly import register_elderly
from application.demo_people import Family, People
from application.payroll import Payroll
from application.views.projection import Views
from domain.enrolment import Status, TownshipOpinion
from domain.rules.children import ParentSituation, ParentStatus
from domain.values import Actor, Program, first_of_next_month

Progress = Callable[[str, int, int], None]  # (what, steps done, steps in all)
DEMO_BANK = "中国农业银行长沙望城支行"


class District(DistrictBase):
    """Generates and simulates one district for a year."""

    def __init__(
        self,
        app: Casework,
        *,
        payroll: Payroll | None = None,
        seed: int = 20240101,
        households: int = 2000,
        year: int = 2024,
    ):
        self.app, self.n, self.year = app, households, year
        self._own_views: Views | None = None  # made (and closed after the run) when no payroll is given
        if payroll is None:
            self._own_views = Views(app)
            payroll = Payroll(app, self._own_views)
        self.payroll = payroll
        self.rng = random.Random(seed)
        self.people = People(self.rng, year)
        self.report = DemoReport()
        self.families: dict[UUID, Family] = {}  # registration order
        self.pending: list[tuple[UUID, UUID, date, bool, Actor]] = []  # household, enrolment, decision day, eligible
        self.cases: dict[UUID, Case] = {}  # enrolment id → case, in approval order
        self.suspended: list[tuple[Case, date]] = []  # resumed on that day
        self.disability = DisabilityDemo(self._do, seed, APPROVER)  # certificates and the disability subsidies

    def run(self, progress: Progress | None = None) -> DemoReport:
        started = time.perf_counter()
        months = [date(self.year, m, 1) for m in range(1, 13)]
        arrivals = Counter(self.rng.choices(range(12), weights=[40] + [5] * 11, k=self.n))
        total, done = self.n + len(months), 0
        try:
            for i, month in enumerate(months):
                if month.month == 7:
                    self._raise_standards(month)
                self._pay(month)
                for _ in range(arrivals[i]):
                    self._new_household(month)
                    done += 1
                    if progress and done % 25 == 0:
                        progress(f"{month:%Y-%m} registering", done, total)
                self._decide(month)
                self._review(month)
                self._changes(month)
                if month.month % 3 == 0:  # the calendar job, quarterly: children at 18, gradual exits ended
                    self.report.closed += len(self.app.tick(first_of_next_month(month) - timedelta(days=1)).recorded)
                done += 1
                if progress:
                    progress(f"{month:%Y-%m} done", done, total)
        finally:
            if self._own_views is not None:
                self._own_views.close()
        self.report.seconds = time.perf_counter() - started
        return self.report

    # ------------------------------------------------------- the year's jobs

    def _raise_standards(self, month: date) -> None:
        """Re-compute every open enrolment for the parameter values that take effect this month."""
        values = [v for v in self.app.policy().values if v.effective_from == month]
        for value in values:
            self.app.recalculate(value)
        if values:  # values known in advance were priced by each decision: count every enrolment they changed
            for hid in self.app.household_ids():
                for e in self.app.get_household(hid).enrolments.values():
                    entry = e.entitlement_on(month)
                    if entry is not None and entry.effective_on == month and entry.cause == "parameter":
                        self.report.adjusted += 1

    def _pay(self, month: date) -> None:
        run = self.payroll.handle(cmd.RunPayroll(meta=cmd.Meta(actor=APPROVER, effective_on=month)))
        self.report.payroll[f"{month:%Y-%m}"] = (run.issued, run.issued_amount)

    # -------------------------------------------------- applications, decisions

    def _new_household(self, month: date) -> None:
        fam = self.people.family()
        cw, day = fam.place.caseworker, self._day(month, 0, 20)
        h = self.app.handle(
            cmd.RegisterHousehold(
                area_type=fam.place.area_type,
                division_code=fam.place.division_code,
                address=fam.place.address,
                members=fam.members,
                meta=cmd.Meta(actor=cw, effective_on=day),
            )
        )
        self.families[h.id] = fam
        self.report.households += 1
        self.report.commands += 1
        self._do(
            cmd.RecordCircumstances(
                household_id=h.id, circumstances=fam.circumstances, meta=cmd.Meta(actor=cw, effective_on=day)
            )
        )
        self._do(  # the account the payroll credits, held by the head (numbers from the count: no draw)
            cmd.RecordPayeeAccount(
                household_id=h.id,
                payee_id=fam.members[0].person_id,
                bank=DEMO_BANK,
                account_number=f"622848{self.report.households:013d}",
                meta=cmd.Meta(actor=cw, effective_on=day),
            )
        )
        register_elderly(self, h.id, fam, cw, day)  # residents aged 60+; the elderly allowance from 80
        applied = day + timedelta(days=2)
        program, beneficiaries, terms = self._program_facts(h.id, fam, cw, day)
        got = self._do(
            cmd.FileApplication(
                household_id=h.id,
                program=program,
                beneficiaries=beneficiaries,
                terms=terms,
                meta=cmd.Meta(actor=cw, effective_on=applied),
            )
        )
        if got is not None:
            self._township_review(h.id, got[0], applied, cw)

    def _township_review(self, hid: UUID, eid: UUID, applied: date, cw: Actor) -> None:
        """The township's investigation a few days after the application; the approval waits for its notice."""
        review_on = self._day(applied, 3, 12)
        reviewed = self._do(
            cmd.RecordTownshipReview(
                household_id=hid,
                enrolment_id=eid,
                investigated_on=review_on,
                findings="入户调查：核实家庭人口、收入和财产状况",
                opinion=TownshipOpinion.APPROVE,
                meta=cmd.Meta(actor=cw, effective_on=review_on),
            )
        )
        if reviewed is None:
            return
        e = reviewed[1].enrolment(eid)
        eligible = e.last_assessment is not None and e.last_assessment.eligible
        notice_ends = e.township_review.notice_ends if e.township_review else None
        self.pending.append((hid, eid, self._day(notice_ends or review_on, 1, 10), eligible, cw))

    def _program_facts(
        self, hid: UUID, fam: Family, cw: Actor, day: date
    ) -> tuple[Program, tuple[UUID, ...], dict[str, Any]]:
        """Record what the family's program looks at (care, parents) and say what to apply for."""
        head = fam.members[0]
        beneficiaries: tuple[UUID, ...]
        if fam.kind == "tekun":
            self._do(
                cmd.AssessCare(
                    household_id=hid,
                    person_id=head.person_id,
                    unable_activities=self.people.care_needs(),
                    meta=cmd.Meta(actor=cw, effective_on=day),
                )
            )
            program, beneficiaries = Program.TEKUN, (head.person_id,)
            arrangement = "concentrated" if self.rng.random() < 0.25 else "dispersed"
            terms: dict[str, Any] = {"arrangement": arrangement, "has_capable_supporter": False}
        elif fam.kind == "child":
            child = fam.members[1]
            dead = (ParentStatus(ParentSituation.DEAD, self.people.birth(1, 4)),)
            away = (
                ParentStatus(
                    self.rng.choice((ParentSituation.SERVING_SENTENCE, ParentSituation.OUT_OF_CONTACT)),
                    date(self.year - self.rng.randint(1, 4), self.rng.randint(1, 12), 1),
                ),
            )
            orphan = self.rng.random() < 0.4
            father, mother = (dead, dead) if orphan else (dead, away) if self.rng.random() < 0.5 else (away, away)
            self._do(
                cmd.RecordParents(
                    household_id=hid,
                    person_id=child.person_id,
                    father=father,
                    mother=mother,
                    meta=cmd.Meta(actor=cw, effective_on=day),
                )
            )
            program = Program.ORPHAN if orphan else Program.UNSUPPORTED_CHILD
            beneficiaries, terms = (child.person_id,), {"placement": "community"}
        else:
            program, beneficiaries, terms = Program.DIBAO, tuple(m.person_id for m in fam.members), {}
        return program, beneficiaries, terms

    def _decide(self, month: date) -> None:
        """The county decides every application whose notice ended by this month's end."""
        month_end, later = first_of_next_month(month) - timedelta(days=1), []
        for hid, eid, when, eligible, cw in self.pending:
            if when > month_end:
                later.append((hid, eid, when, eligible, cw))
                continue
            if eligible:
                got = self._do(
                    cmd.Approve(household_id=hid, enrolment_id=eid, meta=cmd.Meta(actor=APPROVER, effective_on=when))
                )
                if got is not None:
                    self.report.approved += 1
                    self.cases[eid] = Case(hid, eid, cw, got[1].enrolment(eid).next_review_due)
                    self._follow_subsidies(hid, eid, when, cw, got[1])
                    program = str(got[1].enrolment(eid).program)
            else:
                got = self._do(
                    cmd.Reject(
                        household_id=hid,
                        enrolment_id=eid,
                        reason_code="NOT_ELIGIBLE",
                        meta=cmd.Meta(actor=APPROVER, effective_on=when, reason="经审核不符合条件"),
                    )
                )
                if got is not None:
                    self.report.rejected += 1
                    program = str(got[1].enrolment(eid).program)
            if got is not None:
                self.report.decided[program] = self.report.decided.get(program, 0) + 1
        self.pending = later

    # ------------------------------------------------------ reviews, changes

    def _review(self, month: date) -> None:
        """Review every followed enrolment due by this month's end; a third declare new means first."""
        month_end = first_of_next_month(month) - timedelta(days=1)
        for case in [c for c in self.cases.values() if c.due is not None and c.due <= month_end]:
            day = min(month_end, max(case.due or month, self._day(month, 0, 24)))
            fam = self.families[case.household_id]
            if self.rng.random() < 0.35:
                h = self.app.get_household(case.household_id)
                means = self.people.means(tuple(h.members.values()), fam.place, on=day)
                self._do(
                    cmd.RecordCircumstances(
                        household_id=case.household_id,
                        circumstances=means,
                        meta=cmd.Meta(actor=case.caseworker, effective_on=day),
                    )
                )
            got = self._do(
                cmd.Review(
                    household_id=case.household_id,
                    enrolment_id=case.enrolment_id,
                    meta=cmd.Meta(actor=case.caseworker, effective_on=day),
                )
            )
            if got is None:
                case.due = None  # left for the worklist
                continue
            e = got[1].enrolment(case.enrolment_id)
            status = str(e.status)
            self.report.reviews[status] = self.report.reviews.get(status, 0) + 1
            if e.status is Status.TERMINATED:
                del self.cases[case.enrolment_id]
            else:
                case.due = e.next_review_due if e.status is not Status.GRADUAL_EXIT else None
