"""The text line's fixtures: a phone that texts the app as Twilio would, a fixed clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from core.accounts import marshal_by_phone
from edge.signature import sign
from sms.models import SmsSession
from tests.conftest import PUBLIC_BASE, TWILIO_TOKEN, set_clock
from tests.twilio_ids import twilio_sid

INBOUND_URL = f"{PUBLIC_BASE}/sms/inbound"
TOBY = "+18605550190"
ZONE = ZoneInfo("America/New_York")
_sids = count(1)


def new_sid() -> str:
    return twilio_sid("SM", f"test{next(_sids)}")


def reply_of(response: TestResponse) -> str | None:
    """The text of the <Message> in the TwiML answer, or None for an empty <Response/>."""
    root = ElementTree.fromstring(response.get_data(as_text=True))
    message = root.find("Message")
    return None if message is None else (message.text or "")


@dataclass
class Phone:
    """A marshal's (or a stranger's) phone texting the line through Twilio."""

    client: FlaskClient
    number: str

    def post(self, body: str, sid: str | None = None, token: str = TWILIO_TOKEN) -> TestResponse:
        params = {
            "MessageSid": sid or new_sid(),
            "From": self.number,
            "To": "+18005550100",
            "Body": body,
            "AccountSid": "ACtest",
        }
        signature = sign(INBOUND_URL, params, token)
        return self.client.post(
            "/sms/inbound", data=params, headers={"X-Twilio-Signature": signature}
        )

    def send(self, body: str, sid: str | None = None) -> str | None:
        response = self.post(body, sid)
        assert response.status_code == 200, response.get_data(as_text=True)
        return reply_of(response)


def local_now() -> datetime:
    """Half past eleven tonight, local time: every time typed for today is in the past."""
    return datetime.combine(date.today(), time(23, 30), tzinfo=ZONE)


@pytest.fixture()
def clock(app: Flask) -> datetime:
    now = local_now().astimezone(UTC)
    set_clock(lambda: now)
    return now


@pytest.fixture()
def toby(client: FlaskClient, clock: datetime) -> Phone:
    return Phone(client, TOBY)


@pytest.fixture()
def stranger(client: FlaskClient, clock: datetime) -> Phone:
    return Phone(client, "+12125550123")


@pytest.fixture()
def signed_in(session: Session, clock: datetime) -> Callable[[str], None]:
    """Open a text session for a phone without spending a PIN check (Argon2 is slow on purpose)."""

    def open_for(number: str) -> None:
        marshal = marshal_by_phone(session, number)
        assert marshal is not None
        session.merge(
            SmsSession(
                phone=number,
                marshal_id=marshal.id,
                opened_at=clock,
                expires_at=clock + timedelta(minutes=30),
            )
        )
        session.commit()

    return open_for
