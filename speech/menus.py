"""What a caller may say instead of pressing a key, menu by menu of the phone line.

One source for both engines: Twilio gets these words as hints, and each menu's Vosk grammar is
built from them (``speech.grammar``). A menu's name is also its grammar's name.
"""

from __future__ import annotations

from core.codes import ATTEMPT_REASONS

Words = dict[str, list[str]]  # menu key -> the phrases that choose it

MENUS: dict[str, Words] = {
    "yes_no": {"1": ["yes", "yeah", "correct", "right"], "2": ["no", "nope", "wrong"]},
    "activity": {"1": ["service", "served", "served in hand", "in hand", "abode"],
                 "2": ["attempt", "attempted"], "3": ["receipt", "received"],
                 "4": ["transfer"], "5": ["other"]},
    "method": {"1": ["hand", "in hand"], "2": ["abode"]},
    "reason": {str(i): [r.label] for i, r in enumerate(ATTEMPT_REASONS, start=1)},
    "firearms": {"1": ["yes"], "2": ["no"], "3": ["unknown", "don't know"]},
    "when": {"1": ["now", "just now"], "2": ["date", "earlier"]},
    "am_pm": {"1": ["am", "a.m.", "morning"], "2": ["pm", "p.m.", "afternoon", "evening"]},
}


def phrases(menu: str) -> tuple[str, ...]:
    """Every phrase of one menu, in order."""
    return tuple(p for options in MENUS[menu].values() for p in options)
