"""Texts the line sends on its own (reminders, priority alerts): Twilio's REST Messages API when
TWILIO_ACCOUNT_SID is set (or SMS_SENDER=twilio), otherwise (or SMS_SENDER=outbox) a local
outbox folder, SMS_OUTBOX_DIR, that ``serveline text`` shows."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import requests

from core import services
from core.db import utcnow
from core.services import TwilioAccount
from core.settings import Settings
from edge.twilio_rest import keys, resource_url

log = logging.getLogger(__name__)
# Twilio: "Attempt to send to unsubscribed recipient" (the person texted STOP).
UNSUBSCRIBED = 21610
TIMEOUT = 20


@dataclass(frozen=True)
class Sent:
    """What became of one text: its id, or that the phone has opted out at Twilio."""

    sid: str | None
    opted_out: bool = False


class TextSender(Protocol):
    def send(self, to: str, body: str) -> Sent:
        """Send one text."""


class TwilioSender:
    """POST {TWILIO_API_BASE}/2010-04-01/Accounts/{sid}/Messages.json."""

    def __init__(self, settings: Settings) -> None:
        self.twilio = TwilioAccount.of(settings)
        self.from_number = settings.twilio_from_number

    def send(self, to: str, body: str) -> Sent:
        url = resource_url(self.twilio, "Messages.json")
        response = requests.post(
            url,
            data={"To": to, "From": self.from_number, "Body": body},
            auth=keys(self.twilio),
            timeout=TIMEOUT,
        )
        if response.status_code == 400 and _code(response) == UNSUBSCRIBED:
            return Sent(None, opted_out=True)
        response.raise_for_status()
        return Sent(str(response.json().get("sid")))


def _code(response: requests.Response) -> Any:
    try:
        return response.json().get("code")
    except ValueError:
        return None


class OutboxSender:
    """Writes each text as ``<time>.json`` (to, from, body, at) into SMS_OUTBOX_DIR."""

    def __init__(self, settings: Settings) -> None:
        self.folder = Path(settings.sms_outbox_dir)
        self.from_number = settings.twilio_from_number

    def send(self, to: str, body: str) -> Sent:
        self.folder.mkdir(parents=True, exist_ok=True)
        sid = f"local-{time.time_ns()}"
        text = {
            "sid": sid,
            "to": to,
            "from": self.from_number,
            "body": body,
            "at": utcnow().isoformat(),
        }
        (self.folder / f"{sid}.json").write_text(json.dumps(text, indent=2))
        log.warning("text to %s written to %s", to, self.folder)
        return Sent(sid)


def sender_for(settings: Settings) -> TextSender:
    """SMS_SENDER's choice; unset: Twilio with an account, otherwise the local outbox."""
    chosen = settings.sms_sender or ("twilio" if settings.twilio_account_sid else "outbox")
    return TwilioSender(settings) if chosen == "twilio" else OutboxSender(settings)


def outbox_texts(folder: Path, to: str | None = None) -> list[dict[str, Any]]:
    """The texts in the local outbox, oldest first, optionally to one phone."""
    found = [json.loads(p.read_text()) for p in sorted(Path(folder).glob("local-*.json"))]
    return [t for t in found if to is None or t.get("to") == to]


def send_text(to: str, body: str) -> str | None:
    """The job: send one text; returns its id (None when the phone opted out)."""
    sender: TextSender = services.current().sms
    return sender.send(to, body).sid
