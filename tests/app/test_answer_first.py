"""A recording webhook answers first and queues its work after (edge.answer_first), on a live
server: the marshal hears or reads "Recorded" while the faxes it owes are still being sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import responses
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.models import Notification
from tests.app.live import LiveClient, serving
from tests.conftest import is_postgres, wiring_now
from tests.fax.conftest import PROJECT, SIGNALWIRE, SIGNING_KEY
from tests.ivr.driver import Phone
from tests.sms.conftest import Phone as TextPhone

pytestmark = pytest.mark.postgres
FAXES = f"{SIGNALWIRE}/api/laml/2010-04-01/Accounts/{PROJECT}/Faxes.json"
TOBY, PIN = "+18605550190", "246810"
HELD_FOR = 5.0  # SignalWire, at the HTTP edge, answers a fax this long after it is asked


class SlowSignalWire:
    """SignalWire's fax API at the HTTP edge, taking ``HELD_FOR`` seconds over each fax (or
    until released); when each was asked and answered."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.asked: list[float] = []
        self.answered: list[float] = []

    def __call__(self, _request: Any) -> tuple[int, dict[str, str], str]:
        self.asked.append(time.monotonic())
        self.released.wait(HELD_FOR)
        self.answered.append(time.monotonic())
        return 201, {}, f'{{"sid": "FX{len(self.asked)}", "status": "queued"}}'


@pytest.fixture()
def slow_signalwire(committed: Engine, tmp_path: Path) -> Iterator[tuple[str, SlowSignalWire]]:
    if not is_postgres(str(committed.url)):
        pytest.skip("a live server on the committed database needs PostgreSQL")
    fake = SlowSignalWire()
    app = wiring_now().app_with(
        testing=False,
        fax_provider="signalwire",
        fax_api_base=SIGNALWIRE,
        fax_project_id=PROJECT,
        fax_api_token="PTtest-token",
        fax_signing_key=SIGNING_KEY,
        fax_spool_dir=tmp_path / "spool",
    )
    with serving(app) as base, responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru(base)  # the softphone's requests to the live server
        mock.add_callback(responses.POST, FAXES, callback=fake)
        yield base, fake
        fake.released.set()


def at_the_confirm(base: str, channel: str) -> Callable[[], str]:
    """Marshal 903 with a service on The Riddler read back, by phone or by text; confirming it
    (what he hears or reads back)."""
    if channel == "phone":
        call = Phone(LiveClient(base), caller=TOBY).dial().press(PIN).press("4012199")
        call.press("1").press("1").press("1").press("1").press("2").press("3")
        assert "Record it, press 1" in call.text, call.text
        return lambda: call.press("1").text
    phone = TextPhone(LiveClient(base), TOBY)  # type: ignore[arg-type]
    assert "PIN accepted" in (phone.send(f"PIN {PIN}") or "")
    assert "Reply OK to record" in (phone.send("S 4012199 H") or "")
    return lambda: phone.send("OK") or ""


@pytest.mark.parametrize("channel", ["phone", "text"])
def test_the_marshal_hears_recorded_before_the_faxes_are_sent(
    slow_signalwire: tuple[str, SlowSignalWire], committed: Engine, channel: str
) -> None:
    base, signalwire = slow_signalwire
    confirm = at_the_confirm(base, channel)
    started = time.monotonic()
    answer = confirm()
    heard_at = time.monotonic()
    assert answer.startswith("Recorded"), answer
    assert heard_at - started < HELD_FOR / 2, "the answer waited for the faxes"
    assert not signalwire.answered, "a fax was sent before the marshal had the answer"
    signalwire.released.set()
    assert _sent(committed, within=10) == 3  # every police department's fax, after the answer
    assert len(signalwire.asked) == 3 and min(signalwire.answered) > heard_at


def _sent(engine: Engine, within: float) -> int:
    """The notifications sent to SignalWire, once none is pending or ``within`` seconds on."""
    until = time.monotonic() + within
    while True:
        with Session(engine) as session:
            statuses = list(session.scalars(select(Notification.status)))
        if (statuses and "pending" not in statuses) or time.monotonic() > until:
            return sum(status != "pending" for status in statuses)
        time.sleep(0.05)
