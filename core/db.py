"""Engine, sessions and the few column types every model shares.

Views and jobs open ``with session_scope() as session:`` on the database of the services they run
with (``core.services``); core functions take that session and
never commit. Work that must happen only once the data is safely stored (enqueueing jobs) is
registered with ``after_commit`` and runs when the scope commits (or, inside
``held_after_commit``, once the holder is done: a webhook's, after its answer is sent).
"""

from __future__ import annotations

import contextvars
import heapq
import importlib
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from functools import cache, partial
from typing import Any, TypeVar

from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    bindparam,
    create_engine,
    event,
    exists,
    literal,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from core import services

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time: stored as UTC, always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


Entity = TypeVar("Entity", bound=Base)


def load_models(modules: Iterable[str]) -> None:
    """Import the modules that define tables (the composition root names them), so
    Base.metadata knows the whole schema."""
    for name in modules:
        importlib.import_module(name)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """The engine and the session factory of one process (its composition root makes it)."""

    def __init__(self, factory: sessionmaker[Session], engine: Engine | None = None) -> None:
        self.factory = factory
        self.engine = engine

    @classmethod
    def connect(cls, url: str, **engine_args: Any) -> Database:
        """An engine for ``url`` with ServeLine's limits, and sessions on it."""
        if url.startswith("sqlite"):
            engine_args.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        postgres = url.startswith("postgresql")
        # On PostgreSQL the ping is ours (at checkout, once the deadline watches the connection).
        ping = bool(engine_args.pop("pool_pre_ping", False)) if postgres else False
        if postgres:
            for name, value in POSTGRES_LIMITS.items():
                engine_args.setdefault(name, value)
        engine = create_engine(url, **engine_args)
        if url.startswith("sqlite"):
            event.listen(engine, "connect", _sqlite_pragmas)
        if postgres:
            _watch_deadlines(engine, ping)
        return cls(sessionmaker(bind=engine, expire_on_commit=False), engine)

    def session(self) -> Session:
        return self.factory()

    @contextmanager
    def scope(self) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on error, then run after-commit work."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            pending = session.info.pop("after_commit", [])
            session.close()
        held = _HELD.get()
        for action in pending:
            if held is None:
                action()
            else:  # it keeps the context it was registered in (the running services)
                held.append(partial(contextvars.copy_context().run, action))


_HELD: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "held_after_commit", default=None
)


@contextmanager
def held_after_commit() -> Iterator[list[Callable[[], None]]]:
    """Within this, the after-commit work of the scopes that commit is kept in the list given,
    not run: the holder runs it when it is ready (a webhook, once its answer is sent)."""
    held: list[Callable[[], None]] = []
    token = _HELD.set(held)
    try:
        yield held
    finally:
        _HELD.reset(token)


# A webhook must commit or roll back well inside Twilio's 15 s: connecting is bounded here;
# inside a deadline each transaction also bounds its statements and lock waits, and the server
# ends it when it sits idle (its client gone).
POSTGRES_LIMITS: dict[str, Any] = {
    "connect_args": {
        "connect_timeout": 3,
        "keepalives": 1,
        "keepalives_idle": 2,
        "keepalives_interval": 1,
        "keepalives_count": 2,
        "tcp_user_timeout": 4000,
    },
    "pool_timeout": 2,
    "pool_size": 10,
    "max_overflow": 20,
}


class DeadlinePassed(RuntimeError):
    """The request's time is up: nothing more is asked of the database in it."""


class _Deadline:
    """One request's deadline and the database connections it is using."""

    def __init__(self, seconds: float) -> None:
        self.at = time.time() + seconds
        self.lock = threading.Lock()
        self.connections: list[Any] = []
        self.passed = False
        self.done = False

    def cut(self) -> None:
        """Time is up: shut the sockets of the connections still waiting on the database."""
        with self.lock:
            if self.done:
                return
            self.passed = True
            for connection in self.connections:
                _shut(connection)


_current = threading.local()


