"""What a dibao assessment records of the facts it saw: plain JSON, no names and no ID numbers."""

from __future__ import annotations

from typing import Any

from domain.members import Member
from domain.rules.dibao.facts import DibaoFacts
from domain.rules.dibao.members import Status


def _member(m: Member, facts: DibaoFacts, status: Status) -> dict[str, Any]:
    return {
        "person_id": str(m.person_id),
        "relation": str(m.relation),
        "age": m.age_on(facts.on),
        "counted": status[m.person_id][0],
        "count_reason": status[m.person_id][1],
        "disability": None if m.disability is None else {"kind": str(m.disability.kind), "grade": m.disability.grade},
        "seriously_ill": m.seriously_ill,
        "labour_capacity": str(m.labour_capacity),
        "school_status": str(m.school_status),
        "absence": None if m.absence is None else str(m.absence),
        "resident": m.resident,
        "support_duty": m.support_duty,
    }


def inputs(facts: DibaoFacts, status: Status, excluded: frozenset[str]) -> dict[str, Any]:
    """The facts seen: members with their counted status, incomes, costs, assets, beneficiaries."""
    circ = facts.circumstances
    is_counted = {pid for pid, (ok, _) in status.items() if ok}
    return {
        "area_type": str(facts.area_type),
        "on": facts.on.isoformat(),
        "members": [_member(m, facts, status) for m in facts.members],
        "incomes": [
            {
                "person_id": str(i.person_id),
                "kind": str(i.kind),
                "monthly_amount": str(i.monthly_amount),
                "excluded": str(i.kind) in excluded,
                "counted": i.person_id in is_counted and str(i.kind) not in excluded,
            }
            for i in circ.incomes
        ],
        "costs": [
            {
                "person_id": str(c.person_id),
                "kind": str(c.kind),
                "monthly_amount": str(c.monthly_amount),
                "deducted": c.person_id in is_counted,
            }
            for c in circ.costs
        ],
        "assets": {
            "financial": str(circ.assets.financial),
            "vehicle_value": str(circ.assets.vehicle_value),
            "dwellings": circ.assets.dwellings,
        },
        "beneficiaries": [str(b) for b in dict.fromkeys(facts.beneficiaries)],
    }
