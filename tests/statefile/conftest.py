"""State-file test parts: the spool folder (with acks/), Redis, workers real and in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from rq import SimpleWorker

from tests.conftest import Wiring
from tests.fax.conftest import Mailbox, RecordingQueue, asked, rq_queue, smtp  # noqa: F401
from tests.sms.conftest import Phone, clock  # noqa: F401
from web.queue import QUEUE_NAMES, RQQueue

STATE_FILE_URL = "https://state-file.example.test/por/messages"
SANTOS = "+18605550191"  # marshal 417, default court New London


@pytest.fixture()
def santos(client: FlaskClient, clock: object) -> Phone:  # noqa: F811
    return Phone(client, SANTOS)


@pytest.fixture()
def state_spool(wiring: Wiring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The spool folder, for this process's jobs and (through the environment) the worker's."""
    folder = tmp_path / "state-spool"
    folder.mkdir()
    folders = {
        "STATE_FILE_SPOOL_DIR": folder,
        "FAX_SPOOL_DIR": tmp_path / "fax-spool",
        "MAIL_OUTBOX_DIR": tmp_path / "outbox",
    }
    for key, value in folders.items():
        monkeypatch.setenv(key, str(value))  # a worker started in its own process
    wiring.configure(
        state_file_spool_dir=folder,
        fax_spool_dir=folders["FAX_SPOOL_DIR"],
        mail_outbox_dir=folders["MAIL_OUTBOX_DIR"],
    )
    return folder


@pytest.fixture()
def http_state_file(wiring: Wiring) -> str:
    wiring.configure(
        state_file_provider="http", state_file_url=STATE_FILE_URL, state_file_token="sf-test-token"
    )
    return STATE_FILE_URL


def spooled(folder: Path) -> dict[str, dict[str, Any]]:
    """The messages in the spool, by message id."""
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}


def ack(folder: Path, message_id: str, status: str, reason: str | None = None) -> None:
    """What the state's operator (or the bridge to the switch) drops into acks/."""
    (folder / "acks").mkdir(exist_ok=True)
    body = {"status": status} | ({"reason": reason} if reason else {})
    (folder / "acks" / f"{message_id}.json").write_text(json.dumps(body))


def work_in_process(queue: RQQueue) -> None:
    """A real RQ worker on Redis, in this process (so `responses` sees its HTTP), until empty."""
    worker = SimpleWorker([queue.queue(n) for n in QUEUE_NAMES], connection=queue.connection)
    worker.work(burst=True, with_scheduler=False)
