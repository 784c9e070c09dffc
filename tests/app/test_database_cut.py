"""The database cut off during confirms: every webhook answers valid TwiML within 6 s saying
nothing was recorded, and nothing is recorded afterwards; once healed, the same step records."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, make_url, select
from sqlalchemy.orm import Session

from core.db import deadline
from core.models import Activity
from core.settings import Settings
from ivr import prompts
from sms import replies
from tests.app.faultproxy import FaultProxy
from tests.app.live import LiveClient, at_once, serving
from tests.app.test_concurrent_confirms import TOBY, text_at_ok
from tests.conftest import is_postgres
from tests.ivr.driver import Phone as CallPhone
from tests.sms.conftest import reply_of
from tests.twilio_ids import twilio_sid
from web.app import create_app, services_of

pytestmark = pytest.mark.postgres
PIN = "246810"


@pytest.fixture()
def proxy(committed: Engine) -> Iterator[FaultProxy]:
    if not is_postgres(str(committed.url)):
        pytest.skip("the cut is in front of PostgreSQL")
    port = make_url(str(committed.url)).port or 5432
    faults = FaultProxy(port)
    yield faults
    faults.close()


@pytest.fixture()
def line(
    proxy: FaultProxy,
    settings: Settings,
    committed: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    url = make_url(str(committed.url)).set(port=proxy.port)
    app = create_app(
        settings.but(
            database_url=url.render_as_string(hide_password=False), fax_spool_dir=tmp_path / "spool"
        )
    )
    with serving(app) as base:
        yield base
    engine = services_of(app).database.engine
    assert engine is not None
    engine.dispose()


def call_at_review(base: str, docket: str) -> CallPhone:
    call = CallPhone(LiveClient(base), caller=TOBY).dial().press(PIN).press(docket)
    call.press("1").press("1").press("1").press("1").press("2").press("3")
    assert "Record it, press 1" in call.text, call.text
    return call


def timed(action: Callable[[], str]) -> Callable[[], tuple[float, str]]:
    def run() -> tuple[float, str]:
        started = time.monotonic()
        said = action()
        return time.monotonic() - started, said

    return run


def pressing_one(call: CallPhone) -> Callable[[], str]:
    def press() -> str:
        call.press("1")  # the driver checks 200 and parses the TwiML
        assert call.document is not None and call.document.tag == "Response"
        return call.text

    return press


def texting_ok(base: str, engine: Engine, index: int) -> Callable[[], str]:
    phone_confirm = text_at_ok(base, engine, index)
    return phone_confirm


def activities(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Activity)) or 0


@pytest.mark.parametrize(("mode", "cut_for"), [("reset", 4.0), ("blackhole", 8.0)])
def test_with_the_database_cut_every_webhook_answers_valid_twiml_in_time_and_records_nothing(
    line: str, proxy: FaultProxy, committed: Engine, mode: str, cut_for: float
) -> None:
    calls = [call_at_review(line, number) for number in ("4012199", "4012198")]
    texts = [_raw_ok(line, committed, index) for index in range(2)]
    proxy.set(mode)
    healer = threading.Timer(cut_for, proxy.set, args=("pass",))
    healer.start()
    answers = at_once([timed(pressing_one(c)) for c in calls] + [timed(t) for t in texts])
    healer.join()
    time.sleep(2.0)  # whatever waited in the buffers has reached the server by now
    for answer in answers:
        assert not isinstance(answer, BaseException), answer
        elapsed, said = answer
        assert elapsed < 6.0, answers
        assert said in (prompts.UNAVAILABLE + " " + prompts.GOODBYE, replies.UNAVAILABLE), said
    assert activities(committed) == 0
    for call in calls:  # the caller presses 1 again on the same step: now it records
        assert "Recorded." in call.press("1").text
    assert activities(committed) == 2


def _raw_ok(base: str, engine: Engine, index: int) -> Callable[[], str]:
    """A text phone at OK (on 4012199); sending OK gives the text of the TwiML reply."""
    from tests.sms.conftest import Phone as TextPhone

    confirm = text_at_ok(base, engine, index)
    del confirm  # the phone is ready; send OK ourselves to see the raw reply
    phone = TextPhone(LiveClient(base), f"+1860555{2000 + index:04d}")  # type: ignore[arg-type]

    def ok() -> str:
        answer = phone.post("OK")
        assert answer.status_code == 200
        assert ET.fromstring(answer.get_data(as_text=True)).tag == "Response"
        return reply_of(answer) or ""  # type: ignore[arg-type]

    return ok


def test_a_commit_reaching_the_server_after_the_deadline_is_refused(committed: Engine) -> None:
    if not is_postgres(str(committed.url)):
        pytest.skip("the deadline trigger is PostgreSQL's")
    from core.db import session_scope
    from core.registry import record_activity
    from tests.core.helpers import marshal, report, this_year_docket

    # The server's deadline is half a second before the request's: a COMMIT that reaches it
    # later (delayed packets) is refused there.
    started = time.monotonic()
    with pytest.raises(Exception, match="deadline"), deadline(4.0), session_scope() as session:
        record_activity(
            session,
            report(this_year_docket(session), marshal(session), source_id=twilio_sid("SM", "late")),
        )
        time.sleep(max(0.0, 3.75 - (time.monotonic() - started)))  # past the server's 3.5 s
    assert activities(committed) == 0
