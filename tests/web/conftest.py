"""Helpers for the page tests: CSRF tokens from forms, signed-in clients, call logs."""

from __future__ import annotations

import re
import wave
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import hash_secret
from core.db import utcnow
from core.models import CallLog, CallStep, Marshal

MARSHAL_PASSWORD = "Serve2026order"
STAFF_PASSWORD = "Review2026calls"
STAFF_SECRET = pyotp.random_base32()


def csrf_from(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, str], page: str | None = None) -> Any:
    """GET the form page (``page`` or ``url``), then POST with its CSRF token."""
    token = csrf_from(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def by_userid(session: Session, userid: str) -> Marshal:
    found = session.scalar(select(Marshal).where(Marshal.userid == userid))
    assert found is not None
    return found


def give_password(
    session: Session, userid: str, password: str = MARSHAL_PASSWORD, must_change: bool = False
) -> Marshal:
    marshal = by_userid(session, userid)
    marshal.password_hash = hash_secret(password)
    marshal.must_change_password = must_change
    session.commit()
    return marshal


def sign_in(client: FlaskClient, userid: str, password: str) -> Any:
    return post_form(client, "/sign-in", {"userid": userid, "password": password})


@pytest.fixture()
def marshal_client(client: FlaskClient, session: Session) -> FlaskClient:
    """Toby Padegenis (903), signed in."""
    give_password(session, "tpadegenis")
    assert sign_in(client, "tpadegenis", MARSHAL_PASSWORD).status_code == 302
    return client


def sign_in_registry(client: FlaskClient, session: Session, role: str) -> FlaskClient:
    """The demo Registry Section account with this role and its own password, signed in with
    its TOTP code."""
    registry = give_password(session, "registry", STAFF_PASSWORD)
    registry.totp_secret, registry.role = STAFF_SECRET, role
    session.commit()
    assert sign_in(client, "registry", STAFF_PASSWORD).status_code == 302
    code = pyotp.TOTP(STAFF_SECRET).now()
    assert post_form(client, "/two-factor", {"code": code}).status_code == 302
    return client


@pytest.fixture()
def staff_client(client: FlaskClient, session: Session) -> FlaskClient:
    """The demo Registry Section account as staff (not an administrator), signed in."""
    return sign_in_registry(client, session, "staff")


@pytest.fixture()
def admin_client(client: FlaskClient, session: Session) -> FlaskClient:
    """The demo Registry Section account as an administrator, signed in."""
    return sign_in_registry(client, session, "admin")


def make_wav(path: Path, seconds: float = 1.0) -> Path:
    """A short 8 kHz mono WAV of silence-ish tone, as a call recording."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        frames = int(8000 * seconds)
        out.writeframes(
            b"".join(
                (((i * 440 * 2 // 8000) % 2) * 8000).to_bytes(2, "little", signed=True)
                for i in range(frames)
            )
        )
    return path


def make_call(
    session: Session, sid: str, marshal: Marshal | None = None, minutes_ago: int = 5, **fields: Any
) -> CallLog:
    """A call as the phone line logs it, with two steps (the PIN redacted)."""
    started = utcnow() - timedelta(minutes=minutes_ago)
    call = CallLog(
        call_sid=sid,
        from_number="+18605550190",
        to_number="+18005550100",
        marshal_id=marshal.id if marshal else None,
        started_at=started,
        ended_at=started + timedelta(seconds=75),
        duration_seconds=75,
        state={},
        **fields,
    )
    call.steps = [
        CallStep(
            step_key="1",
            state_name="pin",
            prompt="Enter your PIN.",
            input_redacted="******",
            created_at=started,
        ),
        CallStep(
            step_key="2",
            state_name="docket",
            prompt="Say or key the docket number.",
            input_redacted=None,
            recognition="H H D F A 26 4012199 S",
            confidence=0.91,
            created_at=started + timedelta(seconds=20),
        ),
    ]
    session.add(call)
    session.commit()
    return call
