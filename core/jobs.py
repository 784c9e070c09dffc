"""The job queue port: what the core asks for, without knowing RQ.

A job is a plain importable function named by its dotted path, taking ids. ``queue`` is configured
once per process: RQ on Redis in production (``web.queue``), or in-process for a newcomer's
machine, where a job runs right after the commit that asked for it.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.orm import Session

from core.db import after_commit, end_deadline

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        """Queue ``job(*args)``; the same ``job_id`` names the same piece of work."""


def resolve(job: str) -> Callable[..., Any]:
    module, _, name = job.rpartition(".")
    return getattr(importlib.import_module(module), name)


class InProcessQueue:
    """Runs each job in this process: at once, or on a timer when delayed (development default)."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        if delay > 0:
            timer = threading.Timer(delay, self._run, args=(job, args, job_id))
            timer.daemon = True
            timer.start()
            return
        self._run(job, args, job_id)

    def _run(self, job: str, args: tuple[Any, ...], job_id: str) -> None:
        end_deadline()  # after the commit: a slow job is not the webhook's transaction
        try:
            resolve(job)(*args)
            self.ran.append(job_id)
        except Exception:
            # The outbox sweeper will find what this job owed; a request must not fail for it.
            log.exception("in-process job %s failed", job_id)


class _QueueHolder:
    def __init__(self) -> None:
        self.current: JobQueue = InProcessQueue()


_holder = _QueueHolder()


def configure(queue: JobQueue) -> None:
    _holder.current = queue


def current() -> JobQueue:
    return _holder.current


def enqueue_after_commit(
    session: Session, job: str, *args: Any, job_id: str, queue: str = "default"
) -> None:
    """Queue a job once the session commits: never for work that rolled back."""

    def send() -> None:
        try:
            _holder.current.enqueue(job, *args, job_id=job_id, queue=queue)
        except Exception:
            log.exception("could not enqueue %s; the sweeper will retry", job_id)

    after_commit(session, send)
