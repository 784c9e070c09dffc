"""Credentials: userids, phone numbers, PIN rules (the lock-outs are in test_guards)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from core.accounts import (
    PhoneNumberError,
    base_userid,
    check_password,
    check_pin,
    hash_pin,
    hash_secret,
    marshal_by_phone,
    normalise_phone,
    pin_matches,
    pin_problem,
    set_pin,
)
from core.services import Services, running
from tests.core.helpers import marshal


def test_a_userid_is_first_initial_and_last_name_in_lower_case() -> None:
    assert base_userid("Toby", "Padegenis") == "tpadegenis"
    assert base_userid("José", "O'Brien-Núñez") == "jobriennunez"


@pytest.mark.parametrize(
    "raw", ["(860) 555-0190", "860.555.0190", "+1 860 555 0190", "18605550190"]
)
def test_phone_numbers_are_stored_in_e164(raw: str) -> None:
    assert normalise_phone(raw) == "+18605550190"


def test_a_number_that_is_not_a_phone_is_refused() -> None:
    with pytest.raises(PhoneNumberError):
        normalise_phone("12")


def test_a_registered_phone_finds_its_marshal_in_any_format(session: Session) -> None:
    found = marshal_by_phone(session, "(860) 555-0190")
    assert found is not None and found.smc_number == "903"
    assert marshal_by_phone(session, "+18605559999") is None


@pytest.mark.parametrize(
    ("pin", "ok"),
    [
        ("246810", True),
        ("13579246", True),
        ("12345", False),
        ("123456789", False),
        ("123456", False),
        ("111111", False),
        ("987654", False),
        ("12a456", False),
    ],
)
def test_a_phone_pin_is_six_to_eight_digits_and_not_trivial(pin: str, ok: bool) -> None:
    assert (pin_problem(pin) is None) is ok


@pytest.mark.parametrize(
    "old",
    [
        PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4),  # the first parameters
        PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1),  # the Argon2id of before
    ],
)
def test_an_argon2_pin_hash_is_upgraded_to_the_keyed_hash_at_sign_in(
    session: Session, old: PasswordHasher
) -> None:
    toby = marshal(session)
    toby.pin_hash = old.hash("246810")
    assert not check_pin(session, toby, "135790", "PHONE").ok
    assert (toby.pin_hash or "").startswith("$argon2")  # a wrong PIN changes nothing
    assert check_pin(session, toby, "246810", "PHONE").ok
    assert (toby.pin_hash or "").startswith("hmac-sha256$")
    assert check_pin(session, toby, "246810", "PHONE").ok
    assert not check_pin(session, toby, "135790", "PHONE").ok


def test_a_pin_is_kept_as_a_keyed_hash_with_a_salt_of_its_own(session: Session) -> None:
    toby, other = marshal(session), marshal(session, smc="417")
    set_pin(toby, "246810")
    set_pin(other, "246810")
    scheme, salt, digest = (toby.pin_hash or "").split("$")
    assert scheme == "hmac-sha256" and len(bytes.fromhex(salt)) == 16 and len(digest) == 64
    assert toby.pin_hash != other.pin_hash  # the same PIN, another account: another hash
    assert "246810" not in (toby.pin_hash or "")
    assert pin_matches(toby.pin_hash, "246810") and not pin_matches(toby.pin_hash, "246811")
    assert check_pin(session, toby, "246810", "PHONE").ok


def test_a_stolen_pin_hash_is_useless_without_the_pepper(
    session: Session, services: Services
) -> None:
    toby = marshal(session)
    set_pin(toby, "246810")
    with running(services.but(settings=services.settings.but(pin_pepper="another-pepper"))):
        assert not pin_matches(toby.pin_hash, "246810")
    assert pin_matches(toby.pin_hash, "246810")


@pytest.mark.parametrize(
    "stored", ["hmac-sha256$zz$00", "hmac-sha256$", "hmac-sha256$00$", "nonsense", ""]
)
def test_an_unreadable_pin_hash_never_matches(stored: str) -> None:
    assert not pin_matches(stored, "246810")


def test_a_password_is_still_argon2id_and_never_a_keyed_hash(session: Session) -> None:
    toby = marshal(session)
    toby.password_hash = hash_secret("Correct1horse")
    assert (toby.password_hash or "").startswith("$argon2id$")
    assert check_password(session, toby, "Correct1horse").ok
    toby.password_hash = hash_pin("Correct1horse")
    assert not check_password(session, toby, "Correct1horse").ok
