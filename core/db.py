"""Engine, sessions and the few column types every model shares.

Views and jobs open ``with session_scope() as session:``; core functions take that session and
never commit. Work that must happen only once the data is safely stored (enqueueing jobs) is
registered with ``after_commit`` and runs when the scope commits.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

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


MODEL_MODULES = ("core.models", "ivr.models", "sms.models", "fax.models", "web.models",
                 "speech.models", "core.state_file", "core.reminders")


def load_all_models() -> None:
    """Import every module that defines tables, so Base.metadata knows the whole schema."""
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise


def utcnow() -> datetime:
    return datetime.now(UTC)


class Database:
    """The engine and the session factory; configured once per process."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.url: str | None = None
        self.factory: sessionmaker[Session] | None = None

    def configure(self, url: str, **engine_args: Any) -> None:
        """Create the engine for ``url``; a second call with the same URL keeps the first."""
        if self.engine is not None and self.url == url:
            return
        self.url = url
        if url.startswith("sqlite"):
            engine_args.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        self.engine = create_engine(url, **engine_args)
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def use_factory(self, factory: sessionmaker[Session]) -> None:
        """Tests bind sessions to one connection inside an outer transaction."""
        self.factory = factory

    def session(self) -> Session:
        if self.factory is None:
            raise RuntimeError("the database is not configured: call db.configure(url) first")
        return self.factory()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


db = Database()


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commit on success, roll back on error, then run after-commit work."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        pending = session.info.pop("after_commit", [])
        session.close()
    for action in pending:
        action()


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's transaction has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(action)


def insert_ignore(session: Session, table: Any, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when this call inserted the row (an atomic claim)."""
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: psycopg reports -1 for this INSERT, which would read as "inserted".
    statement = (builder(table).values(**values).on_conflict_do_nothing()
                 .returning(*table.primary_key.columns))
    return session.execute(statement).first() is not None


def claim_row(session: Session, table: Any, values: dict[str, Any]) -> Any | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING the new row's id (one round trip), or None when
    the row was already there."""
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = builder(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return session.execute(statement).scalar()


def insert_many_ignore(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[Any]:
    """One multi-row INSERT … ON CONFLICT DO NOTHING; the ids of the rows it inserted."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = builder(table).values(rows).on_conflict_do_nothing().returning(table.c.id)
    return sorted(session.execute(statement).scalars())


def keep_loaded(session: Session) -> None:
    """What a request loads or inserts stays in its session until the session ends (the identity
    map holds objects weakly), so the docket or marshal one function read is not read again."""
    if "kept" in session.info:
        return
    kept: list[object] = session.info.setdefault("kept", [])
    event.listen(session, "loaded_as_persistent", lambda _session, found: kept.append(found))
    event.listen(session, "pending_to_persistent", lambda _session, added: kept.append(added))
