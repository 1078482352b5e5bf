"""Which roles may call which operation. The full matrix grows with the product (issue 6)."""

from __future__ import annotations

from domain.values import Role

CASEWORK = frozenset({Role.CASEWORKER})
DECIDE = frozenset({Role.APPROVER})
READ_PERSONAL = frozenset({Role.CASEWORKER, Role.APPROVER, Role.AUDITOR})
ADMIN = frozenset({Role.ADMIN})
ANYONE = frozenset(Role) - {Role.SYSTEM}

#: operation id → roles allowed.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "register_household": CASEWORK,
    "get_household": READ_PERSONAL,
    "add_member": CASEWORK,
    "change_member": CASEWORK,
    "remove_member": CASEWORK,
    "record_circumstances": CASEWORK,
    "apply": CASEWORK,
    "withdraw_application": CASEWORK,
    "record_township_review": CASEWORK,
    "approve": DECIDE,
    "reject": DECIDE,
    "review": CASEWORK | DECIDE,
    "suspend": DECIDE,
    "resume": DECIDE,
    "terminate": DECIDE,
    "household_history": READ_PERSONAL,
    "explain_decision": READ_PERSONAL,
    "verify_store": frozenset({Role.AUDITOR, Role.ADMIN}),
    "access_log": frozenset({Role.AUDITOR}),
    "assess_care": CASEWORK,
    "record_parents": CASEWORK,
    "grant_temporary": CASEWORK | DECIDE,
    "run_tick": DECIDE | ADMIN,
    "get_parameters": ANYONE,
    "set_parameter": ADMIN,
}
