"""Nothing owed is lost: a real RQ worker on Redis, with the enqueue step lost after commit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import Engine, select

from core.db import session_scope
from core.models import Notification
from core.outbox import sweep
from core.registry import record_activity
from core.settings import Settings
from tests.conftest import job_table, redis_url, wiring_now
from tests.core.helpers import marshal, report, this_year_docket
from tests.worker import run_worker
from web.queue import RQQueue

NOW_STALE = timedelta(0)  # treat every pending row as left behind

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class LostEnqueue:
    """A queue whose every enqueue fails, as when the process dies or Redis is down."""

    def enqueue(
        self, job: str, *args: object, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        raise ConnectionError("Redis is down")


@pytest.fixture()
def real_redis() -> Iterator[RQQueue]:
    queue = RQQueue(redis_url(), job_table())
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


def record_services_with_enqueue_lost() -> list[int]:
    wiring_now().change(queue=LostEnqueue())
    owed: list[int] = []
    with session_scope() as session:
        toby = marshal(session)
        for number in ("4012199", "4012198"):
            done = record_activity(session, report(this_year_docket(session, number=number), toby))
            owed += done.notification_ids
    return owed


def statuses(ids: list[int]) -> dict[int, str]:
    with session_scope() as session:
        rows = session.execute(
            select(Notification.id, Notification.status).where(Notification.id.in_(ids))
        )
        return {row.id: row.status for row in rows}


def spooled(spool: Path) -> list[int]:
    return sorted(json.loads(p.read_text())["notification"] for p in spool.glob("*.json"))


def test_the_sweeper_delivers_every_fax_exactly_once_after_the_enqueue_was_lost(
    committed: Engine, settings: Settings, real_redis: RQQueue, tmp_path: Path
) -> None:
    owed = record_services_with_enqueue_lost()
    assert len(owed) == 4 and set(statuses(owed).values()) == {"pending"}
    assert Redis.from_url(redis_url()).dbsize() == 0

    wiring_now().change(queue=real_redis)
    assert sorted(sweep(NOW_STALE)) == sorted(owed)
    sweep(NOW_STALE)  # a second sweep before the worker runs: same job ids again
    run_worker(settings, tmp_path)

    assert set(statuses(owed).values()) == {"delivered"}
    assert spooled(tmp_path) == sorted(owed)
    assert sweep(NOW_STALE) == []


def test_a_job_run_twice_sends_one_fax(
    committed: Engine, settings: Settings, real_redis: RQQueue, tmp_path: Path
) -> None:
    owed = record_services_with_enqueue_lost()
    wiring_now().change(queue=real_redis)
    for notification_id in owed:
        for attempt in ("a", "b"):
            real_redis.enqueue(
                "fax.jobs.send_notification",
                notification_id,
                job_id=f"twice-{notification_id}-{attempt}",
                queue="fax",
            )
    run_worker(settings, tmp_path)
    assert spooled(tmp_path) == sorted(owed)
