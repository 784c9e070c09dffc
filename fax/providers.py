"""Fax providers behind one small interface, chosen by FAX_PROVIDER.

``spool`` (the default) writes each fax to a folder; ``signalwire`` sends it through SignalWire's
Twilio-compatible Faxes API, which fetches the PDF from a signed, expiring link we serve.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

import requests

from core.settings import Settings

IN_PROGRESS = frozenset({"queued", "processing", "sending"})
RETRY_LATER = frozenset({"busy", "no-answer"})
MEDIA_LINK_SECONDS = 3600
TIMEOUT = 20


@dataclass(frozen=True)
class Outgoing:
    """One fax to send: which notification, where to, which attempt, and the page itself."""

    notification_id: int
    agency: str
    fax_number: str
    docket: str
    attempt: int
    pdf: bytes


@dataclass(frozen=True)
class Answer:
    """What the provider said: its id for the fax, its status word, and why it failed."""

    provider_id: str | None
    status: str
    reason: str | None = None


class FaxProvider(Protocol):
    def send(self, fax: Outgoing) -> Answer:
        """Hand the fax to the provider; the answer may be final (spool) or in progress."""

    def status(self, provider_id: str) -> Answer:
        """Ask what became of a fax sent earlier."""

    def find(self, notification_id: int, fax_number: str, attempt: int) -> Answer | None:
        """The fax this attempt already handed over before a crash, if the provider has it."""


class SpoolProvider:
    """Writes ``<id>.pdf`` and ``<id>.json`` into FAX_SPOOL_DIR (a newcomer's machine, tests).

    To try retries locally, put lines such as ``busy`` or ``no-answer`` in ``<spool>/answers``:
    each send takes the first line as its answer. ``hold`` stops a send after writing its files
    until ``<spool>/release`` exists (tests use it to kill a worker mid-send).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def send(self, fax: Outgoing) -> Answer:
        self.folder.mkdir(parents=True, exist_ok=True)
        answer = self._next_answer()
        provider_id = f"spool-{fax.notification_id}-{fax.attempt}"
        if answer in RETRY_LATER:
            return Answer(provider_id, answer, f"the fax machine answered {answer}")
        self._write(fax)
        if answer == "hold":
            self._wait_for_release()
        return Answer(provider_id, "delivered")

    def _write(self, fax: Outgoing) -> None:
        meta = {
            "notification": fax.notification_id,
            "agency": fax.agency,
            "fax": fax.fax_number,
            "docket": fax.docket,
            "attempt": fax.attempt,
        }
        (self.folder / f"{fax.notification_id}.pdf").write_bytes(fax.pdf)
        # The .json is written last: its presence means the whole fax went out.
        (self.folder / f"{fax.notification_id}.json").write_text(json.dumps(meta, indent=2))

    def _next_answer(self) -> str:
        script = self.folder / "answers"
        if not script.exists():
            return "delivered"
        lines = script.read_text().splitlines()
        script.write_text("".join(f"{line}\n" for line in lines[1:]))
        return lines[0].strip() if lines else "delivered"

    def _wait_for_release(self) -> None:
        while not (self.folder / "release").exists():
            time.sleep(0.05)

    def status(self, provider_id: str) -> Answer:
        parts = provider_id.split("-")
        if len(parts) != 3 or parts[0] != "spool" or not parts[1].isdigit():
            raise ValueError(f"{provider_id!r} is not a spool fax id")
        notification_id = parts[1]
        delivered = (self.folder / f"{notification_id}.json").exists()
        return Answer(
            provider_id,
            "delivered" if delivered else "failed",
            None if delivered else "not in the spool folder",
        )

    def find(self, notification_id: int, fax_number: str, attempt: int) -> Answer | None:
        meta = self.folder / f"{notification_id}.json"
        if meta.exists() and json.loads(meta.read_text()).get("attempt") == attempt:
            return Answer(f"spool-{notification_id}-{attempt}", "delivered")
        return None


class SignalWireProvider:
    """SignalWire's Compatibility (Twilio-style) Faxes API over HTTP."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.http = requests.Session()
        self.http.auth = (settings.fax_project_id, settings.fax_api_token)

    @property
    def faxes_url(self) -> str:
        base = self.settings.fax_api_base.rstrip("/")
        return f"{base}/api/laml/2010-04-01/Accounts/{self.settings.fax_project_id}/Faxes"

    def send(self, fax: Outgoing) -> Answer:
        form = {
            "From": self.settings.fax_from_number,
            "To": fax.fax_number,
            "MediaUrl": media_url(self.settings, fax.notification_id, fax.attempt),
            "StatusCallback": public(self.settings, "/fax/status"),
        }
        response = self.http.post(f"{self.faxes_url}.json", data=form, timeout=TIMEOUT)
        response.raise_for_status()
        return answer_from(response.json())

    def status(self, provider_id: str) -> Answer:
        response = self.http.get(f"{self.faxes_url}/{provider_id}.json", timeout=TIMEOUT)
        response.raise_for_status()
        return answer_from(response.json())

    def find(self, notification_id: int, fax_number: str, attempt: int) -> Answer | None:
        response = self.http.get(
            f"{self.faxes_url}.json", params={"To": fax_number}, timeout=TIMEOUT
        )
        response.raise_for_status()
        marker = media_path(notification_id, attempt)
        for fax in response.json().get("faxes", []):
            if marker in (fax.get("media_url") or ""):
                return answer_from(fax)
        return None


def answer_from(fax: dict[str, Any]) -> Answer:
    """A SignalWire fax resource (or callback) in our words."""
    reason = fax.get("error_message") or fax.get("error_code")
    return Answer(
        fax.get("sid"), str(fax.get("status") or "queued"), str(reason) if reason else None
    )


def public(settings: Settings, path: str) -> str:
    return (settings.public_base_url or "http://127.0.0.1:5000").rstrip("/") + path


def media_path(notification_id: int, attempt: int) -> str:
    return f"/fax/media/{notification_id}-{attempt}.pdf"


def attempt_in(media_url: str | None) -> tuple[int, int] | None:
    """The notification and attempt a fax's MediaUrl names (our own reference), if any."""
    found = re.search(r"/fax/media/(\d{1,10})-(\d{1,4})\.pdf", media_url or "", re.ASCII)
    return (int(found.group(1)), int(found.group(2))) if found else None


def media_signature(settings: Settings, notification_id: int, attempt: int, expires: int) -> str:
    """HMAC of the link's parts with SECRET_KEY: the link cannot be guessed or extended."""
    message = f"{notification_id}:{attempt}:{expires}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def media_url(
    settings: Settings, notification_id: int, attempt: int, now: float | None = None
) -> str:
    """The signed link the provider fetches the PDF from; it expires after an hour."""
    expires = int((now or time.time()) + MEDIA_LINK_SECONDS)
    query = urlencode(
        {
            "expires": expires,
            "signature": media_signature(settings, notification_id, attempt, expires),
        }
    )
    return public(settings, media_path(notification_id, attempt)) + "?" + query


def media_link_valid(
    settings: Settings,
    notification_id: int,
    attempt: int,
    expires: int,
    signature: str,
    now: float | None = None,
) -> bool:
    """The link is ours and has not expired."""
    expected = media_signature(settings, notification_id, attempt, expires)
    signed = hmac.compare_digest(expected.encode(), signature.encode())  # any text, never a 500
    return signed and (now or time.time()) < expires


def provider_for(settings: Settings) -> FaxProvider:
    """The provider FAX_PROVIDER names (``spool`` unless told otherwise)."""
    if settings.fax_provider == "signalwire":
        return SignalWireProvider(settings)
    if settings.fax_provider == "spool":
        return SpoolProvider(settings.fax_spool_dir)
    raise ValueError(f"unknown FAX_PROVIDER {settings.fax_provider!r}: use spool or signalwire")
