"""Jobs: what the core asks for, without knowing RQ (the port, ``JobQueue``, is one of the
running services in ``core.services``).

A job is a plain function taking ids, named by its dotted path. The composition root registers
every job function in a ``JobTable``; the queue of the running services (``core.services``) is RQ
on Redis in production (``web.queue``), or in-process for a newcomer's machine, where a job runs
right after the commit that asked for it, with the services of whoever asked.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from core import services
from core.db import after_commit, end_deadline
from core.services import JobQueue

log = logging.getLogger(__name__)


def job_name(function: Callable[..., Any]) -> str:
    """The name a job is queued under: its dotted path (``fax.jobs.send_notification``)."""
    return f"{function.__module__}.{function.__qualname__}"


class UnknownJob(KeyError):
    """A job name no composition root registered."""


class JobTable:
    """The job functions a process may run, by the names they are queued under."""

    def __init__(self, functions: Iterable[Callable[..., Any]]) -> None:
        self.by_name = {job_name(function): function for function in functions}

    def __getitem__(self, name: str) -> Callable[..., Any]:
        try:
            return self.by_name[name]
        except KeyError:
            raise UnknownJob(f"no job {name!r} is registered (web.services.JOBS)") from None


class InProcessQueue:
    """Runs each job in this process: at once, or on a timer when delayed (development default);
    the job runs with the services of the code that queued it."""

    def __init__(self, table: JobTable) -> None:
        self.table = table
        self.ran: list[str] = []

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        function = self.table[job]
        if delay > 0:
            context = contextvars.copy_context()
            timer = threading.Timer(delay, context.run, args=(self._run, function, args, job_id))
            timer.daemon = True
            timer.start()
            return
        self._run(function, args, job_id)

    def _run(self, function: Callable[..., Any], args: tuple[Any, ...], job_id: str) -> None:
        end_deadline()  # after the commit: a slow job is not the webhook's transaction
        try:
            function(*args)
            self.ran.append(job_id)
        except Exception:
            # The outbox sweeper will find what this job owed; a request must not fail for it.
            log.exception("in-process job %s failed", job_id)


def current() -> JobQueue:
    """The queue of the running services."""
    return services.current().queue


def enqueue_after_commit(
    session: Session, job: str, *args: Any, job_id: str, queue: str = "default"
) -> None:
    """Queue a job once the session commits: never for work that rolled back."""
    target = current()

    def send() -> None:
        try:
            target.enqueue(job, *args, job_id=job_id, queue=queue)
        except Exception:
            log.exception("could not enqueue %s; the sweeper will retry", job_id)

    after_commit(session, send)
