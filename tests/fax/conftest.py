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

from core.settings import Settings
from tests.conftest import Wiring, job_table, redis_url
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
def rq_queue(wiring: Wiring) -> Iterator[RQQueue]:
    """Our Redis db, emptied before and after; the core enqueues on it."""
    queue = RQQueue(redis_url(), job_table())
    queue.connection.flushdb()
    wiring.change(queue=queue)
    yield queue
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

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        self.asked.append((job, args, job_id, delay))


@pytest.fixture()
def asked(wiring: Wiring) -> RecordingQueue:
    recording = RecordingQueue()
    wiring.change(queue=recording)
    return recording


@pytest.fixture()
def signalwire_settings(wiring: Wiring, spool: Path) -> Settings:
    """SignalWire configured, for the app and for the jobs."""
    return wiring.configure(
        fax_provider="signalwire",
        fax_api_base=SIGNALWIRE,
        fax_project_id=PROJECT,
        fax_api_token="PTtest-token",
        fax_signing_key=SIGNING_KEY,
        fax_spool_dir=spool,
    ).settings


@pytest.fixture()
def fax_app(wiring: Wiring, signalwire_settings: Settings) -> Flask:
    return wiring.app()


@pytest.fixture()
def fax_client(fax_app: Flask) -> FlaskClient:
    return fax_app.test_client()
