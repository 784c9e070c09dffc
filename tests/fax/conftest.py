"""Fax test parts: a spool folder, Redis with a real RQ worker, SMTP on loopback, SignalWire."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection

from core import jobs
from core.db import db
from core.settings import Settings
from tests.conftest import redis_url
from web.app import create_app
from web.queue import RQQueue

SIGNALWIRE = "https://example.signalwire.test"
PROJECT = "b3877c40-da60-4998-90ad-b792e98472ac"
SIGNING_KEY = "PSKtest-signing-key"


@pytest.fixture()
def spool(tmp_path: Path) -> Path:
    folder = tmp_path / "spool"
    folder.mkdir()
    return folder


@pytest.fixture()
def rq_queue() -> Iterator[RQQueue]:
    """Our Redis db, emptied before and after; the core enqueues on it."""
    queue = RQQueue(redis_url())
    queue.connection.flushdb()
    previous = jobs.current()
    jobs.configure(queue)
    yield queue
    jobs.configure(previous)
    queue.connection.flushdb()


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture()
def smtp() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on loopback; yields its mailbox and port."""
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


class RecordingQueue:
    """The job-queue port, keeping what was asked instead of running it."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, tuple[Any, ...], str, float]] = []

    def enqueue(self, job: str, *args: Any, job_id: str, queue: str = "default",
                delay: float = 0) -> None:
        self.asked.append((job, args, job_id, delay))


@pytest.fixture()
def asked() -> Iterator[RecordingQueue]:
    previous = jobs.current()
    recording = RecordingQueue()
    jobs.configure(recording)
    yield recording
    jobs.configure(previous)


@pytest.fixture()
def signalwire_settings(settings: Settings, spool: Path, monkeypatch: pytest.MonkeyPatch
                        ) -> Settings:
    """SignalWire configured, for the app and (through the environment) for the jobs."""
    env = {"FAX_PROVIDER": "signalwire", "FAX_API_BASE": SIGNALWIRE, "FAX_PROJECT_ID": PROJECT,
           "FAX_API_TOKEN": "PTtest-token", "FAX_SIGNING_KEY": SIGNING_KEY,
           "PUBLIC_BASE_URL": settings.public_base_url or "", "SECRET_KEY": settings.secret_key,
           "FAX_SPOOL_DIR": str(spool), "FAX_FROM_NUMBER": settings.fax_from_number}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return settings.but(fax_provider="signalwire", fax_api_base=SIGNALWIRE,
                        fax_project_id=PROJECT, fax_api_token="PTtest-token",
                        fax_signing_key=SIGNING_KEY, fax_spool_dir=spool)


@pytest.fixture()
def fax_app(signalwire_settings: Settings, connection: Connection) -> Flask:
    factory = db.factory
    previous = jobs.current()
    application = create_app(signalwire_settings, TESTING=True)
    db.factory = factory  # keep the test's transaction
    jobs.configure(previous)  # create_app installed its own queue; keep the test's
    return application


@pytest.fixture()
def fax_client(fax_app: Flask) -> FlaskClient:
    return fax_app.test_client()
