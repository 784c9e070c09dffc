"""Twilio speech settings for <Gather input="dtmf speech">, for the phone line to import.

``numbers_and_commands`` suits digits and short commands. With a speechModel set, Twilio does
not accept ``speechTimeout="auto"`` (warning 13335): it must be a whole number of seconds, long
enough for the pause a marshal makes between "H H D" and "four oh one…".
"""

from __future__ import annotations

import re

from core.codes import CONNECTICUT_COURTS

SPEECH_MODEL = "numbers_and_commands"
SPEECH_TIMEOUT = "2"
LANGUAGE = "en-US"

_DIGIT_WORDS = ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight",
                "nine", "double")
_DOCKET_WORDS = ("family", "docket", "H H D", "F A", "S", "$OOV_CLASS_DIGIT_SEQUENCE")
_COURTS = tuple(part.strip() for _, name in CONNECTICUT_COURTS
                for part in re.split(r"[()\-]", name) if part.strip())

DOCKET_HINTS = ", ".join((*_COURTS, *_DOCKET_WORDS, *_DIGIT_WORDS))
YES_NO_HINTS = "yes, no, correct, wrong"
