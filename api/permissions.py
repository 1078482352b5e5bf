"""Which roles may call which operation: the one table the API enforces (``api.deps.current_actor``).

Every route's operation id is either in ``PERMISSIONS`` or in ``PUBLIC``; the matrix test walks the
live OpenAPI schema and fails on a route missing from both. README's "Who may do what" is rendered
from this table (``python -m api.permission_table``) and a test keeps the two equal.
"""

from __future__ import annotations

from domain.values import Role

CASEWORK = frozenset({Role.CASEWORKER})
DECIDE = frozenset({Role.APPROVER})
READ_PERSONAL = frozenset({Role.CASEWORKER, Role.APPROVER, Role.AUDITOR})
ADMIN = frozenset({Role.ADMIN})
AGENCY = frozenset({Role.AGENCY})  # machine clients of other agencies: the DCI lookups only
ANYONE = frozenset(Role) - {Role.SYSTEM, Role.AGENCY}

#: operation id → roles allowed.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "register_household": CASEWORK,
    "get_household": READ_PERSONAL,
    "search_households": READ_PERSONAL,
    "add_member": CASEWORK,
    "change_member": CASEWORK,
    "remove_member": CASEWORK,
    "record_circumstances": CASEWORK,
    "record_payee_account": CASEWORK,
    "record_residence": CASEWORK,
    "apply": CASEWORK,
    "get_enrolment": READ_PERSONAL,
    "withdraw_application": CASEWORK,
    "record_township_review": CASEWORK,
    "approve": DECIDE,
    "reject": DECIDE,
    "extend_decision_deadline": DECIDE,
    "review": CASEWORK | DECIDE,
    "suspend": DECIDE,
    "resume": DECIDE,
    "terminate": DECIDE,
    "correct_payments": DECIDE,
    "household_history": READ_PERSONAL,
    "explain_decision": READ_PERSONAL,
    "verify_store": frozenset({Role.AUDITOR, Role.ADMIN}),
    "access_log": frozenset({Role.AUDITOR}),
    "assess_care": CASEWORK,
    "record_disability_certificate": CASEWORK,
    "record_parents": CASEWORK,
    "grant_temporary": CASEWORK | DECIDE,
    "run_tick": DECIDE | ADMIN,
    "get_parameters": ANYONE,
    "set_parameter": ADMIN,
    "confirm_parameter": ADMIN,
    "set_parameters": ADMIN,
    "confirm_parameters": ADMIN,
    "policy_readiness": ANYONE,
    "run_payroll": DECIDE,
    "read_payroll": frozenset({Role.APPROVER, Role.AUDITOR}),
    "download_bank_file": DECIDE,  # the full account numbers: only for the approvers who hand it to the bank
    "read_roll": READ_PERSONAL | {Role.ANALYST},  # analysts get aggregate cells, small ones suppressed
    "read_statistics": ANYONE,
    "read_worklist": CASEWORK | DECIDE,
    "resolve_national_finding": CASEWORK,
    "import_roll": ADMIN,  # a bureau's roll uploaded (POST /api/v1/imports/roll)
    "dci_search": AGENCY,  # DCI IBR sync/search: by ID number, logged with the client's registered purpose
    "dci_enrolled": AGENCY,  # DCI IBR sync/enrolled
    "read_register": READ_PERSONAL,
    "register_statistics": READ_PERSONAL,
    "enter_register": CASEWORK,
    "leave_register": CASEWORK,
    "get_notice": READ_PERSONAL,
    "dismiss_notice": CASEWORK,
}

#: Operations anyone may call without a token: liveness, readiness and the metrics (no personal data in any:
#: expose them on the internal network only).
PUBLIC: frozenset[str] = frozenset({"healthz", "readyz", "metrics"})

#: Roles that may ask for whole ID numbers (``?reveal=id_number``, logged with its purpose); others see them masked.
REVEAL_ID_NUMBER: frozenset[Role] = frozenset({Role.CASEWORKER, Role.APPROVER})
