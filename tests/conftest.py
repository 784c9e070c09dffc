"""Shared fixtures: a migrated database, one SAVEPOINT per test, the app, demo data.

DATABASE_URL picks the database (PostgreSQL in ``make test``, SQLite for the core's second run);
REDIS_URL_FOR_TESTS the Redis the job tests use. Demo data is loaded once and committed; each test
runs inside a transaction that is rolled back, so tests never see each other's writes.

A test run is a development run (SERVELINE_ENV) whose INSTANCE_DIR is a temporary folder, for
this process and every process it starts: nothing is ever written under the demo's instance/.
"""

from __future__ import annotations

import atexit
import contextvars
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask, Response, request_finished
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from core import jobs
from core.db import Base, Database
from core.demo import seed_demo
from core.services import Services, TwilioAccount, enter, running
from core.settings import PROJECT_ROOT, Settings, load_settings
from web import services as parts
from web.app import create_app, services_of, use_services
from web.migrate import upgrade

parts.load_all_models()

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
    """Workers started in their own process read the environment: the packaged whisper model
    decodes only in tests that ask for it, not in every test whose call leaves a recording
    (the test's own services have the same setting)."""
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
        rate_sms="100000 per minute",
        rate_ivr="100000 per minute",
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
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@cache
def job_table() -> jobs.JobTable:
    return parts.job_table()


def in_process() -> jobs.InProcessQueue:
    """Jobs run in-process after commit, as on a newcomer's machine."""
    return jobs.InProcessQueue(job_table())


def load_demo(engine: Engine, settings: Settings) -> None:
    database = Database(sessionmaker(bind=engine, expire_on_commit=False), engine)
    with (
        running(parts.build(settings, database=database, queue=in_process())),
        database.scope() as session,
    ):
        seed_demo(session, date.today())


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """The migrated database with the demo data committed, once per test run."""
    _fresh_database(settings.database_url)
    upgrade(settings.database_url)
    database = Database.connect(settings.database_url)
    assert database.engine is not None
    load_demo(database.engine, settings)
    yield database.engine
    database.engine.dispose()


# Twilio's REST API is reached by a test's jobs only when the test configures an account (the
# test's app checks requests for ACtest; its jobs, as a worker without TWILIO_ACCOUNT_SID, do not
# call Twilio: PIN messages are not deleted there, texts go to the local outbox). Likewise the
# packaged whisper model decodes in a test's jobs only when the test names a model.
TWILIO_SETTINGS = ("twilio_account_sid", "twilio_auth_token", "twilio_api_base", "sms_sender")


class Wiring:
    """The test's own services: its apps and the jobs it runs use them. A fixture or a test
    changes a part (the queue, the clock, a setting) for the rest of the test, for every app it
    made too; nothing outlives the test."""

    def __init__(self, connection: Connection, database: Database, settings: Settings) -> None:
        self.connection = connection
        self.apps: list[Flask] = []
        self._leave: list[Callable[[], None]] = []
        self.configured: set[str] = set()  # settings the test chose
        self.given: dict[str, object] = {}  # parts a test put in: kept when settings change
        base = parts.build(settings, database=database, queue=in_process())
        self.services = self._use(self._built(base, settings))

    def change(self, **changes: object) -> Services:
        """Other parts (``queue=…``, ``clock=…``, ``database=…``) from now on."""
        self.given.update(changes)
        for app in self.apps:
            use_services(app, services_of(app).but(**changes))
        return self._use(self.services.but(**changes))

    def configure(self, **changes: object) -> Services:
        """Other settings from now on (and the providers they choose)."""
        self.configured.update(changes)
        for app in self.apps:
            mine = services_of(app)
            use_services(app, self._built(mine, mine.settings.but(**changes)))
        return self._use(self._built(self.services, self.services.settings.but(**changes)))

    @contextmanager
    def parts(self, **changes: object) -> Iterator[Services]:
        """Other parts for the block only."""
        before, apps = self.services, [(app, services_of(app)) for app in self.apps]
        given = dict(self.given)
        try:
            yield self.change(**changes)
        finally:
            for app, kept in apps:
                use_services(app, kept)
            self.given = given
            self._use(before)

    def app(self, services: Services | None = None, testing: bool = True) -> Flask:
        """The real app on the test's services (or on ``services``: other settings)."""
        application = create_app(services=services or self.services, TESTING=testing)
        self.apps.append(application)
        return application

    def app_with(self, testing: bool = True, **changes: object) -> Flask:
        """An app whose settings differ, on the test's database, queue and clock."""
        return self.app(self._built(self.services, self.services.settings.but(**changes)), testing)

    def _built(self, base: Services, settings: Settings) -> Services:
        from sms.outbound import sender_for
        from speech.engine import for_settings

        built = parts.reconfigured(base, settings)
        if not self.configured & set(TWILIO_SETTINGS):
            no_account = settings.but(twilio_account_sid="")
            built = built.but(twilio=TwilioAccount.of(no_account), sms=sender_for(no_account))
        if "whisper_model_path" not in self.configured:
            no_whisper = settings.but(whisper_model_path=NO_WHISPER_MODEL)
            built = built.but(recogniser=partial(for_settings, no_whisper))
        return built.but(**self.given)

    def _use(self, services: Services) -> Services:
        self.services = services
        self._leave.append(enter(services))
        return services

    def close(self) -> None:
        for leave in reversed(self._leave):
            leave()


