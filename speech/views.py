"""The local-speech (Vosk) webhook steps under /ivr/vosk (placeholder until issue 7 builds them)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("speech", __name__, url_prefix="/ivr/vosk")
