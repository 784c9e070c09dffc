"""Transcripts for staff: what a page shows of one, and finding calls by the words said in them.

A call is found by a word said in its recording or in any of its spoken comments. Each
transcript keeps its words, lower case, in ``words_said``; a word matches whole ("hand" does not
find "handed"), and JSON keys or times never match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, literal, or_, select, true

from core.models import CallLog
from speech.models import SpokenComment

UNSURE_BELOW = 0.5


def search_words(text: str) -> list[str]:
    """The words staff typed, as transcripts store them."""
    return re.findall(r"[a-z0-9']+", text.lower())


def said_in_call(words: list[str]) -> ColumnElement[bool]:
    """Every one of these words is said in the call's recording or in one of its comments."""
    return and_(true(), *(_said(word) for word in words))


def _said(word: str) -> ColumnElement[bool]:
    in_comments = select(SpokenComment.call_id).where(_has(SpokenComment.words_said, word))
    return or_(_has(CallLog.words_said, word), CallLog.id.in_(in_comments))


def _has(column: Any, word: str) -> ColumnElement[bool]:
    padded = literal(" ").concat(column).concat(" ")
    return padded.contains(f" {word} ", autoescape=True)


@dataclass(frozen=True)
class Word:
    """One transcribed word as the page shows it: its time and how sure the engine was."""

    text: str
    start: float | None
    end: float | None
    confidence: float | None

    @property
    def unsure(self) -> bool:
        return self.confidence is not None and self.confidence < UNSURE_BELOW


def transcript_words(transcript: dict[str, Any] | None) -> list[Word]:
    """The transcript's words with times and confidence; its bare text when it has no times;
    nothing when there is no transcript (the page then says it is unavailable)."""
    if not transcript:
        return []
    timed = [w for w in transcript.get("words") or [] if isinstance(w, dict) and w.get("word")]
    if timed:
        return [Word(str(w["word"]), w.get("start"), w.get("end"), w.get("conf")) for w in timed]
    return [Word(text, None, None, None) for text in str(transcript.get("text") or "").split()]
