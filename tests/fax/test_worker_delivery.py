"""Faxes through a real RQ worker on Redis, spool provider: delivered, retried, dead, crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from rq.registry import ScheduledJobRegistry
from sqlalchemy import Engine, select, update

from core.db import session_scope, utcnow
from core.models import Notification
from core.outbox import sweep
from core.registry import record_activity
from core.settings import Settings
from fax.jobs import reconcile, send_notification
from tests.conftest import reconfigure
from tests.core.helpers import marshal, report, this_year_docket
from tests.fax.conftest import Mailbox
from tests.worker import run_worker, serveline, worker_env
from web.queue import RQQueue

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def record_service(number: str = "4012199") -> list[int]:
    """A service recorded and committed; its fax jobs go to Redis after the commit."""
    with session_scope() as session:
        docket = this_year_docket(session, number=number)
        return record_activity(session, report(docket, marshal(session))).notification_ids


def rows(ids: list[int]) -> dict[int, Notification]:
    with session_scope() as session:
        found = session.scalars(select(Notification).where(Notification.id.in_(ids)))
        return {n.id: n for n in found}


def spooled(spool: Path) -> dict[int, dict[str, object]]:
    return {int(p.stem): json.loads(p.read_text()) for p in spool.glob("*.json")}


def due_now(notification_id: int, attempts: int | None = None) -> None:
    """Time passes: the retry is due (and, if given, this many attempts were made)."""
    values: dict[str, object] = {"next_attempt_at": utcnow() - timedelta(seconds=1)}
    if attempts is not None:
        values["attempts"] = attempts
    with session_scope() as session:
        session.execute(
            update(Notification).where(Notification.id == notification_id).values(**values)
        )


def start_worker(settings: Settings, spool: Path) -> subprocess.Popen[bytes]:
    """`serveline worker --burst` in its own process group, which a test may kill."""
    return subprocess.Popen(
        [serveline(), "worker", "--burst"],
        env=worker_env(settings, spool),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_recorded_service_is_faxed_to_every_agency_once(
    committed: Engine, settings: Settings, rq_queue: RQQueue, spool: Path
) -> None:
    owed = record_service()
    assert len(owed) == 3
    run_worker(settings, spool)
    assert {n.status for n in rows(owed).values()} == {"delivered"}
    faxes = spooled(spool)
    assert sorted(faxes) == sorted(owed)
    assert {f["attempt"] for f in faxes.values()} == {1}
    assert {f["agency"] for f in faxes.values()} == {
        "Hartford Police Department",
        "West Hartford Police Department",
        "Wethersfield Police Department",
    }
    assert all((spool / f"{i}.pdf").read_bytes().startswith(b"%PDF") for i in owed)


def test_a_busy_line_is_retried_after_five_minutes_then_delivered(
    committed: Engine, settings: Settings, rq_queue: RQQueue, spool: Path
) -> None:
    (spool / "answers").write_text("busy\n")
    [owed] = record_service("4012198")
    run_worker(settings, spool)
    busy = rows([owed])[owed]
    assert (busy.status, busy.attempts, busy.provider_status) == ("failed", 1, "busy")
    assert busy.next_attempt_at is not None and busy.sent_at is not None
    waited = busy.next_attempt_at - busy.sent_at  # five minutes after the busy answer came
    assert timedelta(minutes=5) <= waited < timedelta(minutes=5, seconds=5)
    scheduled = ScheduledJobRegistry(queue=Queue("fax", connection=rq_queue.connection))
    assert f"fax-{owed}-attempt-2" in scheduled.get_job_ids()
    assert spooled(spool) == {}

    due_now(owed)
    assert sweep() == [owed]
    run_worker(settings, spool)
    delivered = rows([owed])[owed]
    assert (delivered.status, delivered.attempts) == ("delivered", 2)
    assert spooled(spool)[owed]["attempt"] == 2
    assert send_notification(owed) == "not-owed"  # the delayed job, when it fires, does nothing


def test_after_the_last_retry_the_fax_is_dead_and_the_registry_section_is_mailed(
    committed: Engine, settings: Settings, rq_queue: RQQueue, spool: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port)}
    (spool / "answers").write_text("no-answer\n" * 2)
    [owed] = record_service("4012198")
    run_worker(settings, spool, **mail)
    assert rows([owed])[owed].status == "failed" and mailbox.messages == []

    due_now(owed, attempts=5)  # four more no-answers, 5 + 15 + 30 + 60 minutes apart
    sweep()
    run_worker(settings, spool, **mail)
    dead = rows([owed])[owed]
    assert (dead.status, dead.attempts, dead.next_attempt_at) == ("dead", 6, None)
    assert "no-answer" in (dead.last_error or "")
    assert sweep() == []
    [alert] = mailbox.messages
    assert alert["To"] == settings.registry_section_email
    assert "Fax not delivered" in alert["Subject"]
    body = alert.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Hartford Police Department" in body and "6 attempt" in body
    assert spooled(spool) == {}


def test_a_worker_killed_mid_send_still_yields_exactly_one_fax(
    committed: Engine,
    settings: Settings,
    rq_queue: RQQueue,
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (spool / "answers").write_text("hold\n")  # the spool writes the fax, then waits
    [owed] = record_service("4012198")
    worker = start_worker(settings, spool)
    deadline = time.monotonic() + 60
    while not (spool / f"{owed}.json").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its work horse, mid-send
    worker.wait()
    stuck = rows([owed])[owed]
    assert (stuck.status, stuck.provider_id) == ("sending", None)

    assert sweep() == []  # a send in flight is never queued again blindly
    run_worker(settings, spool)
    reconfigure(fax_spool_dir=spool)
    assert reconcile(quiet_after_seconds=0) == 1  # asks the provider: it has attempt 1
    settled = rows([owed])[owed]
    assert (settled.status, settled.attempts) == ("delivered", 1)
    assert list(spool.glob("*.pdf")) == [spool / f"{owed}.pdf"]
    assert spooled(spool)[owed]["attempt"] == 1


def test_a_send_that_died_before_the_hand_over_is_sent_once_more(
    committed: Engine,
    settings: Settings,
    rq_queue: RQQueue,
    spool: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [owed] = record_service("4012198")
    rq_queue.connection.flushdb()  # the job is lost with the worker that took it
    with session_scope() as session:
        session.execute(
            update(Notification)
            .where(Notification.id == owed)
            .values(status="sending", attempts=1, sent_at=utcnow())
        )
    reconfigure(fax_spool_dir=spool)
    assert reconcile(quiet_after_seconds=0) == 1
    assert rows([owed])[owed].status == "pending"
    run_worker(settings, spool)
    again = rows([owed])[owed]
    assert (again.status, again.attempts) == ("delivered", 1)
    assert list(spooled(spool)) == [owed]


def test_a_worker_killed_among_a_services_faxes_sends_each_exactly_once(
    committed: Engine, settings: Settings, rq_queue: RQQueue, spool: Path
) -> None:
    (spool / "answers").write_text("delivered\nhold\n")  # the second send waits mid-send
    owed = record_service()  # three agencies: one job for the three faxes
    assert len(owed) == 3
    worker = start_worker(settings, spool)
    deadline = time.monotonic() + 60
    while len(spooled(spool)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    first, second, third = (rows(owed)[i] for i in sorted(owed))
    assert (first.status, second.status, third.status) == ("delivered", "sending", "pending")

    assert sweep(now=utcnow() + timedelta(minutes=2)) == [third.id]  # the one never claimed
    run_worker(settings, spool)
    reconfigure(fax_spool_dir=spool)
    assert reconcile(quiet_after_seconds=0) == 1  # the one killed mid-send: the provider has it
    assert {n.status for n in rows(owed).values()} == {"delivered"}
    assert {n.attempts for n in rows(owed).values()} == {1}
    assert sorted(spooled(spool)) == sorted(owed)
