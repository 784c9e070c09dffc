"""Shared fixtures: a migrated database, one SAVEPOINT per test, the app, demo data.

DATABASE_URL picks the database (PostgreSQL in ``make test``, SQLite for the core's second run);
REDIS_URL_FOR_TESTS the Redis the job tests use. Demo data is loaded once and committed; each test
runs inside a transaction that is rolled back, so tests never see each other's writes.

A test run is a development run (SERVELINE_ENV) whose INSTANCE_DIR is a temporary folder, for
this process and every process it starts: nothing is ever written under the demo's instance/.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask, Response, request_finished
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from core import jobs
from core.db import Base, db, load_all_models
from core.demo import seed_demo
from core.settings import PROJECT_ROOT, Settings, load_settings
from web.app import create_app
from web.migrate import upgrade

load_all_models()

os.environ.setdefault("SERVELINE_ENV", "development")
TEST_INSTANCE = Path(tempfile.mkdtemp(prefix="serveline-test-instance-"))
os.environ["INSTANCE_DIR"] = str(TEST_INSTANCE)
atexit.register(shutil.rmtree, TEST_INSTANCE, ignore_errors=True)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TWILIO_TOKEN = "test-twilio-auth-token"
PUBLIC_BASE = "https://serveline.test"


def database_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_URL)


def redis_url() -> str:
    return os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


NO_WHISPER_MODEL = "/nonexistent/whisper-model"


@pytest.fixture(autouse=True)
def _local_speech_only_where_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs read the environment: the packaged whisper model decodes only in tests that ask
    for it (set WHISPER_MODEL_PATH), not in every test whose call leaves a recording."""
    monkeypatch.setenv("WHISPER_MODEL_PATH", NO_WHISPER_MODEL)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("serveline")
    return load_settings({"SERVELINE_ENV": "development", "INSTANCE_DIR": str(base)}).but(
        database_url=database_url(),
        redis_url=None,
        secret_key="test-secret",
        twilio_account_sid="ACtest",
        twilio_auth_token=TWILIO_TOKEN,
        public_base_url=PUBLIC_BASE,
        fax_spool_dir=base / "fax-spool",
        recordings_dir=base / "recordings",
        mail_outbox_dir=base / "outbox",
        session_cookie_secure=False,
        # texts and calls are not throttled in tests of other things (tests/security sets limits)
        rate_sms="100000 per minute", rate_ivr="100000 per minute",
    )


def _fresh_database(url: str) -> None:
    """An empty database: PostgreSQL created if missing and its schema emptied; SQLite removed."""
    parsed = make_url(url)
    if not is_postgres(url):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                   {"n": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def load_demo() -> None:
    factory = sessionmaker(bind=db.engine, expire_on_commit=False)
    with factory() as session, session.begin():
        seed_demo(session, date.today())


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """The migrated database with the demo data committed, once per test run."""
    _fresh_database(settings.database_url)
    upgrade(settings.database_url)
    db.configure(settings.database_url)
    load_demo()
    assert db.engine is not None
    yield db.engine
    db.engine.dispose()


@pytest.fixture()
def connection(engine: Engine) -> Iterator[Connection]:
    """One outer transaction per test; every session inside it works in a SAVEPOINT."""
    with engine.connect() as conn:
        outer = conn.begin()
        factory = sessionmaker(bind=conn, join_transaction_mode="create_savepoint",
                               expire_on_commit=False)
        db.use_factory(factory)
        yield conn
        outer.rollback()
    db.factory = sessionmaker(bind=engine, expire_on_commit=False)


@pytest.fixture()
def session(connection: Connection) -> Iterator[Session]:
    """A session for arranging and checking data, inside the test's transaction."""
    with db.session() as s:
        yield s


@pytest.fixture()
def queue() -> Iterator[jobs.InProcessQueue]:
    """Jobs run in-process after commit; the test can see which ran."""
    previous = jobs.current()
    in_process = jobs.InProcessQueue()
    jobs.configure(in_process)
    yield in_process
    jobs.configure(previous)


@pytest.fixture()
def app(settings: Settings, connection: Connection) -> Flask:
    """The real app, its sessions inside the test's transaction."""
    factory = db.factory
    application = create_app(settings, TESTING=True)
    db.factory = factory  # create_app configured a fresh engine; keep the test's transaction
    return application


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


REFERENCE_TABLES = {"court"}  # put there by the migrations, as in every database


def truncate_all(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)
              if t.name not in REFERENCE_TABLES]
    with engine.begin() as conn:
        if is_postgres(str(engine.url)):
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture()
def committed(engine: Engine) -> Iterator[Engine]:
    """Real commits, for tests with other processes (RQ worker, live server); cleaned after."""
    db.factory = sessionmaker(bind=engine, expire_on_commit=False)
    yield engine
    truncate_all(engine)
    load_demo()


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


# Every TwiML answer the suite produces, from every app and live server in this process, is
# parsed: a <Response> root or the test fails (Twilio refuses anything else, error 12100).
TWIML_ANSWERS: dict[str, int] = {"checked": 0}
_TWIML_PROBLEMS: list[str] = []


def _check_twiml(sender: Flask, response: Response, **_extra: object) -> None:
    if response.mimetype not in ("text/xml", "application/xml") or response.is_streamed:
        return
    body = response.get_data(as_text=True)
    TWIML_ANSWERS["checked"] += 1
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        _TWIML_PROBLEMS.append(f"{error}: {body[:300]}")
        return
    if root.tag != "Response":
        _TWIML_PROBLEMS.append(f"root <{root.tag}>: {body[:300]}")


request_finished.connect(_check_twiml, weak=False)


@pytest.fixture(autouse=True)
def every_twiml_answer_has_a_response_root() -> Iterator[None]:
    _TWIML_PROBLEMS.clear()
    yield
    assert not _TWIML_PROBLEMS, _TWIML_PROBLEMS


class SecretWatch:
    """Every value the suite writes to a database and every log line, for the end-of-suite
    search for PINs and passwords (tests/zz_end)."""

    def __init__(self) -> None:
        self.written: set[str] = set()
        self.logged: list[str] = []

    def statement(self, _conn: Any, _cursor: Any, statement: str, parameters: Any,
                  _context: Any, _many: bool) -> None:
        if not statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            return
        rows = parameters if isinstance(parameters, list | tuple) else [parameters]
        for row in rows:
            values = row.values() if isinstance(row, dict) else row if isinstance(
                row, list | tuple) else [row]
            self.written.update(str(v)[:500] for v in values if isinstance(v, str | dict))


WATCH = SecretWatch()


class _LogWatch(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        WATCH.logged.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def secret_watch() -> Iterator[SecretWatch]:
    """Watch writes and log lines for the whole run (the last test searches them)."""
    handler = _LogWatch(level=logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    event.listen(Engine, "before_cursor_execute", WATCH.statement)
    yield WATCH
    event.remove(Engine, "before_cursor_execute", WATCH.statement)
    root.removeHandler(handler)
