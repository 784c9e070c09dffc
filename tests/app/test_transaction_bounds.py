"""A webhook's transaction is bounded (statements, lock waits, idle time, the commit deadline)
by the ping that checks its connection out of the pool: no statement of its own."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from core.db import Database, deadline
from tests.conftest import is_postgres

pytestmark = pytest.mark.postgres
SETTINGS = text(
    "SELECT current_setting('statement_timeout'), current_setting('lock_timeout'),"
    " current_setting('idle_in_transaction_session_timeout'),"
    " current_setting('serveline.deadline', true)"
)


@pytest.fixture()
def pinged(engine: Engine) -> Iterator[Database]:
    """A database as the web app opens it: connections pinged at checkout."""
    if not is_postgres(str(engine.url)):
        pytest.skip("the bounds are PostgreSQL settings")
    url = engine.url.render_as_string(hide_password=False)
    database = Database.connect(url, pool_pre_ping=True, pool_size=1)
    yield database
    assert database.engine is not None
    database.engine.dispose()


def statements_run(database: Database) -> list[str]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    assert database.engine is not None
    event.listen(database.engine, "before_cursor_execute", note)
    return seen


def settings_now(session: Session) -> tuple[str, ...]:
    found = session.execute(SETTINGS).one()
    return tuple(str(value) for value in found)


def test_a_transaction_in_a_deadline_is_bounded_at_checkout_with_no_statement_of_its_own(
    pinged: Database,
) -> None:
    seen = statements_run(pinged)
    with deadline(5.0), pinged.scope() as session:
        timeout, lock, idle, due = settings_now(session)
    assert (timeout, lock, idle) == ("4s", "3s", "5s")
    assert abs(float(due) - (time.time() + 4.5)) < 1.0
    assert seen == [str(SETTINGS)]  # the bounds came with the checkout's ping


def test_the_bounds_end_with_their_transaction_and_the_next_deadline_sets_its_own(
    pinged: Database,
) -> None:
    with deadline(5.0), pinged.scope() as session:
        first = settings_now(session)[3]
    with pinged.scope() as session:  # the same pooled connection, outside any deadline
        outside = settings_now(session)
    assert outside[0] != "4s" and outside[3] in ("", "None")
    time.sleep(0.01)
    with deadline(8.0), pinged.scope() as session:
        second = settings_now(session)[3]
    assert float(second) - float(first) > 2.9


def test_a_connection_checked_out_before_the_deadline_is_bounded_when_its_session_begins(
    pinged: Database,
) -> None:
    seen = statements_run(pinged)
    assert pinged.engine is not None
    with pinged.engine.connect() as connection, deadline(5.0), Session(bind=connection) as session:
        assert settings_now(session)[0] == "4s"
    assert sum("set_config" in s for s in seen) == 1


def round_trips_at_checkout(database: Database) -> list[int]:
    """Round trips each checkout made (libpq's trace of what PostgreSQL answered: a
    ReadyForQuery ends every round trip), counted from before our checkout hook to after it."""
    counts: list[int] = []
    traces: dict[int, Any] = {}

    def before(dbapi_connection: Any, *_args: Any) -> None:
        traces[id(dbapi_connection)] = trace = tempfile.TemporaryFile()  # noqa: SIM115 - closed in after
        dbapi_connection.pgconn.trace(trace.fileno())

    def after(dbapi_connection: Any, *_args: Any) -> None:
        dbapi_connection.pgconn.untrace()
        trace = traces.pop(id(dbapi_connection))
        trace.seek(0)
        counts.append(trace.read().count(b"ReadyForQuery"))
        trace.close()

    assert database.engine is not None
    event.listen(database.engine, "checkout", before, insert=True)
    event.listen(database.engine, "checkout", after)
    return counts


def test_the_checkout_begins_and_bounds_the_transaction_in_one_round_trip(
    pinged: Database,
) -> None:
    """psycopg would send its BEGIN on its own first: one round trip more per webhook."""
    counts = round_trips_at_checkout(pinged)
    with deadline(5.0), pinged.scope() as session:
        timeout, _lock, _idle, due = settings_now(session)
        in_transaction = session.execute(text("SELECT now() = statement_timestamp()")).scalar()
    assert counts == [1]
    assert timeout == "4s" and abs(float(due) - (time.time() + 4.5)) < 1.0
    assert in_transaction is False  # the statements ran in the transaction the checkout began