class _Watchdog:
    """One thread per process that cuts the deadlines that pass (a thread started per request
    costs more than the request's own work, and queues behind the GIL under load)."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._due: list[tuple[float, int, _Deadline]] = []  # a heap, by the moment due
        self._count = itertools.count()
        self._pid = 0  # the process the thread runs in: a forked worker starts its own

    def watch(self, deadline: _Deadline) -> None:
        with self._ready:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._due = []
                threading.Thread(target=self._run, name="deadlines", daemon=True).start()
            heapq.heappush(self._due, (deadline.at, next(self._count), deadline))
            if self._due[0][2] is deadline:
                self._ready.notify()

    def _run(self) -> None:
        while True:
            with self._ready:
                while self._due and self._due[0][2].done:
                    heapq.heappop(self._due)  # ended in time: forgotten
                wait = self._due[0][0] - time.time() if self._due else None
                if wait is None or wait > 0:
                    self._ready.wait(wait)
                    continue
                _at, _n, passed = heapq.heappop(self._due)
            passed.cut()


_watchdog = _Watchdog()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound every database wait inside: after ``seconds`` its connections are cut (the work
    fails and rolls back), and on PostgreSQL a COMMIT arriving later than that is refused."""
    watch = _Deadline(seconds)
    _current.deadline = watch
    _watchdog.watch(watch)
    try:
        yield
    finally:
        with watch.lock:
            watch.done = True
        _current.deadline = None


def end_deadline() -> None:
    """The request's transaction is over: what this thread does next (jobs run in-process after
    the commit, in development) is neither cut nor refused for the request's deadline."""
    watch: _Deadline | None = getattr(_current, "deadline", None)
    if watch is not None:
        with watch.lock:
            watch.done = True
        _current.deadline = None


def _watch_deadlines(engine: Engine, ping: bool) -> None:
    event.listen(engine, "do_connect", _before_connect)
    event.listen(engine, "checkout", partial(_on_checkout, ping))
    event.listen(engine, "checkin", _on_checkin)


def _on_checkin(dbapi_connection: Any, record: Any) -> None:
    """Back in the pool: another request's now, never cut for this one."""
    if record is not None:
        record.info.pop(BOUNDED, None)
    watch: _Deadline | None = getattr(_current, "deadline", None)
    if watch is not None:
        with watch.lock:
            watch.connections = [c for c in watch.connections if c is not dbapi_connection]


def _before_connect(*_args: Any) -> None:
    watch: _Deadline | None = getattr(_current, "deadline", None)
    if watch is not None and watch.passed:
        raise DeadlinePassed("the request's deadline has passed")


