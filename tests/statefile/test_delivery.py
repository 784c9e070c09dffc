"""State-file messages through a real RQ worker on Redis: spool and HTTP, accepted, rejected,
unanswered then reconciled, a worker killed mid-send, corrections in order, two workers at once."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pyotp
import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy import Engine, select, update

from core.db import session_scope, utcnow
from core.registry import record_activity
from core.settings import Settings
from core.state_file import StateFileMessage
from statefile.jobs import reconcile, send_message
from tests.conftest import reconfigure, wiring_now, worker_thread
from tests.core.helpers import marshal, report, this_year_docket
from tests.fax.conftest import Mailbox, RecordingQueue
from tests.statefile.conftest import ack, spooled, work_in_process
from tests.web.conftest import STAFF_PASSWORD, STAFF_SECRET, give_password, post_form, sign_in
from tests.worker import serveline, worker_env
from web.queue import RQQueue

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def record_service(number: str = "4012198", re_record: bool = False) -> int:
    """A service recorded and committed; returns its state-file message's row id."""
    with session_scope() as session:
        docket = this_year_docket(session, number=number)
        done = record_activity(session, report(docket, marshal(session), re_record=re_record))
        return session.scalars(
            select(StateFileMessage.id).where(StateFileMessage.activity_id == done.activity_id)
        ).one()


def row(row_id: int) -> StateFileMessage:
    with session_scope() as session:
        found = session.get(StateFileMessage, row_id)
        assert found is not None
        return found


def staff_pages(settings: Settings) -> FlaskClient:
    """The staff pages over the committed database, the demo staff account signed in."""
    client = wiring_now().app().test_client()
    with session_scope() as session:
        staff = give_password(session, "registry", STAFF_PASSWORD)  # chosen at first sign-in
        staff.totp_secret = STAFF_SECRET
    assert sign_in(client, "registry", STAFF_PASSWORD).status_code == 302
    code = pyotp.TOTP(STAFF_SECRET).now()
    assert post_form(client, "/two-factor", {"code": code}).status_code == 302
    return client


def test_a_service_reaches_the_spool_once_and_an_accepted_ack_is_read(
    committed: Engine, settings: Settings, rq_queue: RQQueue, state_spool: Path
) -> None:
    owed = record_service()
    work_in_process(rq_queue)
    sent = row(owed)
    assert (sent.status, sent.attempts) == ("sent", 1)
    assert list(spooled(state_spool)) == [sent.message_id]
    assert spooled(state_spool)[sent.message_id] == sent.payload
    ack(state_spool, sent.message_id, "accepted")
    assert reconcile(quiet_seconds=0) == 1
    assert row(owed).status == "accepted" and row(owed).answered_at is not None
    assert reconcile(quiet_seconds=0) == 0


