"""Fixtures for the phone line: a softphone on the real app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from edge.standin import Recordings, TwilioApi
from tests.conftest import Wiring
from tests.ivr.driver import TOKEN, Phone


@pytest.fixture()
def phone(client: FlaskClient) -> Callable[..., Phone]:
    """A new call from the given number (Toby Padegenis's phone unless told)."""

    def call(caller: str = "+18605550190") -> Phone:
        return Phone(client, caller=caller).dial()

    return call


@pytest.fixture()
def phone_with(wiring: Wiring) -> Callable[..., Phone]:
    """A new call to an app whose settings differ (speech engine, Registry Section hours)."""

    def call(caller: str = "+18605550190", **changes: Any) -> Phone:
        application = wiring.app_with(**changes)
        return Phone(application.test_client(), caller=caller).dial()

    return call


@pytest.fixture()
def api(wiring: Wiring, tmp_path: Path) -> Iterator[TwilioApi]:
    """The softphone's Twilio REST stand-in, and the line's jobs pointed at it."""
    standin = TwilioApi(Recordings(), TOKEN)
    wiring.configure(
        twilio_api_base=standin.url,
        twilio_account_sid="ACtest",
        twilio_auth_token=TOKEN,
        recordings_dir=tmp_path / "kept",
    )
    yield standin
    standin.close()
