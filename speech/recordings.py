"""Fetching a caller's recorded utterance: only from Twilio's API host, with the account's keys.

The RecordingUrl a webhook carries is not followed: the URL is built from the RecordingSid on
the configured API host, so a forged or odd URL can never make ServeLine fetch elsewhere.
"""

from __future__ import annotations

import time

import requests

from core.settings import Settings

TRIES = 3
PAUSE_SECONDS = 0.4
TIMEOUT_SECONDS = 10


class RecordingUnavailable(RuntimeError):
    """Twilio did not hand over the recording."""


def recording_url(settings: Settings, recording_sid: str) -> str:
    """The recording's resource on Twilio's API host (WAV)."""
    if not recording_sid.isalnum():
        raise RecordingUnavailable(f"not a recording sid: {recording_sid!r}")
    base = settings.twilio_api_base.rstrip("/")
    return f"{base}/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/{recording_sid}"


def fetch_recording(settings: Settings, recording_sid: str) -> bytes:
    """The WAV bytes; a just-finished recording may take a moment to appear, so try again."""
    url = recording_url(settings, recording_sid) + ".wav"
    auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    for attempt in range(TRIES):
        response = requests.get(url, auth=auth, timeout=TIMEOUT_SECONDS)
        if response.status_code == 200:
            return response.content
        if response.status_code != 404 or attempt == TRIES - 1:
            break
        time.sleep(PAUSE_SECONDS)
    raise RecordingUnavailable(f"Twilio answered {response.status_code} for {recording_sid}")


def delete_recording(settings: Settings, recording_sid: str) -> None:
    """Remove the utterance at Twilio once decoded (the registry keeps what was heard)."""
    auth = (settings.twilio_account_sid, settings.twilio_auth_token)
    url = recording_url(settings, recording_sid) + ".json"
    requests.delete(url, auth=auth, timeout=TIMEOUT_SECONDS)
