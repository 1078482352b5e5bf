"""A scenario that touches every place personal data could end up: events, index, ledger, access log,
idempotency keys, views, payroll — with names and ID numbers distinctive enough to search for."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from domain.values import Role
from tests.api.helpers import API, apply, decide, household_path, person_ids, registration, township_review
from tests.support import member_json

NAMES = ("欧阳明远", "司马秀兰", "欧阳小雨", "诸葛新生")


@dataclass
class Personal:
    """What the scenario registered: search the store and the logs for these."""

    names: tuple[str, ...] = NAMES
    id_numbers: list[str] = field(default_factory=list)
    household_id: str = ""
    account_number: str = "6228480402871234567"  # the bank account: encrypted at rest, never logged

    def needles(self) -> list[str]:
        """Names, whole ID numbers (also their first 17 digits) and the account number, as written and as
        JSON escapes them."""
        plain = [*self.names, *self.id_numbers, *(n[:17] for n in self.id_numbers), self.account_number]
        return [*plain, *(json.dumps(n)[1:-1] for n in self.names)]


def bearer(client: TestClient, role: str, user: str) -> dict[str, str]:
    tokens = client.app.state.services.tokens  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {tokens.issue(user, Role(role), '430112')}"}


def ok(r: Any, *statuses: int) -> Any:
    assert r.status_code in (statuses or (200,)), r.text
    return r


def run_scenario(client: TestClient) -> Personal:
    """Register, declare, apply, review, approve, pay, read (revealed and masked), add a member, export."""
    cw, ap = bearer(client, "caseworker", "cw-p"), bearer(client, "approver", "ap-p")
    auditor, analyst = bearer(client, "auditor", "au-p"), bearer(client, "analyst", "an-p")
    members = [
        member_json("head", date(1962, 3, 1), name=NAMES[0]),
        member_json("spouse", date(1964, 6, 15), name=NAMES[1]),
        member_json("child", date(2012, 9, 1), name=NAMES[2]),
    ]
    person = Personal(id_numbers=[m["id_number"] for m in members])
    body = registration(members=members)
    h = ok(client.post(f"{API}/households", json=body, headers={**cw, "Idempotency-Key": "p-reg"}), 201).json()
    ok(client.post(f"{API}/households", json=body, headers={**cw, "Idempotency-Key": "p-reg"}), 201)  # a replay
    hid = person.household_id = h["household_id"]
    pids = person_ids(h)
    wages = {
        "effective_on": "2024-01-15",
        "incomes": [{"person_id": pids[0], "kind": "wages", "monthly_amount": "300.00"}],
    }
    ok(client.put(f"{household_path(hid)}/circumstances", json=wages, headers=cw))
    eid = ok(apply(client, cw, hid, pids, "2024-01-20"), 201).json()["enrolment"]["enrolment_id"]
    ok(township_review(client, cw, hid, eid, "2024-01-25"))
    ok(decide(client, ap, hid, eid, "approval", "2024-02-01"))
    account = {"payee_id": pids[0], "bank": "中国农业银行", "account_number": person.account_number}
    account_headers = {**cw, "Idempotency-Key": "p-account"}
    ok(
        client.put(
            f"{household_path(hid)}/payee-account",
            json={**account, "effective_on": "2024-01-15"},
            headers=account_headers,
        )
    )
    newborn = {
        "effective_on": "2024-05-02",
        "cause": "birth",
        "member": member_json("child", date(2024, 5, 1), name=NAMES[3]),
    }
    person.id_numbers.append(newborn["member"]["id_number"])
    ok(client.post(f"{household_path(hid)}/members", json=newborn, headers={**cw, "Idempotency-Key": "p-birth"}), 201)
    bad = registration(members=[{**members[0], "id_number": person.id_numbers[0][:17] + "0"}])
    client.post(f"{API}/households", json=bad, headers=cw)  # refused (duplicate or bad check character)
    revealed = {**cw, "X-Purpose": "check the ID card"}
    ok(client.get(household_path(hid), params={"reveal": "id_number"}, headers=revealed))
    ok(client.get(household_path(hid), headers=auditor))
    ok(client.get(f"{household_path(hid)}/history", headers=auditor))
    ok(client.post(f"{API}/payroll/2024-03", headers=ap))
    ok(client.get(f"{API}/payroll/2024-03", params={"format": "csv"}, headers=ap))
    bank_file = ok(client.get(f"{API}/payroll/2024-03/bank-file", headers=ap))
    assert person.account_number in bank_file.text  # the one answer that carries it in full
    ok(client.get(f"{API}/rolls/dibao", params={"on": "2024-03-01"}, headers=cw))
    ok(client.get(f"{API}/rolls/dibao", params={"on": "2024-03-01"}, headers=analyst))
    ok(client.get(f"{API}/statistics", params={"from": "2024-01", "to": "2024-06"}, headers=analyst))
    ok(client.get(f"{API}/audit/access-log", headers=auditor))
    return person