def _on_checkout(ping: bool, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Watch the connection for the request's deadline, then ping it (a dead one is replaced).
    Inside a deadline the ping is the statement that bounds the transaction it begins."""
    watch: _Deadline | None = getattr(_current, "deadline", None)
    if watch is not None:
        with watch.lock:
            if watch.passed:
                raise DeadlinePassed("the request's deadline has passed")
            watch.connections.append(dbapi_connection)
    if not ping:
        return
    try:
        if watch is None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        else:
            _begin_bounded(dbapi_connection, watch)
            record.info[BOUNDED] = True
    except Exception as error:
        if watch is not None and watch.passed:
            raise DeadlinePassed("the request's deadline has passed") from error
        raise DisconnectionError(str(error)) from error


# The bounds of a transaction inside a deadline: its statements, lock waits and idle time; the
# server refuses a COMMIT of an activity after the deadline (migration 0010).
BOUND_TRANSACTION = (
    "SELECT set_config('serveline.deadline', %s, true),"
    " set_config('statement_timeout', '4000', true), set_config('lock_timeout', '3000', true),"
    " set_config('idle_in_transaction_session_timeout', '5000', true)"
)
# Set on a connection's pool record when the ping at checkout bounded the transaction it began
# (the DBAPI begins one with the first statement): the session's BEGIN is that transaction.
BOUNDED = "serveline_bounded"


def _bounds(watch: _Deadline) -> tuple[str]:
    return (f"{watch.at - 0.5:.3f}",)


def _begin_bounded(dbapi_connection: Any, watch: _Deadline) -> None:
    """Begin the transaction and bound it in one round trip: BEGIN and BOUND_TRANSACTION in one
    simple query (the deadline is a number we format). Left to itself psycopg sends its BEGIN
    on its own before the first statement, one round trip more, pipeline mode or not. A
    connection with its own isolation or access mode begins as psycopg would."""
    from psycopg.pq import ExecStatus, TransactionStatus  # PostgreSQL only: imported here

    plain = all(
        getattr(dbapi_connection, name, None) is None
        for name in ("isolation_level", "read_only", "deferrable")
    )
    if not plain or dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(BOUND_TRANSACTION, _bounds(watch))
        return
    (due,) = _bounds(watch)
    query = "BEGIN; " + BOUND_TRANSACTION % (f"'{due}'",)
    result = dbapi_connection.pgconn.exec_(query.encode())
    if result.status != ExecStatus.TUPLES_OK:
        raise DisconnectionError(result.error_message.decode(errors="replace").strip())


@event.listens_for(Session, "after_begin")
def _deadline_for_commit(session: Session, _transaction: Any, connection: Any) -> None:
    """Bound the transaction (BOUND_TRANSACTION), unless the checkout's ping already did: one
    round trip fewer per webhook."""
    watch: _Deadline | None = getattr(_current, "deadline", None)
    if watch is None or connection.dialect.name != "postgresql":
        return
    if connection.in_nested_transaction():
        return  # a SAVEPOINT: its transaction was bounded when it began (or is a test's)
    if connection.connection.info.pop(BOUNDED, False):
        return
    connection.exec_driver_sql(BOUND_TRANSACTION, _bounds(watch))


def _shut(dbapi_connection: Any) -> None:
    try:
        fd = os.dup(dbapi_connection.fileno())
    except Exception:  # noqa: BLE001 - already closed
        return
    with socket.socket(fileno=fd) as sock, suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def session_scope() -> AbstractContextManager[Session]:
    """A unit of work on the running services' database (``Database.scope``)."""
    return services.current().database.scope()


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's transaction has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(action)


def undo(session: Session) -> None:
    """Roll back what the session did so far, and the work it left for after the commit."""
    session.rollback()
    session.info.pop("after_commit", None)


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row (an atomic claim)."""
    # RETURNING, not rowcount: psycopg reports -1 for this INSERT, which would read as "inserted".
    keys = tuple(column.name for column in table.primary_key.columns)
    return insert_new(session, table, values, keys) is not None


def claim_row(session: Session, table: Any, values: dict[str, Any]) -> Any | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING the new row's id (one round trip), or None when
    the row was already there."""
    inserted = insert_new(session, table, values, ("id",))
    return inserted[0] if inserted is not None else None


def insert_new(
    session: Session, table: Any, values: dict[str, Any], returned: tuple[str, ...]
) -> Any | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING these columns of the new row (its defaults
    included), or None when the row was already there."""
    statement = _insert_ignoring(_dialect(session), table, tuple(values), returned)
    return session.execute(statement, values).first()


def add_rows(session: Session, rows: list[tuple[Any, dict[str, Any]]]) -> list[Any]:
    """Rows of several tables (a table and its values each: table rows, not entities, so no
    flush), their ids in order. On PostgreSQL in one round trip, every INSERT a WITH of one
    SELECT of their ids; on SQLite one after the other. Statements are built once per shape."""
    dialect = _dialect(session)
    if dialect != "postgresql":
        return [
            session.execute(_insert_returning(dialect, table, tuple(values)), values).scalar_one()
            for table, values in rows
        ]
    rows = [(table, _with_defaults(table, values)) for table, values in rows]
    shape = tuple((table, tuple(values)) for table, values in rows)
    params = {
        f"r{i}_{name}": value for i, (_t, row) in enumerate(rows) for name, value in row.items()
    }
    return list(session.execute(_inserts_together(shape), params).one())


def _with_defaults(table: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values and the table's Python-side defaults for the columns they leave out (an INSERT
    in a WITH is given none of them by SQLAlchemy)."""
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
        for column in table.columns
        if column.name not in values
        and column.default is not None
        and (column.default.is_scalar or column.default.is_callable)
    }
    return {**values, **defaults}


@cache
def _insert_returning(dialect: str, table: Any, columns: tuple[str, ...]) -> Any:
    return _insert(dialect, table, columns).returning(table.c.id)


