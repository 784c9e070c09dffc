"""Counters and single-use tokens hold when the requests come at the same instant (#13 item 3):
30 wrong passwords, PINs or codes at once are counted to exactly the limit; one reset link or
initial password is used once."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import pyotp
import requests

from core.accounts import hash_secret, secret_matches
from core.db import session_scope, utcnow
from core.models import Marshal
from tests.security.conftest import GENEROUS, at_once
from tests.security.helpers import call_form, events, page_token, signed_post
from tests.web.conftest import STAFF_PASSWORD
from web.mails import token_hash
from web.models import PasswordReset

PASSWORD = "Serve2026order"


def _set(userid: str, **values: Any) -> None:
    with session_scope() as db:
        marshal = db.query(Marshal).filter_by(userid=userid).one()
        for name, value in values.items():
            setattr(marshal, name, value)


def _browsers(base: str, page: str, n: int) -> list[tuple[requests.Session, str]]:
    browsers = [requests.Session() for _ in range(n)]
    return [(b, page_token(b, base + page)) for b in browsers]


def test_thirty_wrong_passwords_at_once_are_counted_to_exactly_five(live: Any) -> None:
    base = live(**GENEROUS)
    _set("tpadegenis", password_hash=hash_secret(PASSWORD), must_change_password=False)
    ready = _browsers(base, "/sign-in", 30)
    answers = at_once(
        [
            lambda b=b, t=t: b.post(
                base + "/sign-in",
                timeout=60,
                data={"csrf_token": t, "userid": "tpadegenis", "password": "Wrong2026pass"},
            )
            for b, t in ready
        ]
    )
    assert [a.status_code for a in answers] == [401] * 30
    assert events("sign_in_failed", source="web@127.0.0.1") == 5
    assert events("sign_in_locked", source="web@127.0.0.1") == 1
    assert sum("locked after too many failed tries" in a.text for a in answers) == 26  # 5th too


def test_thirty_wrong_phone_pins_at_once_are_counted_to_exactly_five(live: Any) -> None:
    base = live(**GENEROUS)
    sids = [f"CA{secrets.token_hex(16)}" for _ in range(30)]
    for sid in sids:
        assert signed_post(base, "/ivr/voice", call_form(sid)).status_code == 200
    answers = at_once(
        [
            lambda sid=sid: signed_post(base, "/ivr/step?n=1", call_form(sid, Digits="999888"))
            for sid in sids
        ]
    )
    assert all(a.status_code == 200 and "<Response>" in a.text for a in answers)
    assert events("sign_in_failed", source="phone") == 5
    assert events("sign_in_locked", source="phone") == 1
    assert sum("locked for now" in a.text for a in answers) == 26  # the fifth and 25 after


def test_thirty_wrong_second_factor_codes_at_once_are_counted_to_exactly_five(live: Any) -> None:
    base = live(**GENEROUS)
    secret = pyotp.random_base32()
    _set(
        "registry",
        totp_secret=secret,
        password_hash=hash_secret(STAFF_PASSWORD),
        must_change_password=False,
    )
    browsers = [requests.Session() for _ in range(30)]
    for browser in browsers:
        token = page_token(browser, base + "/sign-in")
        browser.post(
            base + "/sign-in",
            timeout=30,
            data={"csrf_token": token, "userid": "registry", "password": STAFF_PASSWORD},
        )
    ready = [(b, page_token(b, base + "/two-factor")) for b in browsers]
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500000) % 1000000:06d}"
    at_once(
        [
            lambda b=b, t=t: b.post(
                base + "/two-factor", timeout=60, data={"csrf_token": t, "code": wrong}
            )
            for b, t in ready
        ]
    )
    assert events("sign_in_failed", userid="registry", source="second-factor") == 5
    assert events("sign_in_locked", userid="registry", source="second-factor") == 1


def test_one_reset_link_taken_by_five_requests_at_once_sets_one_password(live: Any) -> None:
    base = live(**GENEROUS)
    token = secrets.token_urlsafe(32)
    with session_scope() as db:
        maria = db.query(Marshal).filter_by(userid="msantos").one()
        db.add(
            PasswordReset(
                marshal_id=maria.id,
                token_hash=token_hash(token),
                expires_at=utcnow() + timedelta(minutes=15),
            )
        )
    ready = _browsers(base, f"/reset/{token}", 5)
    chosen = [f"Reset2026pass{c}" for c in "ABCDE"]
    answers = at_once(
        [
            lambda b=b, t=t, p=p: b.post(
                base + f"/reset/{token}",
                timeout=60,
                allow_redirects=False,
                data={"csrf_token": t, "new_password": p, "confirm": p},
            )
            for (b, t), p in zip(ready, chosen, strict=True)
        ]
    )
    codes = [a.status_code for a in answers]
    assert codes.count(302) == 1 and codes.count(410) == 4
    winner = chosen[codes.index(302)]
    with session_scope() as db:
        stored = db.query(Marshal).filter_by(userid="msantos").one().password_hash
    assert secret_matches(stored, winner)


def test_one_initial_password_used_by_five_sign_ins_at_once_works_once(live: Any) -> None:
    base = live(**GENEROUS)
    _set("msantos", password_hash=hash_secret("Initial7pass"), must_change_password=True)
    ready = _browsers(base, "/sign-in", 5)
    answers = at_once(
        [
            lambda b=b, t=t: b.post(
                base + "/sign-in",
                timeout=60,
                allow_redirects=False,
                data={"csrf_token": t, "userid": "msantos", "password": "Initial7pass"},
            )
            for b, t in ready
        ]
    )
    assert sorted(a.status_code for a in answers) == [302, 401, 401, 401, 401]
