"""The composition root: health check, in-process jobs after commit, settings."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from core import jobs
from core.db import session_scope
from core.models import Notification
from core.registry import record_activity
from core.settings import load_settings
from tests.conftest import job_table, wiring_now
from tests.core.helpers import marshal, report, this_year_docket


def test_the_health_check_reports_database_and_queue(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"ok": True, "problems": {}}


def test_the_health_check_fails_when_the_queue_is_unreachable(client: FlaskClient) -> None:
    from web.queue import RQQueue

    with wiring_now().parts(queue=RQQueue("redis://127.0.0.1:1/0", job_table())):
        answer = client.get("/healthz")
    assert answer.status_code == 503 and "queue" in answer.get_json()["problems"]


def test_without_redis_a_fax_job_runs_in_process_right_after_commit(
    queue: jobs.InProcessQueue, connection: object
) -> None:
    with session_scope() as session:
        done = record_activity(
            session, report(this_year_docket(session, number="4012198"), marshal(session))
        )
        assert queue.ran == []  # nothing runs before the commit
    assert f"fax-activity-{done.activity_id}" in queue.ran  # one job for its faxes
    assert len(queue.ran) == 2  # the fax, and the state-file message the service owes too
    with session_scope() as session:
        status = session.scalar(
            select(Notification.status).where(Notification.id == done.notification_ids[0])
        )
    assert status != "pending"


def test_nothing_is_queued_when_the_transaction_rolls_back(
    queue: jobs.InProcessQueue, connection: object
) -> None:
    try:
        with session_scope() as session:
            record_activity(session, report(this_year_docket(session), marshal(session)))
            raise RuntimeError("the request failed after recording")
    except RuntimeError:
        pass
    assert queue.ran == []


def test_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql+psycopg://x/y",
            "REDIS_URL": "redis://r",
            "FAX_SPOOL_DIR": "/tmp/spool",
            "SESSION_COOKIE_SECURE": "0",
        }
    )
    assert settings.database_url == "postgresql+psycopg://x/y"
    assert settings.redis_url == "redis://r" and settings.fax_spool_dir == Path("/tmp/spool")
    assert settings.session_cookie_secure is False
    assert load_settings({}).database_url.startswith("sqlite:///")
