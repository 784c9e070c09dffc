"""Twilio-shaped ids for tests: a readable name becomes ``prefix`` + 32 hex, always the same."""

from __future__ import annotations

import hashlib
import re


def twilio_sid(prefix: str, name: str | int) -> str:
    """``CA``/``SM``/``RE`` + 32 hex, as Twilio's ids are (a shaped id is kept as it is)."""
    text = str(name)
    if re.fullmatch(rf"{prefix}[0-9a-f]{{32}}", text):
        return text
    return prefix + hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - a name, not a secret
