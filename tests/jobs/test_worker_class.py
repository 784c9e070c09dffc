"""The worker runs fax and state-file jobs in its own process (no fork per job), speech forked."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from redis import Redis

from core.jobs import JobTable, job_name
from tests.conftest import redis_url
from web.queue import QUEUE_NAMES, RQQueue, ServeLineWorker

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


def succeeds() -> str:
    return "done"


def fails() -> None:
    raise RuntimeError("the provider is down")


def run_on_fax_queue(redis: Redis, function: Callable[[], object], job_id: str) -> None:
    """Queue ``function`` on the fax queue as ServeLine queues its jobs; one burst worker."""
    from rq import Queue

    queue = RQQueue(redis_url(), JobTable([function]))
    queue.enqueue(job_name(function), job_id=job_id, queue="fax")
    worker = ServeLineWorker([Queue(n, connection=redis) for n in QUEUE_NAMES], connection=redis)
    worker.work(burst=True)


def test_a_fax_job_that_succeeded_leaves_nothing_in_redis(redis: Redis) -> None:
    from rq.job import Job
    from rq.registry import FinishedJobRegistry

    run_on_fax_queue(redis, succeeds, "fax-ok")
    assert not Job.exists("fax-ok", connection=redis)
    assert FinishedJobRegistry("fax", connection=redis).get_job_ids() == []


def test_a_fax_job_that_failed_is_kept_for_its_retries(redis: Redis) -> None:
    from rq.job import Job, JobStatus

    run_on_fax_queue(redis, fails, "fax-down")
    job = Job.fetch("fax-down", connection=redis)
    assert job.get_status() == JobStatus.SCHEDULED
    assert job.retries_left == 4
