"""A household's payee account: a fact with an effective date, validated, changed only with a reason."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.errors import InvalidValue, NotFound
from domain.household import Household
from domain.members import Relation, RemovalCause
from domain.payee import account_number, mask_account
from domain.values import AreaType, Context
from tests.support import CASEWORKER, COMMUNITY, member

REGISTERED = date(2024, 1, 10)
CASEWORKER_ID = UUID("00000000-0000-4000-8000-000000000000")


def household() -> Household:
    members = (member(Relation.HEAD, name="赵大"), member(Relation.SPOUSE, date(1982, 2, 2), name="钱二"))
    return Household.register(
        area_type=AreaType.URBAN,
        division_code=COMMUNITY,
        address="望城区高塘岭街道1号",
        members=members,
        ctx=Context(REGISTERED, CASEWORKER),
    )


def ctx(on: date, reason: str | None = None) -> Context:
    return Context(on, CASEWORKER, reason)


@pytest.mark.parametrize("text", ["6228480123456789012", "6228 4801 2345 6789 012", "622848012345", "1" * 30])
def test_an_account_number_is_12_to_30_digits_no_luhn_check(text: str) -> None:
    assert account_number(text) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["62284801234", "1" * 31, "6228A80123456789", "", "６２２８４８０１２３４５６"])
def test_other_account_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidValue) as e:
        account_number(text)
    assert (e.value.field, e.value.rule) == ("account_number", "account-number-format")


def test_masked_shows_the_last_four_digits() -> None:
    assert mask_account("6228480123456789012") == "**** **** 9012"


def test_the_account_in_effect_on_a_date_and_a_change_with_its_reason() -> None:
    h = household()
    head, spouse = (m.person_id for m in h.members.values())
    assert h.account_on(date(2024, 3, 1)) is None
    h.record_payee_account(head, bank="农业银行", number="6228480123456789012", ctx=ctx(REGISTERED))
    with pytest.raises(InvalidValue) as e:
        h.record_payee_account(spouse, bank="建设银行", number="6217002920000000001", ctx=ctx(date(2024, 5, 1)))
    assert (e.value.field, e.value.rule) == ("reason", "reason-required")
    h.record_payee_account(spouse, bank="建设银行", number="6217002920000000001", ctx=ctx(date(2024, 5, 1), "换卡"))
    march, may = h.account_on(date(2024, 3, 1)), h.account_on(date(2024, 5, 1))
    assert march is not None
    assert march.payee_id == head
    assert march.masked() == "**** **** 9012"
    assert may is not None
    assert may.payee_id == spouse
    assert may.bank == "建设银行"
    h.remove_member(spouse, cause=RemovalCause.DEATH, review_months=1, ctx=ctx(date(2024, 6, 1)))
    assert h.payee_name(may) == "钱二"  # the bank file still names the holder of the account in effect


def test_the_payee_is_a_member_and_the_bank_is_named() -> None:
    h = household()
    head = next(iter(h.members))
    with pytest.raises(NotFound) as missing:
        h.record_payee_account(CASEWORKER_ID, bank="农业银行", number="6228480123456789012", ctx=ctx(REGISTERED))
    assert (missing.value.field, missing.value.rule) == ("payee_id", "member-known")
    with pytest.raises(InvalidValue) as bank:
        h.record_payee_account(head, bank="  ", number="6228480123456789012", ctx=ctx(REGISTERED))
    assert (bank.value.field, bank.value.rule) == ("bank", "required")
    with pytest.raises(InvalidValue) as early:
        h.record_payee_account(head, bank="农业银行", number="6228480123456789012", ctx=ctx(date(2023, 1, 1)))
    assert early.value.field == "effective_on"
