"""State-file adapters behind one small interface, chosen by STATE_FILE_PROVIDER.

``spool`` (the default) writes each message as ``<message_id>.json`` into a folder; the answer
comes back as ``acks/<message_id>.json`` (``{"status": "accepted"}`` or ``{"status":
"rejected", "reason": "..."}``), dropped there by an operator, a bridge to the state's switch,
or a test. ``http`` POSTs the message to STATE_FILE_URL and reads the answer.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

from core.settings import Settings

RECEIVED, ACCEPTED, REJECTED = "received", "accepted", "rejected"
ANSWERS = frozenset({RECEIVED, ACCEPTED, REJECTED})
# The receiver says the message itself is wrong: it will never be taken as it is.
REFUSED_CODES = frozenset({400, 409, 422})
TIMEOUT = 20


@dataclass(frozen=True)
class Outgoing:
    """One message to deliver: its row, its stable id, which attempt, and the JSON itself."""

    row_id: int
    message_id: str
    attempt: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class Answer:
    """What the state file said: its reference, received / accepted / rejected, and why."""

    ref: str | None
    status: str
    reason: str | None = None


class HandOverFailed(Exception):
    """The receiver certainly did not take the message (refused the connection's credentials,
    no such endpoint...): try again later."""


class StateFileProvider(Protocol):
    local: bool

    def send(self, message: Outgoing) -> Answer:
        """Hand the message over; the answer may be final or just ``received``."""

    def status(self, message_id: str) -> Answer | None:
        """What became of a message sent earlier; None when the receiver does not have it."""


class SpoolProvider:
    """A folder of messages and an ``acks/`` folder of answers.

    ``hold`` in the folder makes a send wait, after writing, until ``release`` exists (tests
    kill a worker mid-send with it).
    """

    local = True

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.acks = self.folder / "acks"

    def send(self, message: Outgoing) -> Answer:
        self.acks.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{message.message_id}.json"
        partial = target.with_suffix(".part")
        partial.write_text(json.dumps(message.payload, indent=2, sort_keys=True))
        os.replace(partial, target)  # whole or not at all
        if (self.folder / "hold").exists():
            self._wait_for_release()
        return Answer(message.message_id, RECEIVED)

    def _wait_for_release(self) -> None:
        while not (self.folder / "release").exists():
            time.sleep(0.05)

    def status(self, message_id: str) -> Answer | None:
        ack = self.acks / f"{message_id}.json"
        if ack.exists():
            return answer_from(_read_ack(ack), message_id)
        if (self.folder / f"{message_id}.json").exists():
            return Answer(message_id, RECEIVED)
        return None


def _read_ack(path: Path) -> dict[str, Any]:
    """An ack file: JSON, or one word (``accepted``, ``rejected: reason``) for a hand-made one."""
    text = path.read_text().strip()
    try:
        found = json.loads(text)
    except ValueError:
        word, _, reason = text.partition(":")
        return {"status": word.strip().lower(), "reason": reason.strip() or None}
    return found if isinstance(found, dict) else {"status": str(found)}


def answer_from(body: dict[str, Any], message_id: str) -> Answer:
    """An answer in the schema's words; anything unreadable is a rejection saying so."""
    status = str(body.get("status") or RECEIVED).lower()
    reason = body.get("reason")
    if status not in ANSWERS:
        return Answer(message_id, REJECTED, f"unreadable answer {status!r}")
    return Answer(str(body.get("id") or message_id), status, str(reason) if reason else None)


class HttpProvider:
    """POST the message as JSON to STATE_FILE_URL; GET ``<url>/<message_id>`` asks again.

    Authenticated by a bearer token (STATE_FILE_TOKEN) and/or a client certificate
    (STATE_FILE_CLIENT_CERT, STATE_FILE_CLIENT_KEY). The message id is the idempotency key.
    """

    local = False

    def __init__(self, settings: Settings) -> None:
        self.url = settings.state_file_url.rstrip("/")
        self.http = requests.Session()
        if settings.state_file_token:
            self.http.headers["Authorization"] = f"Bearer {settings.state_file_token}"
        if settings.state_file_client_cert:
            self.http.cert = (
                settings.state_file_client_cert,
                settings.state_file_client_key or settings.state_file_client_cert,
            )

    def send(self, message: Outgoing) -> Answer:
        response = self.http.post(
            self.url,
            json=message.payload,
            timeout=TIMEOUT,
            headers={"Idempotency-Key": message.message_id},
        )
        if response.status_code in REFUSED_CODES:
            return Answer(message.message_id, REJECTED, _reason(response))
        if 400 <= response.status_code < 500:
            raise HandOverFailed(
                f"the state file refused the request (HTTP {response.status_code})"
            )
        response.raise_for_status()  # 5xx: we cannot know; reconciliation asks
        return answer_from(_json(response), message.message_id)

    def status(self, message_id: str) -> Answer | None:
        response = self.http.get(f"{self.url}/{message_id}", timeout=TIMEOUT)
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return answer_from(_json(response), message_id)


def _json(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reason(response: requests.Response) -> str:
    body = _json(response)
    return str(body.get("reason") or response.text[:300] or f"HTTP {response.status_code}")


def provider_for(settings: Settings) -> StateFileProvider:
    """The adapter STATE_FILE_PROVIDER names (``spool`` unless told otherwise)."""
    if settings.state_file_provider == "http":
        if not settings.state_file_url:
            raise ValueError("STATE_FILE_PROVIDER=http needs STATE_FILE_URL")
        return HttpProvider(settings)
    if settings.state_file_provider == "spool":
        return SpoolProvider(settings.state_file_spool_dir)
    raise ValueError(
        f"unknown STATE_FILE_PROVIDER {settings.state_file_provider!r}: use spool or http"
    )
