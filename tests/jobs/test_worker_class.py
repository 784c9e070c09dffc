"""The worker runs fax and state-file jobs in its own process (no fork per job), speech forked."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from redis import Redis

from tests.conftest import redis_url
from web.queue import QUEUE_NAMES, ServeLineWorker

pytestmark = [pytest.mark.redis]


@pytest.fixture()
def redis() -> Iterator[Redis]:
    connection = Redis.from_url(redis_url())
    connection.flushdb()
    yield connection
    connection.flushdb()


def pid_of_a_job_on(redis: Redis, queue_name: str) -> int:
    """The process that ran a job on this queue (a burst worker in this test's process)."""
    from rq import Queue

    queue = Queue(queue_name, connection=redis)
    job = queue.enqueue("os.getpid")
    worker = ServeLineWorker([Queue(n, connection=redis) for n in QUEUE_NAMES], connection=redis)
    worker.work(burst=True)
    job.refresh()
    value = job.return_value()
    assert isinstance(value, int), job.get_status()
    return value


@pytest.mark.parametrize("queue_name", ["fax", "state_file"])
def test_fax_and_state_file_jobs_run_in_the_worker_itself(redis: Redis, queue_name: str) -> None:
    assert pid_of_a_job_on(redis, queue_name) == os.getpid()


def test_speech_jobs_still_get_a_work_horse_each(redis: Redis) -> None:
    assert pid_of_a_job_on(redis, "speech") != os.getpid()
