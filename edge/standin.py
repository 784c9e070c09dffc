"""Twilio's REST API as the simulators play it, on loopback: a call's recordings, texts' deletion.

Twilio keeps a call's recordings until they are deleted: ``GET …/Recordings/{sid}.wav`` hands
over the audio (HTTP Basic auth with the account's keys), ``DELETE …/Recordings/{sid}.json``
removes it; ``DELETE …/Messages/{sid}.json`` removes a text (one that held a PIN). ServeLine
calls only ``TWILIO_API_BASE``; point it at ``TwilioApi.url``.

Whatever supplies audio (``--wav``, or a synthesized utterance) registers it under a recording
sid with ``Recordings.add`` and then names that sid in the webhook, as Twilio does.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import threading
import time
import wave
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from edge.twilio_rest import account_url

RESOURCE = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>\w*)/(?P<kind>Recordings|Messages)/"
    r"(?P<sid>(?:RE|SM|MM)\w+)\.(?P<ext>wav|json)$"
)
SILENCE_RATE = 8000


class Recordings:
    """The audio the stand-in holds, by recording sid, until the line deletes it."""

    def __init__(self) -> None:
        self._audio: dict[str, bytes] = {}
        self._served: set[str] = set()
        self._numbers = itertools.count(1)
        self._changed = threading.Condition()

    def add(self, audio: bytes) -> str:
        """Hold ``audio`` under a new recording sid (what a <Record> or the call produced)."""
        sid = f"RE{next(self._numbers):032d}"
        self.register(sid, audio)
        return sid

    def register(self, sid: str, audio: bytes) -> None:
        """Hold ``audio`` under a sid of the caller's choosing."""
        with self._changed:
            self._audio[sid] = audio

    def audio(self, sid: str) -> bytes | None:
        with self._changed:
            found = self._audio.get(sid)
            if found is not None:
                self._served.add(sid)
                self._changed.notify_all()
            return found

    def delete(self, sid: str) -> bool:
        with self._changed:
            found = self._audio.pop(sid, None) is not None
            self._changed.notify_all()
            return found

    def held(self) -> list[str]:
        """Sids still held that the line has neither fetched nor deleted."""
        with self._changed:
            return [sid for sid in self._audio if sid not in self._served]

    def wait_until_collected(self, sids: Iterable[str], seconds: float) -> bool:
        """Wait (at most ``seconds``) until each of ``sids`` was fetched or deleted."""
        wanted = set(sids)
        deadline = time.monotonic() + seconds
        with self._changed:
            while True:
                waiting = {s for s in wanted if s in self._audio and s not in self._served}
                left = deadline - time.monotonic()
                if not waiting or left <= 0:
                    return not waiting
                self._changed.wait(left)


class TwilioApi:
    """The REST stand-in: one loopback HTTP server over ``recordings``, checking the keys."""

    def __init__(self, recordings: Recordings, token: str, port: int = 0) -> None:
        self.recordings, self.token = recordings, token
        self.requests: list[tuple[str, str]] = []
        self.deleted_messages: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def recording_url(self, account: str, sid: str) -> str:
        """The RecordingUrl Twilio puts in a webhook (no extension)."""
        return account_url(self.url, account, "Recordings", sid)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def authorised(self, header: str, account: str) -> bool:
        """HTTP Basic with the account sid named in the path and the auth token."""
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return user == account and password == self.token

    def answer(self, method: str, path: str, auth: str) -> tuple[int, str, bytes]:
        """Status, content type and body for one request, as Twilio answers it."""
        self.requests.append((method, path))
        match = RESOURCE.match(path)
        if match is None:
            return _error(404, "The requested resource was not found")
        if not self.authorised(auth, match["account"]):
            return _error(401, "Authenticate")
        sid = match["sid"]
        if match["kind"] == "Messages":
            return self._message(method, match["ext"], sid)
        if method == "GET" and match["ext"] == "wav":
            audio = self.recordings.audio(sid)
            return (200, "audio/x-wav", audio) if audio is not None else _missing(sid)
        if method == "DELETE" and match["ext"] == "json":
            return (204, "", b"") if self.recordings.delete(sid) else _missing(sid)
        return _error(405, "Method not allowed")

    def _message(self, method: str, ext: str, sid: str) -> tuple[int, str, bytes]:
        """A text the simulator sent is deleted once; after that it is gone (404), as at Twilio."""
        if method != "DELETE" or ext != "json":
            return _error(405, "Method not allowed")
        if sid in self.deleted_messages:
            return _error(404, f"The requested resource /Messages/{sid} was not found")
        self.deleted_messages.append(sid)
        return 204, "", b""


def _missing(sid: str) -> tuple[int, str, bytes]:
    return _error(404, f"The requested resource /Recordings/{sid} was not found")


def _error(status: int, message: str) -> tuple[int, str, bytes]:
    body = json.dumps({"code": 20000 + status, "message": message, "status": status})
    return status, "application/json", body.encode()


def _handler(api: TwilioApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server protocol
            self._reply("GET")

        def do_DELETE(self) -> None:  # noqa: N802
            self._reply("DELETE")

        def _reply(self, method: str) -> None:
            status, kind, body = api.answer(
                method, self.path.split("?")[0], self.headers.get("Authorization", "")
            )
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def silence(seconds: float = 1.0) -> bytes:
    """A mono 8 kHz 16-bit WAV of silence (a call in which the caller said nothing)."""
    return _wav(b"\0\0" * int(SILENCE_RATE * seconds), 1, 2, SILENCE_RATE)


def joined(pieces: list[bytes], gap_seconds: float = 0.5) -> bytes:
    """One WAV of the pieces in order, a short silence between (pieces in another format than
    the first are left out); silence when there are none."""
    pieces = [p for p in pieces if _readable(p)]
    if not pieces:
        return silence()
    first = _params(pieces[0])
    gap = b"\0" * int(first.framerate * gap_seconds) * first.sampwidth * first.nchannels
    frames = [_frames(p) for p in pieces if _same_format(_params(p), first)]
    return _wav(gap.join(frames), first.nchannels, first.sampwidth, first.framerate)


def _readable(audio: bytes) -> bool:
    try:
        _params(audio)
    except (wave.Error, EOFError):
        return False
    return True


def _params(audio: bytes) -> wave._wave_params:
    with wave.open(io.BytesIO(audio)) as reader:
        return reader.getparams()


def _same_format(one: wave._wave_params, other: wave._wave_params) -> bool:
    return one[:3] == other[:3]


def _frames(audio: bytes) -> bytes:
    with wave.open(io.BytesIO(audio)) as reader:
        return reader.readframes(reader.getnframes())


def _wav(frames: bytes, channels: int, width: int, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(frames)
    return out.getvalue()


def seconds_of(audio: bytes) -> int:
    """Whole seconds of a WAV (at least 1), as Twilio's RecordingDuration."""
    try:
        params = _params(audio)
    except (wave.Error, EOFError):
        return 1
    return max(1, round(params.nframes / params.framerate))


def start_api(token: str, port: int, show: Callable[[str], None]) -> TwilioApi:
    """The REST stand-in on loopback (``port``, or any free port when it is taken)."""
    recordings = Recordings()
    try:
        api = TwilioApi(recordings, token, port)
    except OSError:
        api = TwilioApi(recordings, token, 0)
        show(
            f"[port {port} is taken: Twilio's REST API is played on {api.url}; start the "
            f"line with TWILIO_API_BASE={api.url} to fetch recordings]"
        )
    return api
