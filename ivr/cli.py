"""`serveline call`: a terminal softphone that plays Twilio's part against a running ServeLine."""

from __future__ import annotations

import secrets
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urljoin

import click
import requests

from core.settings import cli_settings
from edge.signature import SIMULATOR_ACCOUNT, sign
from edge.standin import Recordings, TwilioApi, joined, seconds_of, start_api
from edge.twilio_rest import account_url

Post = Callable[[str, dict[str, str], dict[str, str]], str]
HANG_UP = {"h", "hangup", "q"}
API_PORT = 5001  # `make run` points TWILIO_API_BASE here
ACCOUNT = SIMULATOR_ACCOUNT
CALL_RECORDING = "StartCallRecordingTwiML"
RECORD_VERB = "RecordVerb"
PHONE_RATE = 8000


def http_post(url: str, form: dict[str, str], headers: dict[str, str]) -> str:
    answer = requests.post(url, data=form, headers=headers, timeout=20)
    answer.raise_for_status()
    return answer.text


@dataclass
class Softphone:
    """One call: signs each request as Twilio does and follows the TwiML it gets back.

    With ``api`` it also plays Twilio's REST API: what the caller says at a <Record> (the
    ``wav`` audio) and the whole call's recording are held there for the line to fetch, and
    their recording status callbacks are sent as Twilio sends them.
    """

    url: str
    sign_base: str
    caller: str
    token: str
    read: Callable[[str], str]
    show: Callable[[str], None]
    post: Post = http_post
    wav: bytes | None = None
    api: TwilioApi | None = None
    account_sid: str = ACCOUNT
    linger_seconds: float = 15.0
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))
    recordings: Recordings = field(default_factory=Recordings)
    said: list[bytes] = field(default_factory=list)
    call_recording_callback: str | None = None
    pending: str = ""  # 'say: …' typed at a menu's keys, for the recording after it

    def __post_init__(self) -> None:
        if self.api is not None:
            self.recordings = self.api.recordings  # what the stand-in serves

    def run(self) -> None:
        """Call the line and follow it until one side hangs up."""
        document: ET.Element | None = self.request("/ivr/voice", {})
        while document is not None:
            document = self.follow(document)
        self.request_status()
        self.finish_call_recording()

    def request(self, path: str, params: dict[str, str]) -> ET.Element:
        form = {
            "CallSid": self.call_sid,
            "From": self.caller,
            "To": "+18005550100",
            "AccountSid": self.account_sid,
            "CallStatus": "in-progress",
            "StirVerstat": "TN-Validation-Passed-A",
            **params,
        }
        return ET.fromstring(self.send(path, form))

    def send(self, path: str, form: dict[str, str]) -> str:
        """POST a signed form to a path of the line (or a full URL it named, which is under
        the public base URL it signs against: sent to the line's own URL)."""
        base = self.sign_base.rstrip("/")
        if path.startswith(base + "/"):
            path = path[len(base) :]
        signature = sign(urljoin(self.sign_base, path), form, self.token)
        return self.post(urljoin(self.url, path), form, {"X-Twilio-Signature": signature})

    def request_status(self) -> None:
        self.send(
            "/ivr/status",
            {
                "CallSid": self.call_sid,
                "CallStatus": "completed",
                "CallDuration": "60",
                "AccountSid": self.account_sid,
            },
        )

    def hold(self, audio: bytes) -> tuple[str, str]:
        """Hold audio as a recording at the stand-in: its sid and RecordingUrl."""
        sid = self.recordings.add(audio)
        base = self.api.url if self.api else "https://api.twilio.com"
        return sid, account_url(base, self.account_sid, "Recordings", sid)

    def recording_done(
        self, callback: str | None, sid: str, url: str, audio: bytes, source: str
    ) -> None:
        """The recording status callback Twilio sends once a recording is complete (only
        with the REST stand-in: without it there is nothing to fetch)."""
        if not callback or self.api is None:
            return
        self.send(
            callback,
            {
                "AccountSid": self.account_sid,
                "CallSid": self.call_sid,
                "RecordingSid": sid,
                "RecordingUrl": url,
                "RecordingStatus": "completed",
                "RecordingChannels": "1",
                "RecordingDuration": str(seconds_of(audio)),
                "RecordingSource": source,
            },
        )

    def finish_call_recording(self) -> None:
        """After the call: the call recording is complete; wait for the line to collect."""
        if self.call_recording_callback is None or self.api is None:
            return
        audio = joined(self.said)
        sid, url = self.hold(audio)
        self.recording_done(self.call_recording_callback, sid, url, audio, CALL_RECORDING)
        self.show(f"[call recording {sid} complete]")
        self.wait_for_fetches()

    def wait_for_fetches(self) -> None:
        assert self.api is not None
        held = self.recordings.held()
        if held and not self.recordings.wait_until_collected(held, self.linger_seconds):
            self.show(
                f"[the line has not fetched {', '.join(self.recordings.held())}: "
                f"start it with TWILIO_API_BASE={self.api.url}]"
            )

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
        recording = verb.find("Recording")
        if recording is not None:
            self.call_recording_callback = recording.attrib.get("recordingStatusCallback", "")
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
        if typed.lower().startswith("say:") and not speech:
            self.pending = typed  # local speech: said at the <Record> that follows the prompt
            return False
        if speech and typed.lower().startswith("say:"):
            params = {"SpeechResult": typed[4:].strip(), "Confidence": "0.9"}
        else:
            params = {"Digits": typed.rstrip("#")}
        return self.request(verb.attrib["action"], params)

    def _record(self, verb: ET.Element) -> ET.Element | bool | None:
        typed, self.pending = (
            self.pending
            or self.read(
                "[recording] 'say: words' to speak, Enter to send the WAV (or silence), h to hang "
                "up"
            ).strip(),
            "",
        )
        if typed.lower() in HANG_UP:
            return None
        audio = self.utterance(typed)
        if audio is None:
            self.show("[no --wav given: nothing was said]")
            return False
        self.said.append(audio)
        sid, url = self.hold(audio)
        params = {
            "RecordingUrl": url,
            "RecordingSid": sid,
            "RecordingDuration": str(seconds_of(audio)),
            "Digits": "#",
        }
        document = self.request(verb.attrib["action"], params)
        self.recording_done(
            verb.attrib.get("recordingStatusCallback"), sid, url, audio, RECORD_VERB
        )
        return document

    def utterance(self, typed: str) -> bytes | None:
        """The audio the caller says at a <Record>: ``say: words`` spoken by espeak-ng as a
        phone carries it, else the --wav file (Enter)."""
        if typed.lower().startswith("say:") and typed[4:].strip():
            try:
                return synthesized(typed[4:].strip())
            except (OSError, subprocess.CalledProcessError) as error:
                self.show(f"[espeak-ng could not say it ({error}): nothing was said]")
                return None
        return self.wav


