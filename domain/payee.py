"""Where a household's benefit is paid: the payee (a member) and the account at a bank.

A bank batch file credits an account held by a named person, so the account holder is a member of
the household. The number is checked for what every Chinese bank's debit card and passbook number
has in common — digits only, 12 to 30 of them; a Luhn check digit is not universal among them, so it
is not required. Outside the payroll bank file the number is shown masked (``**** **** 1234``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from domain.errors import InvalidValue

ACCOUNT_DIGITS = re.compile(r"[0-9]{12,30}")
MAX_BANK_NAME = 60


@dataclass(frozen=True, slots=True)
class PayeeAccount:
    """The account a household's payments are credited to, held by the payee (a member)."""

    payee_id: UUID
    bank: str
    account_number: str

    def masked(self) -> str:
        return mask_account(self.account_number)


def mask_account(number: str) -> str:
    """The account number with all but its last four digits hidden: ``**** **** 1234``."""
    return "**** **** " + number[-4:]


def account_number(text: str) -> str:
    """The number as banks print it (spaces between groups allowed), checked: 12–30 digits."""
    number = re.sub(r"[\s-]", "", text)
    if not ACCOUNT_DIGITS.fullmatch(number):
        raise InvalidValue("an account number is 12 to 30 digits", field="account_number", rule="account-number-format")
    return number


def bank_name(text: str) -> str:
    """The bank (开户银行) as the bureau writes it: required, at most 60 characters."""
    name = text.strip()
    if not name:
        raise InvalidValue("the bank is named", field="bank", rule="required")
    if len(name) > MAX_BANK_NAME:
        raise InvalidValue(f"a bank name is at most {MAX_BANK_NAME} characters", field="bank", rule="max-length")
    return name
