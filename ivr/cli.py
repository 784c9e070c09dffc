"""`serveline call`: a terminal softphone that plays Twilio's part against a running ServeLine."""

from __future__ import annotations

import itertools
import secrets
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin

import click
import requests

from core.settings import load_settings
from web.twilio_signature import sign

Post = Callable[[str, dict[str, str], dict[str, str]], str]
HANG_UP = {"h", "hangup", "q"}


def http_post(url: str, form: dict[str, str], headers: dict[str, str]) -> str:
    answer = requests.post(url, data=form, headers=headers, timeout=20)
    answer.raise_for_status()
    return answer.text


@dataclass
class Softphone:
    """One call: signs each request as Twilio does and follows the TwiML it gets back."""

    url: str
    sign_base: str
    caller: str
    token: str
    read: Callable[[str], str]
    show: Callable[[str], None]
    post: Post = http_post
    wav_url: str | None = None
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    _recordings: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def run(self) -> None:
        """Call the line and follow it until one side hangs up."""
        document: ET.Element | None = self.request("/ivr/voice", {})
        while document is not None:
            document = self.follow(document)
        self.request_status()

    def request(self, path: str, params: dict[str, str]) -> ET.Element:
        form = {"CallSid": self.call_sid, "From": self.caller, "To": "+18005550100",
                "AccountSid": "ACsimulator", "CallStatus": "in-progress", **params}
        signature = sign(urljoin(self.sign_base, path), form, self.token)
        text = self.post(urljoin(self.url, path), form, {"X-Twilio-Signature": signature})
        return ET.fromstring(text)

    def request_status(self) -> None:
        form = {"CallSid": self.call_sid, "CallStatus": "completed", "CallDuration": "60"}
        signature = sign(urljoin(self.sign_base, "/ivr/status"), form, self.token)
        self.post(urljoin(self.url, "/ivr/status"), form, {"X-Twilio-Signature": signature})

    def follow(self, document: ET.Element) -> ET.Element | None:
        """Play one TwiML document; the next document, or None when the call is over."""
        for verb in document:
            handler = getattr(self, f"_{verb.tag.lower()}", None)
            if handler is None:
                self.show(f"[{verb.tag} is not simulated]")
                continue
            outcome = handler(verb)
            if outcome is not False:
                return outcome
        self.show("[the TwiML ended: the line hangs up]")
        return None

    def _say(self, verb: ET.Element) -> bool:
        self.show(f"LINE: {verb.text or ''}")
        return False

    def _pause(self, verb: ET.Element) -> bool:
        self.show(f"[pause {verb.attrib.get('length', '1')} s]")
        return False

    def _start(self, verb: ET.Element) -> bool:
        self.show("[call recording started]")
        return False

    def _dial(self, verb: ET.Element) -> bool:
        self.show(f"[dialling {verb.text}; the simulator hangs up that leg at once]")
        return False

    def _hangup(self, verb: ET.Element) -> None:
        self.show("[the line hung up]")
        return None

    def _redirect(self, verb: ET.Element) -> ET.Element:
        return self.request(verb.text or "", {})

    def _gather(self, verb: ET.Element) -> ET.Element | bool | None:
        for say in verb.iter("Say"):
            self._say(say)
        speech = "speech" in verb.attrib.get("input", "")
        hint = "keys (or 'say: words')" if speech else "keys"
        typed = self.read(f"{hint}, Enter for silence, h to hang up").strip()
        if typed.lower() in HANG_UP:
            return None
        if not typed:
            return False
        if speech and typed.lower().startswith("say:"):
            params = {"SpeechResult": typed[4:].strip(), "Confidence": "0.9"}
        else:
            params = {"Digits": typed.rstrip("#")}
        return self.request(verb.attrib["action"], params)

    def _record(self, verb: ET.Element) -> ET.Element | bool | None:
        typed = self.read("[recording] Enter to send the WAV (or silence), h to hang up").strip()
        if typed.lower() in HANG_UP:
            return None
        if not self.wav_url:
            self.show("[no --wav given: nothing was said]")
            return False
        sid = f"RE{next(self._recordings):032d}"
        params = {"RecordingUrl": f"{self.wav_url}/{sid}", "RecordingSid": sid,
                  "RecordingDuration": "5", "Digits": "#"}
        return self.request(verb.attrib["action"], params)


def serve_wav(path: Path) -> str:
    """Serve one WAV file on loopback (any path), as Twilio serves a RecordingUrl."""
    body = path.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
            self.send_response(200)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


@click.command("call")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True,
              help="The running ServeLine.")
@click.option("--from", "caller", default="+18605550190", show_default=True,
              help="Caller ID (the demo marshal 903 by default).")
@click.option("--token", default=None, help="Twilio auth token [default: TWILIO_AUTH_TOKEN or "
              "the development token].")
@click.option("--public-base-url", default=None,
              help="The base URL the server checks signatures against [default: PUBLIC_BASE_URL "
              "or --url].")
@click.option("--wav", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A WAV file sent wherever the line records (comments, spoken dockets).")
def call_command(url: str, caller: str, token: str | None, public_base_url: str | None,
                 wav: Path | None) -> None:
    """Try the phone line from a terminal, playing Twilio's part."""
    settings = load_settings()
    phone = Softphone(
        url=url, sign_base=public_base_url or settings.public_base_url or url, caller=caller,
        token=token or settings.twilio_auth_token, read=partial(click.prompt, default="",
                                                                show_default=False),
        show=click.echo, wav_url=serve_wav(wav) if wav else None)
    try:
        phone.run()
    except requests.RequestException as error:
        raise click.ClickException(f"the line did not answer: {error}") from error