def synthesized(text: str) -> bytes:
    """The words said by espeak-ng, as Twilio records a caller: 8 kHz μ-law WAV (sox makes
    the telephone channel: 300-3400 Hz)."""
    with tempfile.TemporaryDirectory() as folder:
        said, phone = Path(folder) / "said.wav", Path(folder) / "phone.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "145", "-w", str(said), text],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "sox",
                "-R",
                str(said),
                "-r",
                str(PHONE_RATE),
                "-c",
                "1",
                "-e",
                "u-law",
                str(phone),
                "sinc",
                "300-3400",
            ],
            check=True,
            capture_output=True,
        )
        return phone.read_bytes()


@click.command("call")
@click.option(
    "--url", default="http://127.0.0.1:5000", show_default=True, help="The running ServeLine."
)
@click.option(
    "--from",
    "caller",
    default="+18605550190",
    show_default=True,
    help="Caller ID (the demo marshal 903 by default).",
)
@click.option(
    "--token",
    default=None,
    help="Twilio auth token [default: TWILIO_AUTH_TOKEN or the development token].",
)
@click.option(
    "--public-base-url",
    default=None,
    help="The base URL the server checks signatures against [default: PUBLIC_BASE_URL or --url].",
)
@click.option(
    "--wav",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A WAV file: what the caller says wherever the line records (comments).",
)
@click.option(
    "--api-port",
    default=API_PORT,
    show_default=True,
    help="Loopback port of the Twilio REST stand-in (the line's TWILIO_API_BASE).",
)
def call_command(
    url: str,
    caller: str,
    token: str | None,
    public_base_url: str | None,
    wav: Path | None,
    api_port: int,
) -> None:
    """Try the phone line from a terminal, playing Twilio's part (webhooks and REST API)."""
    settings = cli_settings(click.get_current_context())
    secret = token or settings.twilio_auth_token
    api = start_api(secret, api_port, click.echo)
    phone = Softphone(
        url=url,
        sign_base=public_base_url or settings.public_base_url or url,
        caller=caller,
        token=secret,
        read=partial(click.prompt, default="", show_default=False),
        show=click.echo,
        wav=wav.read_bytes() if wav else None,
        api=api,
        account_sid=settings.twilio_account_sid or ACCOUNT,
    )
    try:
        phone.run()
    except requests.RequestException as error:
        raise click.ClickException(f"the line did not answer: {error}") from error
    finally:
        api.close()
