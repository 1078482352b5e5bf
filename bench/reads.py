"""Reads: statistics and roll exports over HTTP at N households, and one household with ten years of
monthly history reconstructed by the auditor (``Auditor.household_at``) as known at an instant and
in effect on a date."""

from __future__ import annotations

import contextlib
import time
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import httpx

from application import commands
from bench.api_writes import SECRET
from bench.common import Latencies
from domain.errors import DomainError
from domain.values import Role


def _token(role: Role, jurisdiction: str) -> str:
    from infrastructure.tokens import TokenIssuer

    return TokenIssuer(secret=SECRET, ttl=timedelta(hours=4)).issue(f"bench-{role.value}", role, jurisdiction)


def http_latency(url: str, path: str, token: str, repeat: int, timeout: float = 900) -> dict[str, Any]:
    """p50/p99 of one GET (after one untimed warm-up), with the size of the last response."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=timeout) as http:
        http.get(path).raise_for_status()
        out, size = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            r = http.get(path)
            out.append(time.perf_counter() - t)
            r.raise_for_status()
            size = len(r.content)
    return Latencies(out).summary() | {"bytes": size}


def statistics(url: str, repeat: int) -> dict[str, Any]:
    """The report figures for the simulated year: the whole province (analyst) and the district alone."""
    province = _token(Role.ANALYST, "43")
    return {
        "province": http_latency(url, "/api/v1/statistics?from=2024-01&to=2024-12", province, repeat),
        "district": http_latency(url, "/api/v1/statistics?from=2024-01&to=2024-12&division=430112", province, repeat),
    }


def rolls(url: str, repeat_province: int, repeat_district: int) -> dict[str, Any]:
    """The dibao roll on 1 December as CSV: the province for an analyst (no names), the district for an
    approver (names and masked ID numbers decrypted)."""
    path = "/api/v1/rolls/dibao?on=2024-12-01&format=csv"
    return {
        "province_analyst": http_latency(url, path, _token(Role.ANALYST, "43"), repeat_province),
        "district_approver": http_latency(url, path, _token(Role.APPROVER, "430112"), repeat_district),
    }


# ------------------------------------------------------------ reconstruction


def build_long_household(casework: Any, years: int = 10) -> tuple[UUID, int]:
    """One household with ``years`` of monthly declarations through the application, enrolled in dibao
    for its last years with six-monthly reviews and a suspension; returns its id and event count."""
    from domain.circumstances import Assets, Circumstances, IncomeItem, IncomeKind
    from domain.members import Member, Relation
    from domain.values import Actor, AreaType, IdNumber, id_check_character

    cw, ap = Actor("bench-cw", Role.CASEWORKER, "430112"), Actor("bench-ap", Role.APPROVER, "430112")

    def person(relation: Relation, born: date, seq: int) -> Member:
        first17 = f"430112{born:%Y%m%d}{seq:03d}"
        return Member(uuid4(), "赵长青", IdNumber(first17 + id_check_character(first17)), relation)

    head, spouse = person(Relation.HEAD, date(1968, 3, 9), 871), person(Relation.SPOUSE, date(1970, 8, 2), 882)
    today = casework.clock().date()
    month = date(today.year - years, today.month, 1)
    h = casework.handle(
        commands.RegisterHousehold(
            area_type=AreaType.URBAN,
            division_code="430112001001",
            address="高塘岭街道金桥社区3栋12号",
            members=(head, spouse),
            meta=commands.Meta(actor=cw, effective_on=month),
        )
    )
    hid, eid, k = h.id, None, 0
    while month < today.replace(day=1):
        wage = Decimal(200 + (k * 37) % 900)
        means = Circumstances(incomes=(IncomeItem(head.person_id, IncomeKind.WAGES, wage),), assets=Assets())
        casework.handle(
            commands.RecordCircumstances(
                household_id=hid, circumstances=means, meta=commands.Meta(actor=cw, effective_on=month)
            )
        )
        with contextlib.suppress(DomainError):  # a refusal (say, a parameter not confirmed that far) ends nothing
            eid = _enrolment_step(casework, hid, eid, month, k, (head.person_id, spouse.person_id), cw, ap)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        k += 1
    return hid, casework.get_household(hid).version


def _enrolment_step(
    casework: Any, hid: UUID, eid: UUID | None, month: date, k: int, people: tuple[UUID, ...], cw: Any, ap: Any
) -> UUID | None:
    """Apply in February 2024; then a review every six months and now and then a suspension."""
    from domain.enrolment import TownshipOpinion
    from domain.values import Program

    if eid is None and month >= date(2024, 2, 1):
        eid, _ = casework.handle(
            commands.FileApplication(
                household_id=hid,
                program=Program.DIBAO,
                beneficiaries=people,
                meta=commands.Meta(actor=cw, effective_on=month),
            )
        )
        on = month + timedelta(days=3)
        casework.handle(
            commands.RecordTownshipReview(
                household_id=hid,
                enrolment_id=eid,
                investigated_on=on,
                findings="入户调查",
                opinion=TownshipOpinion.APPROVE,
                meta=commands.Meta(actor=cw, effective_on=on),
            )
        )
        casework.handle(
            commands.Approve(
                household_id=hid,
                enrolment_id=eid,
                meta=commands.Meta(actor=ap, effective_on=month + timedelta(days=14)),
            )
        )
    elif eid is not None and k % 6 == 0:
        casework.handle(
            commands.Review(
                household_id=hid, enrolment_id=eid, meta=commands.Meta(actor=cw, effective_on=month + timedelta(days=5))
            )
        )
    elif eid is not None and k % 17 == 0:
        casework.handle(
            commands.Suspend(
                household_id=hid,
                enrolment_id=eid,
                reason_code="NOT_REACHABLE",
                meta=commands.Meta(actor=ap, effective_on=month, reason="核查"),
            )
        )
        casework.handle(
            commands.Resume(
                household_id=hid,
                enrolment_id=eid,
                meta=commands.Meta(actor=ap, effective_on=month + timedelta(days=20)),
            )
        )
    return eid


def reconstruction(auditor: Any, hid: UUID, repeat: int) -> dict[str, Any]:
    """``household_at`` as known at an instant halfway through the history, in effect on a date halfway
    through it, and both together; p50/p99 each."""
    ledger = auditor.casework.ledger.select_ledger(hid)
    mid = ledger[len(ledger) // 2].recorded_at
    events = list(auditor.casework.repository.event_store.get(hid))
    on = events[len(events) // 2].effective_on
    cases = {"as_of": {"as_of": mid}, "effective_on": {"effective_on": on}, "both": {"as_of": mid, "effective_on": on}}
    out: dict[str, Any] = {"events": len(events)}
    for name, kwargs in cases.items():
        auditor.household_at(hid, **kwargs)
        lat = []
        for _ in range(repeat):
            t = time.perf_counter()
            auditor.household_at(hid, **kwargs)
            lat.append(time.perf_counter() - t)
        out[name] = Latencies(lat).summary()
    return out
