"""Fixtures for the phone line: a softphone on the real app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.ivr.driver import Phone


@pytest.fixture()
def phone(client: FlaskClient) -> Callable[..., Phone]:
    """A new call from the given number (Toby Padegenis's phone unless told)."""

    def call(caller: str = "+18605550190") -> Phone:
        return Phone(client, caller=caller).dial()

    return call
