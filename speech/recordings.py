"""Recordings at Twilio: fetched only from Twilio's API host with the account's keys, kept on
disk whole or not at all, then deleted there.

The RecordingUrl a webhook carries is not followed: the URL is built from the RecordingSid on
the configured API host, so a forged or odd URL can never make ServeLine fetch elsewhere.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import requests

from core.services import TwilioAccount
from core.settings import Settings
from edge.twilio_rest import keys, resource_url

log = logging.getLogger(__name__)
TRIES = 3
PAUSE_SECONDS = 0.4
TIMEOUT_SECONDS = 10


class RecordingUnavailable(RuntimeError):
    """Twilio did not hand over the recording."""


def recording_url(twilio: TwilioAccount, recording_sid: str) -> str:
    """The recording's resource on Twilio's API host (add .wav or .json)."""
    if not recording_sid.isalnum():
        raise RecordingUnavailable(f"not a recording sid: {recording_sid!r}")
    return resource_url(twilio, "Recordings", recording_sid)


def fetch_recording(
    twilio: TwilioAccount, recording_sid: str, timeout: float = TIMEOUT_SECONDS
) -> bytes:
    """The WAV bytes; a just-finished recording may take a moment to appear, so try again."""
    url = recording_url(twilio, recording_sid) + ".wav"
    for attempt in range(TRIES):
        response = requests.get(url, auth=keys(twilio), timeout=timeout)
        if response.status_code == 200 and response.content:
            return response.content
        if response.status_code != 404 or attempt == TRIES - 1:
            break
        time.sleep(PAUSE_SECONDS)
    raise RecordingUnavailable(
        f"Twilio answered {response.status_code} for {recording_sid}"
        + (" with no audio" if response.status_code == 200 else "")
    )


def keep_recording(settings: Settings, call_sid: str, recording_sid: str, wav: bytes) -> Path:
    """Write the audio under RECORDINGS_DIR/<call>/<recording>.wav: a whole file or none."""
    folder = settings.recordings_dir / call_sid
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{recording_sid}.wav"
    partial = path.with_suffix(".part")
    partial.write_bytes(wav)
    partial.replace(path)
    return path


def delete_recording(twilio: TwilioAccount, recording_sid: str) -> None:
    """Remove the recording at Twilio once ours is safe (or decoded); a refusal is logged."""
    url = recording_url(twilio, recording_sid) + ".json"
    answer = requests.delete(url, auth=keys(twilio), timeout=TIMEOUT_SECONDS)
    if answer.status_code not in (204, 404):
        log.warning("Twilio kept recording %s: HTTP %s", recording_sid, answer.status_code)
