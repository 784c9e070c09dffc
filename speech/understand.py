"""Understanding what a caller said: dockets, yes/no and menu words.

Every engine hands over hypotheses, best first (Twilio's SpeechResult, Vosk's n-best
alternatives); these functions pick the reading that makes sense, preferring a docket the
registry knows. Nothing here records anything: the phone line reads the docket back first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from core.dockets import DocketNumber
from speech.spoken import Candidate, readings
from speech.vocabulary import NO_WORDS, UNITS, YES_WORDS


@dataclass(frozen=True)
class Hypothesis:
    """One thing the engine thinks was said, with its confidence (0..1) when it gives one."""

    text: str
    confidence: float | None = None


@dataclass(frozen=True)
class DocketReading:
    """The docket understood (or None), what was heard, and how sure the engine was."""

    docket: DocketNumber | None
    heard: str
    confidence: float | None = None


def read_docket(
    hypotheses: Sequence[Hypothesis],
    default_court: str | None,
    year: int,
    known: Callable[[DocketNumber], bool] | None = None,
) -> DocketReading:
    """The docket said: a docket on file from the best hypothesis that has one, else the
    best hypothesis that reads one way only; None when nothing reads as one docket."""
    heard = [(h, readings(h.text, default_court, year)) for h in hypotheses]
    if known is not None:
        on_file = _first_on_file(heard, _cached(known))
        if on_file is not None:
            return on_file
    for hypothesis, candidates in heard:
        only = _single_cheapest(candidates)
        if only is not None:
            return DocketReading(only, hypothesis.text, hypothesis.confidence)
    first = hypotheses[0] if hypotheses else Hypothesis("")
    return DocketReading(None, first.text, first.confidence)


LAYOUT_COURT = "HHD"  # any court: a bare number needs one to be read at all, and only the
# shape matters before the line reads it again with the marshal's own court
AGREED = 2  # samples that must read the same docket before it is offered


def reads_as_docket(hypotheses: Sequence[Hypothesis], year: int) -> bool:
    """Some hypothesis reads as one docket (the registry aside)."""
    return read_docket(hypotheses, LAYOUT_COURT, year).docket is not None


def agreed(texts: Sequence[str], year: int) -> list[Hypothesis]:
    """The dockets that at least AGREED of these sampled texts read as, the most agreed first
    (one text each): one sample alone is as likely a slip as what was said."""
    votes: dict[str, list[str]] = {}
    for text in texts:
        docket = read_docket([Hypothesis(text)], LAYOUT_COURT, year).docket
        if docket is not None:
            votes.setdefault(docket.canonical, []).append(text)
    ranked = sorted(votes.values(), key=len, reverse=True)
    return [Hypothesis(said[0], len(said) / len(texts)) for said in ranked if len(said) >= AGREED]


def _first_on_file(
    heard: list[tuple[Hypothesis, list[Candidate]]], known: Callable[[DocketNumber], bool]
) -> DocketReading | None:
    for hypothesis, candidates in heard:
        only = _single_cheapest([c for c in candidates if known(c.docket)])
        if only is not None:
            return DocketReading(only, hypothesis.text, hypothesis.confidence)
    return None


def _single_cheapest(candidates: list[Candidate]) -> DocketNumber | None:
    """The one cheapest reading; two different dockets equally likely means not understood."""
    if not candidates:
        return None
    cheapest = min(c.cost for c in candidates)
    dockets = {c.docket.canonical: c.docket for c in candidates if c.cost == cheapest}
    return next(iter(dockets.values())) if len(dockets) == 1 else None


def _cached(known: Callable[[DocketNumber], bool]) -> Callable[[DocketNumber], bool]:
    answers: dict[DocketNumber, bool] = {}

    def ask(docket: DocketNumber) -> bool:
        if docket not in answers:
            answers[docket] = known(docket)
        return answers[docket]

    return ask


def words(text: str) -> list[str]:
    """Lower-case words without punctuation ("Yes." is yes)."""
    return re.findall(r"[a-z0-9']+|\[unk\]", text.lower())


def yes_no(hypotheses: Sequence[Hypothesis]) -> bool | None:
    """True for yes, False for no, None when neither was clearly said."""
    for hypothesis in hypotheses:
        answer = _answer(set(words(hypothesis.text)))
        if answer is not None:
            return answer
    return None


def _answer(said: set[str]) -> bool | None:
    if said & {"not", "isn't", "that's not"} and said & YES_WORDS:
        return False  # "not correct", "that isn't right"
    if said & YES_WORDS and not said & NO_WORDS:
        return True
    if said & NO_WORDS and not said & YES_WORDS:
        return False
    return None


def choose(hypotheses: Sequence[Hypothesis], options: Mapping[str, Sequence[str]]) -> str | None:
    """The option (menu key) whose words were said, e.g. {"1": ["service", "served"], …};
    saying the key itself ("one", "press two") counts too."""
    for hypothesis in hypotheses:
        said = " ".join(words(hypothesis.text))
        key = _chosen(said, options) or _key_said(said, options)
        if key is not None:
            return key
    return None


def _chosen(said: str, options: Mapping[str, Sequence[str]]) -> str | None:
    """The key with the longest phrase said; a tie between keys is not a choice."""
    found: dict[str, int] = {}
    for key, phrases in options.items():
        for phrase in phrases:
            if re.search(rf"\b{re.escape(phrase.lower())}\b", said):
                found[key] = max(found.get(key, 0), len(phrase))
    if not found:
        return None
    longest = max(found.values())
    keys = [key for key, size in found.items() if size == longest]
    return keys[0] if len(keys) == 1 else None


def _key_said(said: str, options: Mapping[str, Sequence[str]]) -> str | None:
    digits = {UNITS.get(w, w) for w in said.split() if UNITS.get(w, w).isdigit()}
    keys = [key for key in options if key in digits]
    return keys[0] if len(keys) == 1 else None