_WIRING: ContextVar[Wiring] = ContextVar("test_wiring")


def wiring_now() -> Wiring:
    """The running test's wiring (for helpers that are not fixtures)."""
    return _WIRING.get()


@pytest.fixture(autouse=True)
def wiring(settings: Settings, engine: Engine) -> Iterator[Wiring]:
    """One outer transaction per test; every session inside it works in a SAVEPOINT; the
    test's services on it (every test has them: a PIN check needs the pepper)."""
    with engine.connect() as conn:
        outer = conn.begin()
        factory = sessionmaker(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        built = Wiring(conn, Database(factory, engine), settings)
        token = _WIRING.set(built)
        try:
            yield built
        finally:
            _WIRING.reset(token)
            built.close()
            outer.rollback()


@pytest.fixture()
def connection(wiring: Wiring) -> Connection:
    """The test's connection, inside its outer transaction."""
    return wiring.connection


@pytest.fixture()
def services(wiring: Wiring) -> Services:
    """The test's services as its fixtures left them."""
    return wiring.services


@pytest.fixture()
def session(wiring: Wiring) -> Iterator[Session]:
    """A session for arranging and checking data, inside the test's transaction."""
    with wiring.services.database.session() as s:
        yield s


@pytest.fixture()
def queue(wiring: Wiring) -> jobs.InProcessQueue:
    """Jobs run in-process after commit; the test can see which ran."""
    own = in_process()
    wiring.change(queue=own)
    return own


@pytest.fixture()
def app(wiring: Wiring) -> Flask:
    """The real app, its sessions inside the test's transaction."""
    return wiring.app()


def set_clock(clock: Callable[[], datetime]) -> None:
    """The line's clock from now on, for the test and its apps (the phone and the text line
    take their time from it)."""
    wiring_now().change(clock=clock)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


REFERENCE_TABLES = {"court"}  # put there by the migrations, as in every database


def truncate_all(engine: Engine) -> None:
    tables = [
        t.name for t in reversed(Base.metadata.sorted_tables) if t.name not in REFERENCE_TABLES
    ]
    with engine.begin() as conn:
        if is_postgres(str(engine.url)):
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture()
def committed(wiring: Wiring, engine: Engine, settings: Settings) -> Iterator[Engine]:
    """Real commits, for tests with other processes (RQ worker, live server); cleaned after."""
    wiring.change(database=Database(sessionmaker(bind=engine, expire_on_commit=False), engine))
    yield engine
    truncate_all(engine)
    load_demo(engine, settings)


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

    def statement(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        words = statement.lstrip().upper()
        writes = words.startswith(("INSERT", "UPDATE")) or (
            words.startswith("WITH") and ("INSERT INTO" in words or "UPDATE " in words)
        )  # a write in a WITH (core.db's one-round-trip writes)
        if not writes:
            return
        rows = parameters if isinstance(parameters, list | tuple) else [parameters]
        for row in rows:
            values = (
                row.values()
                if isinstance(row, dict)
                else row
                if isinstance(row, list | tuple)
                else [row]
            )
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


def reconfigure(**changes: object) -> Services:
    """Other settings for the rest of the running test, for its jobs and its apps."""
    return wiring_now().configure(**changes)


def worker_thread(target: Callable[..., object], *args: object) -> threading.Thread:
    """A thread that runs with the test's services, as another worker of the same line would
    (a new thread starts with no context of its own)."""
    return threading.Thread(target=contextvars.copy_context().run, args=(target, *args))
