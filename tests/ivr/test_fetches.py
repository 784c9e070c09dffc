"""Nothing waits for ever: a recording fetch is retried with back-off, swept up when its job is
lost, and after the last try is `failed` with the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import jobs
from core.db import session_scope, utcnow
from core.models import CallLog
from core.outbox import sweep
from edge.standin import TwilioApi, silence
from ivr.jobs import BACK_OFF, TRIES
from speech.models import SpokenComment
from tests.conftest import Wiring, in_process, job_table, wiring_now
from tests.ivr.driver import Phone
from tests.ivr.helpers import call_log

PIN = "246810"


class DroppedJobs:
    """The queue port losing every job (a worker crashed, Redis lost it)."""

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        pass


class Later(jobs.InProcessQueue):
    """In-process; a delayed job is kept until the test lets its time come."""

    def __init__(self) -> None:
        super().__init__(job_table())
        self.delays: list[float] = []
        self.waiting: list[tuple[str, tuple[Any, ...]]] = []

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        if not delay:
            super().enqueue(job, *args, job_id=job_id, queue=queue)
            return
        self.delays.append(delay)
        self.waiting.append((job, args))

    def let_time_pass(self, model: Any, column: str) -> None:
        """Run each delayed job once its wait is over (the row's next try moved to now)."""
        while self.waiting:
            job, args = self.waiting.pop(0)
            with session_scope() as moved:  # a session of its own, as the jobs use
                moved.execute(update(model).values({column: utcnow() - timedelta(seconds=1)}))
            self.table[job](*args)


def refuse_twilio_token() -> None:
    """The line's jobs call Twilio's REST API with a token it refuses (the webhooks still
    carry good signatures)."""
    wiring = wiring_now()
    wiring.change(twilio=replace(wiring.services.twilio, auth_token="a-token-twilio-refuses"))


@pytest.fixture()
def use_queue(wiring: Wiring) -> Callable[[Any], None]:
    """The test's queue from now on."""
    return lambda queue: wiring.change(queue=queue)


def comment_said(phone: Callable[..., Phone], sid: str) -> Phone:
    return phone().press(PIN).press("4012199").press("1").press("5").record(sid)


def gets(api: TwilioApi) -> int:
    return sum(1 for method, path in api.requests if method == "GET")


def test_a_dropped_fetch_job_is_fetched_by_the_sweeper_once(
    phone: Callable[..., Phone], session: Session, api: TwilioApi, use_queue: Callable[[Any], None]
) -> None:
    api.recordings.register("REdropped1", silence(1.0))
    use_queue(DroppedJobs())
    call = comment_said(phone, "REdropped1")
    [comment] = session.scalars(select(SpokenComment)).all()
    assert comment.status == "queued" and gets(api) == 0
    use_queue(in_process())
    sweep(now=utcnow() + timedelta(minutes=2))
    sweep(now=utcnow() + timedelta(minutes=3))
    session.expire_all()
    assert comment.status == "kept" and comment.recording_path
    assert gets(api) == 1  # once, although swept twice
    assert comment.call_id == call_log(session, call).id


def test_a_fresh_fetch_is_not_swept_up_while_its_job_may_still_run(
    phone: Callable[..., Phone], session: Session, api: TwilioApi, use_queue: Callable[[Any], None]
) -> None:
    use_queue(DroppedJobs())
    comment_said(phone, "REfresh1")
    use_queue(in_process())
    sweep(now=utcnow())
    assert gets(api) == 0


def test_a_fetch_that_keeps_failing_is_retried_with_back_off_then_failed_with_the_reason(
    phone: Callable[..., Phone],
    session: Session,
    api: TwilioApi,
    use_queue: Callable[[Any], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refuse_twilio_token()
    api.recordings.register("REfails1", silence(1.0))
    queue = Later()
    use_queue(queue)
    comment_said(phone, "REfails1")
    queue.let_time_pass(SpokenComment, "next_try_at")
    [comment] = session.scalars(select(SpokenComment)).all()
    session.refresh(comment)
    assert queue.delays == list(BACK_OFF)
    assert (comment.status, comment.tries) == ("failed", TRIES)
    assert comment.error == "Twilio answered 401 for REfails1"
    assert gets(api) == TRIES
    sweep(now=utcnow() + timedelta(hours=1))  # failed is final: not swept up again
    assert gets(api) == TRIES


def test_the_call_recording_fetch_is_retried_and_ends_failed_too(
    phone: Callable[..., Phone], session: Session, api: TwilioApi, use_queue: Callable[[Any], None]
) -> None:
    queue = Later()
    use_queue(queue)
    call = phone().press(PIN)
    answer = call.send(
        "/ivr/recording",
        {
            "RecordingSid": "REnothere",
            "RecordingStatus": "completed",
            "RecordingSource": "StartCallRecordingTwiML",
        },
    )
    assert answer.status_code == 204
    queue.let_time_pass(CallLog, "recording_next_try_at")
    assert queue.delays == list(BACK_OFF)
    log = call_log(session, call)
    assert (log.recording_status, log.recording_tries) == ("failed", TRIES)
    assert log.recording_error == "Twilio answered 404 for REnothere"
