"""Fixtures for the phone line: a softphone on the real app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Connection

from core.db import db
from core.settings import Settings
from ivr.standin import Recordings, TwilioApi
from tests.ivr.driver import TOKEN, Phone
from web.app import create_app


@pytest.fixture()
def phone(client: FlaskClient) -> Callable[..., Phone]:
    """A new call from the given number (Toby Padegenis's phone unless told)."""

    def call(caller: str = "+18605550190") -> Phone:
        return Phone(client, caller=caller).dial()

    return call


@pytest.fixture()
def phone_with(settings: Settings, connection: Connection) -> Callable[..., Phone]:
    """A new call to an app whose settings differ (speech engine, Registry Section hours)."""

    def call(caller: str = "+18605550190", **changes: Any) -> Phone:
        factory = db.factory
        application = create_app(settings.but(**changes), TESTING=True)
        db.factory = factory  # keep the test's transaction
        return Phone(application.test_client(), caller=caller).dial()

    return call



@pytest.fixture()
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[TwilioApi]:
    """The softphone's Twilio REST stand-in, and the line's jobs pointed at it."""
    standin = TwilioApi(Recordings(), TOKEN)
    monkeypatch.setenv("TWILIO_API_BASE", standin.url)
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", "ACtest")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("RECORDINGS_DIR", str(tmp_path / "kept"))
    yield standin
    standin.close()
