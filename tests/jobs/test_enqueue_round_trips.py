"""A job queued on Redis costs one round trip (RQ would take two: the queue's name, the job)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from redis import Redis
from redis.client import Pipeline
from rq import Queue

from core.jobs import JobTable
from tests.conftest import redis_url
from web.queue import RQQueue

pytestmark = [pytest.mark.redis]


def a_job(notification_id: int) -> None:
    """Never run here: only queued."""


@pytest.fixture()
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every round trip to Redis: a command on its own, or a pipeline sent."""
    sent: list[str] = []
    command, pipeline = Redis.execute_command, Pipeline.execute

    def counted_command(self: Redis, *args: Any, **options: Any) -> Any:
        sent.append(str(args[0]))
        return command(self, *args, **options)

    def counted_pipeline(self: Pipeline, *args: Any, **options: Any) -> Any:
        sent.append("pipeline")
        return pipeline(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted_command)
    monkeypatch.setattr(Pipeline, "execute", counted_pipeline)
    yield sent


def test_a_job_is_queued_in_one_round_trip(trips: list[str]) -> None:
    queue = RQQueue(redis_url(), JobTable([a_job]))
    queue.connection.flushdb()
    try:
        # The first job also asks the server's version (once per connection, RQ keeps it).
        queue.enqueue(f"{__name__}.a_job", 6, job_id="fax-6", queue="fax")
        trips.clear()
        queue.enqueue(f"{__name__}.a_job", 7, job_id="fax-7", queue="fax")
        assert trips == ["pipeline"]
        assert Queue("fax", connection=queue.connection).job_ids == ["fax-6", "fax-7"]
    finally:
        queue.connection.flushdb()
