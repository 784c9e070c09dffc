"""Twilio's retries of one webhook at the same instant as the first try, on a live server and
real PostgreSQL: every copy gets the first try's answer, and the step is taken once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.models import Activity, CallLog, CallStep
from tests.app.live import LiveClient, at_once, serving
from tests.app.test_concurrent_confirms import PIN, TOBY
from tests.conftest import is_postgres, wiring_now
from tests.ivr.driver import Phone

pytestmark = pytest.mark.postgres
COPIES = 6


@pytest.fixture()
def line(committed: Engine, tmp_path: Path) -> Iterator[str]:
    if not is_postgres(str(committed.url)):
        pytest.skip("concurrent writers need PostgreSQL")
    app = wiring_now().app_with(testing=False, fax_spool_dir=tmp_path / "spool")
    with serving(app) as base:
        yield base


def copies_at_once(call: Phone, keys: str) -> list[str]:
    """The same signed request (keys at the current Gather) sent COPIES times at once."""
    path = call._action("Gather")

    def send() -> str:
        answer = call.send(path, {"Digits": keys})
        assert answer.status_code == 200, answer.status_code
        return str(answer.get_data(as_text=True))

    return at_once([send] * COPIES)


def steps_of(engine: Engine, call: Phone) -> list[str]:
    with Session(engine) as session:
        log = session.scalar(select(CallLog).where(CallLog.call_sid == call.call_sid))
        assert log is not None
        keys = select(CallStep.step_key).where(CallStep.call_id == log.id)
        return list(session.scalars(keys.order_by(CallStep.id)))


def test_copies_of_the_recording_step_at_once_record_once_and_all_hear_the_same(
    line: str, committed: Engine
) -> None:
    call = Phone(LiveClient(line), caller=TOBY).dial().press(PIN).press("4012199")  # type: ignore[arg-type]
    call.press("1").press("1").press("1").press("1").press("2").press("3")
    assert "Record it, press 1" in call.text, call.text
    answers = copies_at_once(call, "1")
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    assert len(set(answers)) == 1, answers
    assert "Recorded." in answers[0]
    with Session(committed) as session:
        recorded = select(func.count()).select_from(Activity)
        assert session.scalar(recorded.where(Activity.source_id.like(f"{call.call_sid}-%"))) == 1
    keys = steps_of(committed, call)
    assert len(keys) == len(set(keys)), keys  # each step taken once


def test_copies_of_the_greeting_at_once_keep_one_call_and_the_next_step_follows(
    line: str, committed: Engine
) -> None:
    call = Phone(LiveClient(line), caller=TOBY)  # type: ignore[arg-type]
    answers = at_once([lambda: call.send("/ivr/voice", {}).get_data(as_text=True)] * COPIES)
    assert not [a for a in answers if isinstance(a, BaseException)], answers
    assert len(set(answers)) == 1, answers
    with Session(committed) as session:
        count = select(func.count()).select_from(CallLog)
        assert session.scalar(count.where(CallLog.call_sid == call.call_sid)) == 1
    call.dial()  # Twilio once more: the same greeting, from the stored answer
    assert call.gather() is not None
    call.press(PIN)
    assert steps_of(committed, call) == ["0", "1"]
