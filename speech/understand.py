"""Understanding what a caller said: dockets, yes/no, menu words (first version; issue 7 grows it).

Every engine hands over hypotheses (Twilio's SpeechResult, Vosk's n-best alternatives); these
functions pick the reading that makes sense, preferring a docket the registry knows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from core.dockets import DocketError, DocketNumber, parse_docket


@dataclass(frozen=True)
class Hypothesis:
    text: str
    confidence: float | None = None


@dataclass(frozen=True)
class DocketReading:
    """The docket understood (or None), what was heard, and how sure the engine was."""

    docket: DocketNumber | None
    heard: str
    confidence: float | None = None


_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "to": "2", "too": "2",
    "three": "3", "four": "4", "for": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9",
}


def _as_docket_text(text: str) -> str:
    return " ".join(_DIGIT_WORDS.get(w, w) for w in text.lower().replace(",", " ").split())


def read_docket(
    hypotheses: Sequence[Hypothesis],
    default_court: str | None,
    year: int,
    known: Callable[[DocketNumber], bool] | None = None,
) -> DocketReading:
    """The first hypothesis that reads as a docket, preferring one the registry knows."""
    readings: list[DocketReading] = []
    for hypothesis in hypotheses:
        try:
            docket = parse_docket(_as_docket_text(hypothesis.text), default_court, year)
        except DocketError:
            continue
        readings.append(DocketReading(docket, hypothesis.text, hypothesis.confidence))
    for reading in readings:
        if known is None or (reading.docket is not None and known(reading.docket)):
            return reading
    if readings:
        return readings[0]
    heard = hypotheses[0].text if hypotheses else ""
    return DocketReading(None, heard, hypotheses[0].confidence if hypotheses else None)


_YES = {"yes", "yeah", "yep", "correct", "right", "confirm", "affirmative"}
_NO = {"no", "nope", "wrong", "incorrect", "negative"}


def yes_no(hypotheses: Sequence[Hypothesis]) -> bool | None:
    """True for yes, False for no, None when neither was clearly said."""
    for hypothesis in hypotheses:
        words = set(hypothesis.text.lower().split())
        if words & _YES and not words & _NO:
            return True
        if words & _NO and not words & _YES:
            return False
    return None


def choose(hypotheses: Sequence[Hypothesis], options: Mapping[str, Sequence[str]]) -> str | None:
    """The option (menu key) whose words were said, e.g. {"1": ["service", "served"], …}."""
    for hypothesis in hypotheses:
        said = hypothesis.text.lower()
        for key, words in options.items():
            if any(word in said.split() or (" " in word and word in said) for word in words):
                return key
    return None
