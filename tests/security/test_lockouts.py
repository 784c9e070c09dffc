"""Lock-outs that cannot be turned on others (#14 item 1), and second-factor guessing that stays
bounded whatever correct passwords come between (item 4)."""

from __future__ import annotations

from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import guards
from core.models import AuditEvent
from core.settings import Settings
from ivr import prompts
from tests.ivr.driver import Phone
from tests.web.conftest import (
    MARSHAL_PASSWORD,
    STAFF_PASSWORD,
    by_userid,
    give_password,
    post_form,
    sign_in,
)

STRANGER = "+15555550123"


def _audited(session: Session, kind: str, source: str | None = None) -> int:
    toby = by_userid(session, "tpadegenis")
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.kind == kind, AuditEvent.marshal_id == toby.id)
    ).all()
    return sum(1 for row in rows if source is None or row.detail.get("source") == source)


def _guess_from_a_stranger(client: FlaskClient, guesses: int) -> list[str]:
    """Call as an unregistered phone, key 903 and wrong PINs until ``guesses`` are keyed."""
    heard, keyed = [], 0
    while keyed < guesses:
        call = Phone(client, caller=STRANGER, verstat="").dial()
        if call.hung_up:
            heard.append(call.text)
            keyed += 1  # refused before the PIN: it counts as an attempt made
            continue
        call.press("903")
        while not call.hung_up and keyed < guesses:
            call.press(f"{100000 + keyed * 7919:06d}")
            keyed += 1
        heard.append(call.text)
    return heard


def test_twenty_wrong_pins_from_a_stranger_leave_903_free_on_his_phone_and_the_web(
    settings: Settings, connection: Any, session: Session
) -> None:
    from tests.security.test_limits import _limited

    app = _limited(settings, connection, rate_ivr=Settings.rate_ivr)  # the default limit
    client = app.test_client()
    heard = _guess_from_a_stranger(client, 20)
    assert any("locked for now" in text for text in heard)  # the source was slowed down…
    assert any("too many calls from your number" in text for text in heard)  # …and stopped
    assert _audited(session, "sign_in_failed", guards.OTHER_PHONE) == 5  # at most 10 a day
    assert _audited(session, "sign_in_locked", guards.OTHER_PHONE) == 1
    assert _audited(session, "sign_in_refused_locked") >= 1
    assert session.scalar(select(AuditEvent).where(AuditEvent.kind == "rate_limited"))
    own_phone = Phone(app.test_client()).dial().press("246810")
    assert prompts.SIGNED_IN in own_phone.text
    give_password(session, "tpadegenis")
    web = app.test_client()
    web.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(web, "tpadegenis", MARSHAL_PASSWORD).status_code == 302


def test_the_fifth_wrong_pin_from_the_registered_phone_locks_only_that_phone(
    client: FlaskClient, app: Flask, session: Session
) -> None:
    calls = [Phone(client).dial(), Phone(client).dial()]
    for n in range(5):
        calls[n // 3].press(f"10000{n}")  # three tries on the first call, two on the second
    assert _audited(session, "sign_in_locked", guards.PHONE) == 1
    give_password(session, "tpadegenis")
    assert sign_in(app.test_client(), "tpadegenis", MARSHAL_PASSWORD).status_code == 302


def test_a_thousand_sign_ins_from_one_address_are_mostly_429_and_the_owner_gets_in(
    app: Flask, session: Session
) -> None:
    give_password(session, "tpadegenis")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    token = _token(attacker, "/sign-in")
    codes = [
        attacker.post(
            "/sign-in",
            data={"csrf_token": token, "userid": "tpadegenis", "password": f"Guess{n}pass"},
        ).status_code
        for n in range(1000)
    ]
    assert codes.count(429) >= 980 and set(codes) == {401, 429}
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(owner, "tpadegenis", MARSHAL_PASSWORD).status_code == 302
    assert Phone(app.test_client()).dial().press("246810").text.count(prompts.SIGNED_IN) == 1


def test_wrong_second_factor_codes_lock_whatever_the_correct_passwords_between(
    app: Flask, session: Session
) -> None:
    secret = pyotp.random_base32()
    give_password(session, "registry", STAFF_PASSWORD)
    by_userid(session, "registry").totp_secret = secret
    session.commit()
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500000) % 1000000:06d}"
    answers = []
    for _ in range(4):  # sign in with the right password, then two wrong codes, again and again
        browser = app.test_client()
        assert sign_in(browser, "registry", STAFF_PASSWORD).status_code == 302
        for _ in range(2):
            if browser.get("/two-factor").status_code != 200:
                break  # the lock ended this sign-in
            answers.append(
                post_form(browser, "/two-factor", {"code": wrong}).get_data(as_text=True)
            )
    assert sum("Too many wrong codes" in a for a in answers) >= 1
    last = app.test_client()
    sign_in(last, "registry", STAFF_PASSWORD)
    right = post_form(last, "/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert "Too many wrong codes" in right.get_data(as_text=True)  # passwords or not
    staff = by_userid(session, "registry")
    rows = session.scalars(
        select(AuditEvent).where(
            AuditEvent.marshal_id == staff.id, AuditEvent.kind == "sign_in_failed"
        )
    ).all()
    assert len(rows) == 5 and {r.detail["source"] for r in rows} == {guards.SECOND_FACTOR}


def _token(client: FlaskClient, page: str) -> str:
    from tests.web.conftest import csrf_from

    return csrf_from(client.get(page).get_data(as_text=True))
