"""Credentials: userids, phone numbers, PIN rules (the lock-outs are in test_guards)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from core.accounts import (
    PhoneNumberError,
    base_userid,
    check_pin,
    marshal_by_phone,
    normalise_phone,
    pin_problem,
)
from tests.core.helpers import marshal


def test_a_userid_is_first_initial_and_last_name_in_lower_case() -> None:
    assert base_userid("Toby", "Padegenis") == "tpadegenis"
    assert base_userid("José", "O'Brien-Núñez") == "jobriennunez"


@pytest.mark.parametrize("raw", ["(860) 555-0190", "860.555.0190", "+1 860 555 0190",
                                 "18605550190"])
def test_phone_numbers_are_stored_in_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+18605550190"


def test_a_number_that_is_not_a_phone_is_refused() -> None:
    with pytest.raises(PhoneNumberError):
        normalise_phone("12")


def test_a_registered_phone_finds_its_marshal_in_any_format(session: Session) -> None:
    found = marshal_by_phone(session, "(860) 555-0190")
    assert found is not None and found.smc_number == "903"
    assert marshal_by_phone(session, "+18605559999") is None


@pytest.mark.parametrize(("pin", "ok"), [("246810", True), ("13579246", True), ("12345", False),
                                         ("123456789", False), ("123456", False),
                                         ("111111", False), ("987654", False), ("12a456", False)])
def test_a_phone_pin_is_six_to_eight_digits_and_not_trivial(pin: str, ok: bool) -> None:
    assert (pin_problem(pin) is None) is ok


def test_a_pin_hashed_with_older_parameters_is_upgraded_at_sign_in(session: Session) -> None:
    from argon2 import PasswordHasher

    toby = marshal(session)
    toby.pin_hash = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("246810")
    assert check_pin(session, toby, "246810", "PHONE").ok
    assert "m=19456,t=2,p=1" in (toby.pin_hash or "")
    assert check_pin(session, toby, "246810", "PHONE").ok
