"""Importing a bureau's existing roll: check it, then bring the valid households over in batches.

``plan_roll`` reads nothing but the sheet and the store: it groups the rows into households, names
every problem (``application.roll_validation``), finds the households a previous run imported
(their ids derive from file hash, sheet and row) and the people already enrolled. ``run`` records the
households no problem refused through the command pipeline, one ``ImportRollBatch`` per batch — one
transaction each; a batch that fails is retried household by household, so one bad household
cannot keep the others out. A dry run is ``plan_roll`` and the report alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID, uuid5

from eventsourcing.persistence import IntegrityError

from application import claims
from application.base import CaseworkBase, check_jurisdiction
from application.commands import ImportRollBatch, Meta, MigratedHousehold
from application.roll_columns import columns
from application.roll_migration import recorded
from application.roll_validation import Plan, PlannedHousehold, Problem, check_rows
from domain.enrolment import FINAL
from domain.errors import DomainError, InvalidValue, RuleViolation
from domain.household_migration import MIGRATABLE
from domain.members import Member
from domain.payee import PayeeAccount
from domain.person_index import person_index_id
from domain.values import Actor, Program
from infrastructure.workbook import Sheet

if TYPE_CHECKING:
    from application.casework import Casework

Progress = Callable[[int, int], None]


@dataclass
class Outcome:
    """What a run did: households recorded now, found recorded before, and refused (by row)."""

    imported: set[UUID] = field(default_factory=set)
    before: set[UUID] = field(default_factory=set)


# ---------------------------------------------------------------------------------- checking


def plan_roll(
    app: CaseworkBase,
    sheet: Sheet,
    mapping: Mapping[str, str] | None,
    *,
    file_hash: str,
    program: Program,
    division: str,
    as_of: date,
    outcome: Outcome,
) -> Plan:
    """Every household of the sheet with its problems; ``outcome.before`` gets those imported already."""
    plan = Plan(file_hash, sheet.name, [])
    check_rows(plan, sheet.rows, columns(sheet.headings, mapping), division=division, as_of=as_of)
    standards: dict[tuple[str, str], Decimal | None] = {}
    for h in plan.households:
        if plan.refused(h):
            continue
        if recorded(app, h.source.household_id()):
            outcome.before.add(h.source.household_id())
            continue
        _check_enrolled(app, plan, h, program, as_of)
        key = (h.division_code, h.area_type.value)
        if key not in standards:
            standards[key] = _standard(app, h, as_of)
        standard = standards[key]
        if standard is not None and h.amount > standard * h.covered:
            zh = f"月保障金额{h.amount}高于标准{standard}×保障人数{h.covered}"
            en = f"amount {h.amount} above the standard {standard} × {h.covered} covered"
            plan.flag(h.source.row, Problem("amount-implausible", zh, en, refuses=False))
    return plan


def _standard(app: CaseworkBase, h: PlannedHousehold, as_of: date) -> Decimal | None:
    """The dibao standard in force for the household's division and area (None: none recorded)."""
    try:
        return app.pricing_params(h.division_code, as_of).decimal(f"dibao.standard.{h.area_type.value}")
    except RuleViolation:
        return None


def _check_enrolled(app: CaseworkBase, plan: Plan, h: PlannedHousehold, program: Program, on: date) -> None:
    """Flag each member an open enrolment of an excluding program already holds (another household's)."""
    for m in h.members:
        index = claims.person_index(app, person_index_id(m.id_number, app.index_key))
        for c in index.conflicting(program):
            other = app.get_household(c.household_id)
            e = other.enrolments.get(c.enrolment_id)
            if e is not None and e.status_on(on) not in (None, *FINAL):
                zh, en = f"此人已享受{c.program}", f"already enrolled in {c.program} (household {c.household_id})"
                plan.flag(m.row, Problem("already-enrolled", zh, en))
                break


# ---------------------------------------------------------------------------------- recording


def migrated(h: PlannedHousehold) -> MigratedHousehold:
    """The command's data for one checked household."""
    members = tuple(
        Member(person_id=_person_id(h, m.row), name=m.name, id_number=m.id_number, relation=m.relation)
        for m in h.members
    )
    a = h.account
    return MigratedHousehold(
        source=h.source,
        area_type=h.area_type,
        division_code=h.division_code,
        address=h.address,
        members=members,
        monthly_amount=h.amount,
        approved_on=h.approved_on,
        account=PayeeAccount(_person_id(h, a.row), a.bank, a.account_number) if a is not None else None,
    )


