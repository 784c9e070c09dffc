"""Speech fixtures: signed Twilio requests and a recogniser that answers in Vosk's own JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.settings import PROJECT_ROOT, Settings
from edge.signature import sign
from speech.audio import MULAW, wav_bytes
from tests.conftest import Wiring
from tests.ivr.driver import Phone
from tests.twilio_ids import twilio_sid

BASE = "https://serveline.test"
TOKEN = "test-twilio-auth-token"
SHARED_MODEL = PROJECT_ROOT.parent / "shared" / "models" / "vosk-model-small-en-us-0.15"
SHARED_WORDS = SHARED_MODEL / "words.txt"

# Vosk 0.3.45 answers exactly like this with SetMaxAlternatives(3) and a grammar, one JSON per
# segment: the caller paused after "h h d f a".
VOSK_SEGMENTS = [
    '{\n  "alternatives" : [{\n      "confidence" : 182.216309,\n      "text" : "h h d f a"\n'
    '    }, {\n      "confidence" : 176.871201,\n      "text" : "h h d s a"\n    }]\n}',
    '{\n  "alternatives" : [{\n      "confidence" : 311.529419,\n      "text" : "one four four oh'
    ' one two one nine nine s"\n    }, {\n      "confidence" : 309.14505,\n      "text" : "one'
    ' four four oh one two one nine nine"\n    }]\n}',
]


@dataclass
class RecogniserDouble:
    """Stands in for a Vosk model: returns canned Vosk result JSON, remembers what it was fed."""

    answers: list[str] = field(default_factory=lambda: list(VOSK_SEGMENTS))
    rate: int = 16000
    fed: list[dict[str, Any]] = field(default_factory=list)

    def results(
        self, pcm: bytes, grammar: list[str] | None, alternatives: int, words: bool
    ) -> list[dict[str, Any]]:
        self.fed.append(
            {"bytes": len(pcm), "grammar": grammar, "alternatives": alternatives, "words": words}
        )
        return [json.loads(answer) for answer in self.answers]


@pytest.fixture()
def recogniser(wiring: Wiring) -> RecogniserDouble:
    double = RecogniserDouble()
    wiring.change(recogniser=lambda: double)
    return double


@pytest.fixture()
def no_model(wiring: Wiring) -> None:
    wiring.configure(vosk_model_path=None)


@pytest.fixture()
def twilio_env(wiring: Wiring) -> None:
    """What the worker needs to reach Twilio."""
    wiring.configure(
        twilio_account_sid="ACtest",
        twilio_auth_token=TOKEN,
        twilio_api_base=Settings().twilio_api_base,
        vosk_model_path=None,
    )


@pytest.fixture()
def line(wiring: Wiring) -> Callable[[str], Phone]:
    """A call to an app on the given speech engine, inside the test's transaction."""

    def dial(engine: str) -> Phone:
        application: Flask = wiring.app_with(ivr_speech=engine)
        return Phone(application.test_client()).dial()

    return dial


def phone_wav(seconds: float = 1.0, encoding: int = MULAW) -> bytes:
    """Telephone audio as Twilio stores it: 8 kHz mono, a tone and some noise."""
    t = np.arange(int(8000 * seconds)) / 8000
    noise = np.random.default_rng(3).normal(0, 300, len(t))
    return wav_bytes((6000 * np.sin(2 * np.pi * 300 * t) + noise).astype(np.int16), 8000, encoding)


def post_signed(client: FlaskClient, path: str, form: dict[str, str]) -> TestResponse:
    """POST as Twilio does, signed against the public URL."""
    form = {"AccountSid": "ACtest", **form}
    form.update(
        {name: twilio_sid(name[:2].upper(), form[name]) for name in ("CallSid",) if name in form}
    )
    signature = sign(BASE + path, form, TOKEN)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})
