"""The services one process runs with: built once at start-up by its composition root.

``web.services.build`` makes them from the checked settings; ``create_app`` keeps them on the app
and enters them for each app context, ``serveline worker`` enters them for its whole run, and an
in-process job runs with the services of whoever queued it. Anything below (views, jobs, the
core's own sweeps) asks ``current()``: no module holds a database, a queue or a clock of its own.
Plain standard library and the core's own ports: no framework is imported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from core.mail import Mailer
    from core.settings import Settings

Clock = Callable[[], datetime]


class Sessions(Protocol):
    """The database port (``core.db.Database``): sessions on one engine, and units of work."""

    engine: Engine | None

    def session(self) -> Session:
        """A new session."""

    def scope(self) -> AbstractContextManager[Session]:
        """A unit of work: commit on success, roll back on error, then the after-commit work."""


class JobQueue(Protocol):
    """The job queue port (``core.jobs``): RQ in production, in-process otherwise."""

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        """Queue ``job(*args)``; the same ``job_id`` names the same piece of work."""


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class TwilioAccount:
    """What a call to Twilio's REST API needs: the account, its token and the API's base URL."""

    account_sid: str
    auth_token: str
    api_base: str

    @classmethod
    def of(cls, settings: Settings) -> TwilioAccount:
        """TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_API_BASE."""
        return cls(
            settings.twilio_account_sid, settings.twilio_auth_token, settings.twilio_api_base
        )


@dataclass(frozen=True)
class Services:
    """The process's database, job queue, outside services and clock.

    The channel adapters (``fax``, ``state_file``, ``sms``) and the recogniser are typed by the
    channel that uses them (``fax.providers.FaxProvider`` …): the core may not import them.
    """

    settings: Settings
    database: Sessions
    queue: JobQueue
    mailer: Mailer
    fax: Any
    state_file: Any
    sms: Any
    twilio: TwilioAccount
    recogniser: Callable[[], Any]  # the local speech model, loaded on first use (None: none)
    clock: Clock = system_clock

    def but(self, **changes: Any) -> Services:
        """A copy with some parts changed (tests and tools use it)."""
        return replace(self, **changes)

    def now(self) -> datetime:
        return self.clock()


_running: ContextVar[Services] = ContextVar("serveline_services")


class NoServices(RuntimeError):
    """Code that needs the services ran outside the app, the worker or a test that built them."""


def current() -> Services:
    """The services this code runs with (the app's, the worker's, or a test's)."""
    try:
        return _running.get()
    except LookupError:
        raise NoServices(
            "no services here: run inside the app, the worker, or core.services.running(services)"
        ) from None


@contextmanager
def running(services: Services) -> Iterator[Services]:
    """Run the block with these services (the app per context, the worker for its run)."""
    token = _running.set(services)
    try:
        yield services
    finally:
        _running.reset(token)


def enter(services: Services) -> Callable[[], None]:
    """Start running with these services until the returned function is called."""
    token = _running.set(services)
    return lambda: _running.reset(token)