def _person_id(h: PlannedHousehold, row: int) -> UUID:
    """A member's id, derived like the household's from the source: the same row, the same person id."""
    return uuid5(h.source.household_id(), f"row {row}")


def run(
    app: Casework,
    plan: Plan,
    outcome: Outcome,
    *,
    actor: Actor,
    program: Program,
    as_of: date,
    batch_size: int = 200,
    progress: Progress | None = None,
) -> Outcome:
    """Record every household no problem refused and no earlier run recorded, in batches."""
    todo = [h for h in plan.households if not plan.refused(h) and h.source.household_id() not in outcome.before]
    total = sum(len(h.rows) for h in plan.households)
    done = total - sum(len(h.rows) for h in todo)
    if progress:
        progress(done, total)
    meta = Meta(actor=actor, effective_on=as_of, reason=f"imported from roll {plan.file_hash[:12]}, sheet {plan.sheet}")
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        try:
            outcome.imported.update(app.handle(_batch(meta, program, batch)))
        except (DomainError, IntegrityError):  # one household's failure keeps no other out
            _one_by_one(app, plan, outcome, meta, program, batch)
        done += sum(len(h.rows) for h in batch)
        if progress:
            progress(done, total)
    return outcome


def _batch(meta: Meta, program: Program, batch: list[PlannedHousehold]) -> ImportRollBatch:
    return ImportRollBatch(meta=meta, program=program, households=tuple(migrated(h) for h in batch))


def _one_by_one(
    app: Casework,
    plan: Plan,
    outcome: Outcome,
    meta: Meta,
    program: Program,
    batch: list[PlannedHousehold],
) -> None:
    """A batch failed: record its households one at a time and name on its row why any is refused."""
    for h in batch:
        try:
            outcome.imported.update(app.handle(_batch(meta, program, [h])))
        except DomainError as e:
            plan.flag(h.source.row, Problem("import-refused", f"导入被拒绝：{e.message}", f"{e.rule}: {e.message}"))
        except IntegrityError:
            zh, en = "导入时与其他写入冲突，请重新运行", "another write saved one of its people first; run again"
            plan.flag(h.source.row, Problem("import-conflict", zh, en))


# ---------------------------------------------------------------------------------- the whole run


@dataclass(frozen=True, slots=True)
class RollRequest:
    """What the caller asks: the program, the district the roll belongs to, its as-of date, who asks."""

    program: Program
    division: str
    as_of: date
    actor: Actor
    dry_run: bool = False
    batch_size: int = 200


def _check_ready(app: CaseworkBase, request: RollRequest) -> None:
    """Refuse before reading a row what no household could pass: a program a roll cannot bring over
    yet, or a district without the parameters that schedule its reviews (the parameter is named)."""
    if request.program not in MIGRATABLE:
        raise InvalidValue(
            f"a roll of {request.program} cannot be imported yet", field="program", rule="program-migratable"
        )
    params = app.pricing_params(request.division, request.as_of)
    for name in ("dibao.review_months.stable", "dibao.review_months.other"):
        params.count(name)  # raises parameter-missing naming it


def import_roll(
    app: Casework,
    sheet: Sheet,
    file_hash: str,
    request: RollRequest,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> tuple[Plan, Outcome]:
    """Check the sheet and, unless a dry run, record the households no problem refused."""
    app.check_date(request.as_of, "as_of")
    check_jurisdiction(request.actor, request.division)
    _check_ready(app, request)
    outcome = Outcome()
    plan = plan_roll(
        app,
        sheet,
        mapping,
        file_hash=file_hash,
        program=request.program,
        division=request.division,
        as_of=request.as_of,
        outcome=outcome,
    )
    if not request.dry_run:
        run(
            app,
            plan,
            outcome,
            actor=request.actor,
            program=request.program,
            as_of=request.as_of,
            batch_size=request.batch_size,
            progress=progress,
        )
    return plan, outcome
