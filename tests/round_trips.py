"""Counting what a webhook asks of the database: statements and their time, per request."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event

from tests.conftest import job_table, redis_url, wiring_now
from web.queue import RQQueue

# The tests' SAVEPOINTs stand for the BEGIN and COMMIT a real request has: not counted.
NOT_COUNTED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@dataclass
class Step:
    name: str
    statements: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __str__(self) -> str:
        listing = "\n    ".join(" ".join(s.split())[:140] for s in self.statements)
        return (
            f"{self.name}: {len(self.statements)} statements, "
            f"{self.seconds * 1000:.1f} ms in the database\n    {listing}"
        )


@dataclass
class RoundTrips:
    """Statements per step, as the steps are named one after the other by ``step``."""

    steps: list[Step] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        self.steps.append(Step(name))
        yield self.steps[-1]

    def over(self, budget: int, budgets: dict[str, int] | None = None) -> list[Step]:
        """The steps that ran more statements than the budget (``budgets``: some steps' own)."""
        return [s for s in self.steps if len(s.statements) > (budgets or {}).get(s.name, budget)]


@contextmanager
def counting(connection: Connection) -> Iterator[RoundTrips]:
    """Every statement the test's connection runs, with its time, into the current step."""
    trips = RoundTrips()
    started: list[float] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        took = time.perf_counter() - started.pop()
        if not trips.steps or statement.lstrip().upper().startswith(NOT_COUNTED):
            return
        trips.steps[-1].statements.append(statement)
        trips.steps[-1].seconds += took

    event.listen(connection, "before_cursor_execute", before)
    event.listen(connection, "after_cursor_execute", after)
    try:
        yield trips
    finally:
        event.remove(connection, "before_cursor_execute", before)
        event.remove(connection, "after_cursor_execute", after)


@contextmanager
def jobs_on_redis() -> Iterator[RQQueue]:
    """Jobs queued on our Redis db, as in production, not run inside the request (emptied after)."""
    queue = RQQueue(redis_url(), job_table())
    queue.connection.flushdb()
    try:
        with wiring_now().parts(queue=queue):
            yield queue
    finally:
        queue.connection.flushdb()