@cache
def _inserts_together(shape: tuple[tuple[Any, tuple[str, ...]], ...]) -> Any:
    inserted = [
        _insert("postgresql", table, columns, prefix=f"r{i}_").returning(table.c.id).cte(f"r{i}")
        for i, (table, columns) in enumerate(shape)
    ]
    return select(
        *(select(row.c.id).scalar_subquery().label(f"id{i}") for i, row in enumerate(inserted))
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _insert(dialect: str, table: Any, columns: tuple[str, ...], prefix: str = "") -> Any:
    """The dialect's INSERT of these columns, each a bound parameter (named ``prefix`` + name)."""
    bound = {name: bindparam(prefix + name, type_=table.c[name].type) for name in columns}
    return _insert_of(dialect)(table).values(bound)


def _insert_of(dialect: str) -> Any:
    """The dialect's INSERT builder (the one with ON CONFLICT)."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@cache
def _insert_ignoring(
    dialect: str, table: Any, columns: tuple[str, ...], returned: tuple[str, ...]
) -> Any:
    """The INSERT … ON CONFLICT DO NOTHING RETURNING ``returned`` of these columns, built once
    per shape (building it per call cost more CPU than the database took to run it)."""
    return (
        _insert(dialect, table, columns)
        .on_conflict_do_nothing()
        .returning(*(table.c[name] for name in returned))
    )


def made_and_locked(
    session: Session, entity: type[Entity], values: dict[str, Any], key: tuple[str, ...]
) -> Entity:
    """The entity's row with this key (made from ``values`` if it is not there), locked until
    the transaction ends, in one round trip: INSERT … ON CONFLICT (key) DO UPDATE with a no-op
    assignment, RETURNING the row as it is once locked (PostgreSQL locks the row it upserts as an
    UPDATE would, and waits for whoever holds it; SQLite has one writer)."""
    statement = _upsert_locking(_dialect(session), entity, tuple(values), key)
    found: Entity = session.scalars(statement, values).one()
    return found


@cache
def _upsert_locking(
    dialect: str, entity: Any, columns: tuple[str, ...], key: tuple[str, ...]
) -> Any:
    table = entity.__table__
    kept = next(name for name in columns if name not in key)  # assigned itself: nothing changes
    upsert = _insert(dialect, table, columns).on_conflict_do_update(
        index_elements=[table.c[name] for name in key], set_={kept: table.c[kept]}
    )
    return (
        select(entity)
        .from_statement(upsert.returning(*table.c))
        .execution_options(populate_existing=True)
    )


def update_if_inserted(
    session: Session,
    table: Any,
    values: dict[str, Any],
    update: Any,
    update_values: dict[str, Any],
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING, then ``update`` only if the row was inserted; False when
    it was already there (nothing written). On PostgreSQL one round trip: the INSERT is a WITH of
    the UPDATE. ``update``'s parameters must not start with ``new_``."""
    if _dialect(session) != "postgresql":
        if not insert_ignore(session, table, values):
            return False
        session.execute(update, update_values)
        return True
    statement = _update_after_insert(table, tuple(values), update)
    params = {**update_values, **{f"new_{name}": value for name, value in values.items()}}
    return session.execute(statement, params).first() is not None


@cache
def _update_after_insert(table: Any, columns: tuple[str, ...], update: Any) -> Any:
    inserted = (
        _insert("postgresql", table, columns, prefix="new_")
        .on_conflict_do_nothing()
        .returning(*table.primary_key.columns)
        .cte("inserted")
    )
    return (
        update.add_cte(inserted)
        .where(exists(select(literal(1)).select_from(inserted)))
        .returning(literal(1))
    )


def keep_loaded(session: Session) -> None:
    """What a request loads or inserts stays in its session until the session ends (the identity
    map holds objects weakly), so the docket or marshal one function read is not read again."""
    if "kept" in session.info:
        return
    kept: list[object] = session.info.setdefault("kept", [])
    event.listen(session, "loaded_as_persistent", lambda _session, found: kept.append(found))
    event.listen(session, "pending_to_persistent", lambda _session, added: kept.append(added))
    # A row inserted through Core, then added as it is (core.registry's activity).
    event.listen(session, "detached_to_persistent", lambda _session, added: kept.append(added))
