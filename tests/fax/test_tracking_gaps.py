"""Fax tracking without gaps: an early callback is kept, a dead sender's notice is settled in
minutes, and one odd row never stops a reconciliation of the others."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, update

from core.db import session_scope, utcnow
from core.models import Notification
from core.outbox import retry_notification
from core.registry import record_activity
from fax import tracking
from fax.jobs import reconcile
from tests.conftest import reconfigure, worker_thread
from tests.core.helpers import marshal, report, this_year_docket
from tests.fax.conftest import RecordingQueue
from tests.fax.test_signalwire import callback, owed_fax, row
from tests.fax.test_signalwire import signalwire as signalwire  # noqa: F401 - the fixture


def sending(notification_id: int, minutes_ago: float, provider_id: str | None = None) -> None:
    """The notice as a send job leaves it: claimed, and the provider's id stored or not yet."""
    with session_scope() as session:
        assert tracking.claim(session, notification_id, utcnow())
        session.execute(
            update(Notification)
            .where(Notification.id == notification_id)
            .values(sent_at=utcnow() - timedelta(minutes=minutes_ago), provider_id=provider_id)
        )


@pytest.mark.usefixtures("signalwire")
def test_a_delivered_callback_before_the_fax_id_is_stored_is_applied_by_its_media_link(
    fax_client: FlaskClient, asked: RecordingQueue
) -> None:
    owed = owed_fax(asked)
    sending(owed, 0)
    link = f"https://serveline.test/fax/media/{owed}-1.pdf?expires=1&signature=x"
    assert callback(fax_client, "FXearly", "delivered", MediaUrl=link) == (200, "delivered")
    assert row(owed).status == "delivered" and row(owed).provider_id == "FXearly"


@pytest.mark.usefixtures("signalwire")
def test_an_early_callback_for_another_attempt_is_ignored(
    fax_client: FlaskClient, asked: RecordingQueue
) -> None:
    owed = owed_fax(asked)
    sending(owed, 0)
    link = f"https://serveline.test/fax/media/{owed}-7.pdf"
    assert callback(fax_client, "FXold", "delivered", MediaUrl=link) == (200, "ignored")
    assert row(owed).status == "sending"


@pytest.mark.usefixtures("connection")
def test_a_notice_left_sending_by_a_dead_worker_is_reconciled_after_two_minutes(
    asked: RecordingQueue, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconfigure(fax_spool_dir=spool)
    owed = owed_fax(asked)
    sending(owed, 3)  # the worker died before the provider's id was stored
    assert reconcile() == 1
    assert row(owed).status == "pending"  # the spool never got it: owed again, and queued
    assert any(job_id.startswith(f"fax-{owed}-resend") for _job, _a, job_id, _d in asked.asked)


@pytest.mark.usefixtures("connection")
def test_one_row_with_another_providers_fax_id_never_stops_the_reconciliation(
    asked: RecordingQueue, spool: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconfigure(fax_spool_dir=spool)
    odd = owed_fax(asked)
    with session_scope() as session:
        others = record_activity(
            session, report(this_year_docket(session), marshal(session))
        ).notification_ids
    sending(odd, 20, provider_id="FX0123456789")  # sent through SignalWire before a switch
    for other in others:
        sending(other, 20)
    assert reconcile() == len(others)
    assert row(odd).status == "sending"
    assert {row(other).status for other in others} == {"pending"}


def test_two_staff_sending_a_dead_fax_again_at_the_same_moment_send_it_once(
    committed: Engine, asked: RecordingQueue
) -> None:
    owed = owed_fax(asked)
    with session_scope() as session:
        session.execute(
            update(Notification).where(Notification.id == owed).values(status="dead", attempts=6)
        )
    start = threading.Barrier(2)
    answers: list[bool] = []

    def click() -> None:
        with session_scope() as session:
            start.wait()
            answers.append(retry_notification(session, owed))

    clicks = [worker_thread(click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert sorted(answers) == [False, True]
    assert [job_id for _, _, job_id, _ in asked.asked] == [f"fax-{owed}-retry-6"]
    assert row(owed).status == "pending"
