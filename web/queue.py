"""RQ on Redis behind the core's job-queue port; the worker entry point."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.job import Job
from rq.worker import WorkerStatus

from core import services as running
from core.jobs import JobTable
from core.services import Services

log = logging.getLogger(__name__)
QUEUE_NAMES = ("fax", "state_file", "speech", "default")
# Jobs of these queues run in the worker itself, one after the other, without a fork each.
IN_WORKER_QUEUES = frozenset({"fax", "state_file"})
RETRY = Retry(max=5, interval=[10, 30, 60, 120, 300])


class RQQueue:
    """Enqueues on Redis with deterministic job ids and back-off retries."""

    def __init__(self, redis_url: str, table: JobTable) -> None:
        self.connection = Redis.from_url(redis_url)
        self.table = table

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection)

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        target, function = self.queue(queue), self.table[job]
        options: dict[str, Any] = {"job_id": job_id, "retry": RETRY}
        if queue in IN_WORKER_QUEUES:
            # The database says what became of a fax or a state-file message; RQ keeping each
            # success (its result, the finished registry) was bookkeeping nobody reads. A job
            # that fails for good is still kept (RQ's failed registry), whatever this says.
            options["result_ttl"] = 0
        if delay > 0:
            target.enqueue_in(timedelta(seconds=delay), function, *args, **options)
            return
        # RQ sends the queue's name in a round trip of its own before the job's: one pipeline
        # sends both (a webhook waits on each round trip after its commit).
        with self.connection.pipeline() as pipe:
            target.enqueue(function, *args, pipeline=pipe, **options)
            pipe.execute()


SWEEP_EVERY = 60.0
SWEEP_JOB = "core.outbox.sweep_job"
REMINDER_TICK_JOB = "sms.reminders.tick"  # makes the day's reminder runs when their time comes


def start_sweeper(services: Services, every: float = SWEEP_EVERY) -> threading.Thread:
    """Enqueue the outbox sweeper on a timer, in a daemon thread (web dev server and worker);
    while the queue is down it says so once, and resumes by itself."""

    def loop() -> None:
        with running.running(services):
            sweep_every(services, every)

    thread = threading.Thread(target=loop, name="outbox-sweeper", daemon=True)
    thread.start()
    return thread


def sweep_every(services: Services, every: float) -> None:
    """The sweeper thread's loop."""
    down = False
    while True:
        time.sleep(every)
        bucket = int(time.time() // every)
        try:
            services.queue.enqueue(SWEEP_JOB, job_id=f"sweep-{bucket}")
            services.queue.enqueue(REMINDER_TICK_JOB, job_id=f"reminders-{bucket}")
        except Exception:
            if not down:
                log.exception("could not enqueue the outbox sweeper; trying every minute")
            down = True
            continue
        if down:
            log.warning("the outbox sweeper is queued again")
        down = False


class ServeLineWorker(Worker):
    """RQ's worker, except that fax and state-file jobs run in the worker process itself, as RQ's
    ``SimpleWorker`` runs them: a fork per job (a work horse) limited one worker to about ten
    faxes a second. These jobs are short and keep nothing between runs; a worker killed mid-job
    loses nothing, because each fax is claimed in the database before it is sent (the sweeper
    and ``reconcile`` settle it). Speech and the other queues keep a work horse per job."""

    def execute_job(self, job: Job, queue: Queue) -> None:
        if queue.name not in IN_WORKER_QUEUES:
            super().execute_job(job, queue)
            return
        self.prepare_execution(job)
        self.perform_job(job, queue)
        self.set_state(WorkerStatus.IDLE)


def run_worker(services: Services, burst: bool = False) -> None:
    """An RQ worker on every ServeLine queue, with RQ's scheduler for delayed retries; its jobs
    run with these services. The local speech model is loaded here, in the parent, so forked
    work horses share it (rq's advice)."""
    queue = services.queue
    assert isinstance(queue, RQQueue)
    services.recogniser()
    if not burst:
        start_sweeper(services)
    with running.running(services):
        _work(queue, burst)


def _work(queue: RQQueue, burst: bool) -> None:
    back_off = Backoff()
    while True:
        try:
            worker = ServeLineWorker(
                [queue.queue(n) for n in QUEUE_NAMES], connection=queue.connection
            )
            worker.work(with_scheduler=True, burst=burst)
        except RedisError as error:
            back_off.wait(error)
            continue
        if burst or _shutdown_requested(worker):
            return
        back_off.wait(RuntimeError("the worker stopped on its own"))  # RQ quit on a Redis error


def _shutdown_requested(worker: Worker) -> bool:
    """RQ stopped because it was asked to (SIGTERM, SIGINT): idle, it notes only the request's
    date; busy, it also sets ``_stop_requested``."""
    return bool(
        getattr(worker, "_stop_requested", True)
        or getattr(worker, "_shutdown_requested_date", None) is not None
    )


class Backoff:
    """Redis is down: wait 1, 2, 4 … 30 s between tries, saying so once per outage."""

    def __init__(self, longest: float = 30.0) -> None:
        self.delay = 1.0
        self.longest = longest
        self.said = False

    def wait(self, error: Exception) -> None:
        if not self.said:
            log.error("Redis is unreachable (%s); the worker waits and reconnects", error)
            self.said = True
        time.sleep(self.delay)
        self.delay = min(self.delay * 2, self.longest)