def test_a_rejected_ack_is_kept_shown_on_the_docket_page_and_mailed(
    committed: Engine,
    settings: Settings,
    rq_queue: RQQueue,
    state_spool: Path,
    smtp: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mailbox, port = smtp
    reconfigure(mail_server="127.0.0.1", mail_port=port)
    owed = record_service()
    work_in_process(rq_queue)
    ack(state_spool, row(owed).message_id, "rejected", "NCIC: respondent date of birth missing")
    reconcile(quiet_seconds=0)
    work_in_process(rq_queue)  # the alert job
    rejected = row(owed)
    assert (rejected.status, rejected.reason) == (
        "rejected",
        "NCIC: respondent date of birth missing",
    )
    [alert] = mailbox.messages
    assert alert["To"] == settings.registry_section_email
    assert "State file rejected" in alert["Subject"]
    assert "date of birth missing" in alert.get_payload(decode=True).decode()  # type: ignore[union-attr]
    client = staff_pages(settings)
    page = client.get(f"/staff/dockets/{rejected.docket_id}").get_data(as_text=True)
    assert "rejected" in page and "NCIC: respondent date of birth missing" in page
    attention = client.get("/staff/attention").get_data(as_text=True)
    assert "NCIC: respondent date of birth missing" in attention


@responses.activate
def test_over_http_the_answer_is_read_and_an_unanswered_message_is_asked_about(
    committed: Engine, rq_queue: RQQueue, http_state_file: str
) -> None:
    responses.post(http_state_file, json={"status": "received", "id": "CT-F20-1"})
    first = record_service()
    work_in_process(rq_queue)
    assert (row(first).status, row(first).provider_ref) == ("sent", "CT-F20-1")
    [call] = responses.calls
    assert call.request.headers["Authorization"] == "Bearer sf-test-token"
    assert call.request.headers["Idempotency-Key"] == row(first).message_id

    assert reconcile() == 0  # not quiet for long enough yet
    message_id = row(first).message_id
    responses.get(f"{http_state_file}/{message_id}", json={"status": "accepted"})
    assert reconcile(quiet_seconds=0) == 1
    assert row(first).status == "accepted"


@responses.activate
def test_over_http_a_refusal_is_a_rejection_with_the_reason(
    committed: Engine, rq_queue: RQQueue, http_state_file: str
) -> None:
    responses.post(http_state_file, status=422, json={"reason": "docket not in File 20"})
    owed = record_service()
    work_in_process(rq_queue)
    assert (row(owed).status, row(owed).reason) == ("rejected", "docket not in File 20")


@responses.activate
def test_over_http_a_timeout_leaves_it_to_the_reconciliation_which_sends_it_once(
    committed: Engine, rq_queue: RQQueue, http_state_file: str
) -> None:
    import requests

    responses.post(http_state_file, body=requests.ConnectTimeout("read timed out"))
    owed = record_service()
    work_in_process(rq_queue)
    assert row(owed).status == "sending"
    message_id = row(owed).message_id
    responses.get(f"{http_state_file}/{message_id}", status=404)  # it never got there
    assert reconcile(quiet_seconds=0) == 1
    assert row(owed).status == "pending"
    responses.replace(responses.POST, http_state_file, json={"status": "accepted"})
    work_in_process(rq_queue)
    assert (row(owed).status, row(owed).attempts) == ("accepted", 1)


@responses.activate
def test_over_http_an_unreachable_state_file_is_retried_then_dead_and_mailed(
    committed: Engine, rq_queue: RQQueue, http_state_file: str, state_spool: Path
) -> None:
    responses.post(http_state_file, status=401)
    owed = record_service()
    work_in_process(rq_queue)
    assert (row(owed).status, row(owed).attempts) == ("pending", 1)
    assert row(owed).next_attempt_at is not None
    with session_scope() as session:
        session.execute(
            update(StateFileMessage)
            .where(StateFileMessage.id == owed)
            .values(attempts=5, next_attempt_at=utcnow())
        )
    assert send_message(owed) == "dead"
    work_in_process(rq_queue)  # the alert
    assert "HTTP 401" in (row(owed).reason or "")
    mails = list((state_spool.parent / "outbox").glob("*.eml"))
    assert any(b"State file dead" in m.read_bytes() for m in mails)


def processes_with(setting: str) -> list[int]:
    """The processes this test started, known by a setting in their environment."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if setting.encode() in environ.read_bytes().split(b"\0"):
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return [pid for pid in found if pid != os.getpid()]


def test_a_worker_killed_mid_send_still_yields_exactly_one_message(
    committed: Engine, settings: Settings, rq_queue: RQQueue, state_spool: Path
) -> None:
    (state_spool / "hold").touch()  # the spool writes the message, then waits
    owed = record_service()
    env = worker_env(
        settings, state_spool.parent / "fax-spool", STATE_FILE_SPOOL_DIR=str(state_spool)
    )
    worker = subprocess.Popen(
        [serveline(), "worker", "--burst"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not spooled(state_spool) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker, mid-send
    worker.wait()
    for pid in processes_with(f"STATE_FILE_SPOOL_DIR={state_spool}"):
        os.kill(pid, signal.SIGKILL)  # its work horse (RQ gives it a session of its own)
    (state_spool / "hold").unlink()
    assert row(owed).status == "sending"
    work_in_process(rq_queue)  # a worker after it finds nothing owed: a send in flight
    assert reconcile(quiet_seconds=0) == 1  # the spool has it: sent, not sent again
    assert (row(owed).status, row(owed).attempts) == ("sent", 1)
    assert list(spooled(state_spool)) == [row(owed).message_id]


def test_a_correction_waits_for_the_message_it_corrects(
    committed: Engine, asked: RecordingQueue, state_spool: Path
) -> None:
    first = record_service()
    correction = record_service(re_record=True)
    assert send_message(correction) == "not-owed"  # the first has not gone yet
    assert send_message(first) == "sent"
    assert f"state-file-{correction}-after-{first}" in [a[2] for a in asked.asked]
    assert send_message(correction) == "sent"
    assert row(correction).sent_at >= row(first).sent_at  # type: ignore[operator]
    assert (
        spooled(state_spool)[row(correction).message_id]["corrects"]["message_id"]
        == row(first).message_id
    )


def test_eight_workers_at_the_same_moment_deliver_a_message_once(
    committed: Engine, asked: RecordingQueue, state_spool: Path
) -> None:
    owed = record_service()
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def deliver() -> None:
        start.wait()
        outcomes.append(send_message(owed))

    threads = [worker_thread(deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["not-owed"] * 7 + ["sent"]
    assert len(spooled(state_spool)) == 1


def test_the_sweeper_queues_again_a_message_whose_job_was_lost(
    committed: Engine, asked: RecordingQueue, state_spool: Path
) -> None:
    from datetime import timedelta

    from core.outbox import sweep

    owed = record_service()
    asked.asked.clear()  # the job queued after the commit was lost with Redis
    with session_scope() as session:
        session.execute(
            update(StateFileMessage)
            .where(StateFileMessage.id == owed)
            .values(updated_at=utcnow() - timedelta(minutes=2))
        )
    sweep()
    assert ("statefile.jobs.send_message", (owed,)) in [(a[0], a[1]) for a in asked.asked]
    assert "statefile.jobs.sweep_answers" in [a[0] for a in asked.asked]
    assert send_message(owed) == "sent"
