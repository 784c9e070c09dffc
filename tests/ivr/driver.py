"""A small softphone for tests: signs requests as Twilio does and follows the TwiML it gets."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import urljoin

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from edge.signature import sign
from tests.twilio_ids import twilio_sid

BASE = "https://serveline.test"
TOKEN = "test-twilio-auth-token"
_sids = itertools.count(1)


@dataclass
class Phone:
    """One call: what was last said and what the line now waits for."""

    client: FlaskClient
    caller: str = "+18605550190"
    call_sid: str = field(default_factory=lambda: twilio_sid("CA", f"test{next(_sids)}"))
    token: str = TOKEN
    said: list[str] = field(default_factory=list)
    document: ET.Element | None = None
    status: int = 0
    last_url: str = ""
    last_params: dict[str, str] = field(default_factory=dict)
    verstat: str = "TN-Validation-Passed-A"  # the carrier verified the caller ID (STIR/SHAKEN A)

    def dial(self) -> Phone:
        self._post("/ivr/voice", {})
        return self

    def press(self, keys: str) -> Phone:
        """Keys at a Gather (the finishing # is not sent, as Twilio does)."""
        return self._post(self._action("Gather"), {"Digits": keys})

    def press_at(self, path: str, keys: str = "") -> Phone:
        """A POST to a given step URL (the speech blueprint redirecting back to us)."""
        return self._post(path, {"Digits": keys} if keys else {})

    def speak(self, text: str, confidence: float = 0.9) -> Phone:
        return self._post(
            self._action("Gather"), {"SpeechResult": text, "Confidence": str(confidence)}
        )

    def record(self, sid: str = "REcomment1", key: str = "#") -> Phone:
        """Speak at a <Record>, ended by pound (or by another key, which Twilio passes on)."""
        url = f"https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/{sid}"
        return self._post(
            self._action("Record"),
            {"RecordingUrl": url, "RecordingSid": sid, "RecordingDuration": "4", "Digits": key},
        )

    def silence(self) -> Phone:
        """Nothing pressed: Twilio goes on to the Redirect after the Gather."""
        return self._post(self._redirect(), {})

    def retry(self) -> Phone:
        """Twilio sends the last webhook again (it did not hear our answer)."""
        return self._post(self.last_url, self.last_params, keep=True)

    def hang_up(self, status: str = "completed") -> TestResponse:
        return self.send("/ivr/status", {"CallStatus": status, "CallDuration": "42"})

    def send(self, path: str, params: dict[str, str], signature: str | None = None) -> TestResponse:
        """A signed (or forged) Twilio POST."""
        form = {
            "CallSid": self.call_sid,
            "From": self.caller,
            "To": "+18005550100",
            "AccountSid": "ACtest",
            **({"StirVerstat": self.verstat} if self.verstat else {}),
            **params,
        }
        url = urljoin(BASE, path)
        header = signature if signature is not None else sign(url, form, self.token)
        return self.client.post(path, data=form, headers={"X-Twilio-Signature": header})

    @property
    def text(self) -> str:
        return " ".join(self.said)

    @property
    def hung_up(self) -> bool:
        return self._find("Hangup") is not None

    @property
    def dialled(self) -> str | None:
        found = self._find("Dial")
        return found.text if found is not None else None

    def _post(self, path: str, params: dict[str, str], keep: bool = False) -> Phone:
        self.last_url, self.last_params = path, params
        answer = self.send(path, params)
        self.status = answer.status_code
        assert answer.status_code == 200, answer.status_code
        self.document = ET.fromstring(answer.data)
        self.said = [e.text or "" for e in self.document.iter("Say")]
        return self

    def _find(self, tag: str) -> ET.Element | None:
        assert self.document is not None
        return next(self.document.iter(tag), None)

    def _action(self, tag: str) -> str:
        found = self._find(tag)
        assert found is not None, f"the line is not waiting for a {tag}: {self.text}"
        return found.attrib["action"]

    def _redirect(self) -> str:
        found = self._find("Redirect")
        assert found is not None and found.text
        return found.text

    def gather(self) -> ET.Element | None:
        return self._find("Gather")
