"""Read the transcript corpus and score the docket reader against it (tests and bench share it)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from core.dockets import DocketNumber, parse_canonical
from speech.understand import DocketReading, Hypothesis, read_docket
from tests.speech.make_corpus import CORPUS, ON_FILE, YEAR  # the registry the corpus was made for

NOT_UNDERSTOOD = "not understood"


@dataclass(frozen=True)
class Case:
    transcript: str
    default_court: str | None
    expected: str
    note: str

    @property
    def hypotheses(self) -> list[Hypothesis]:
        return [Hypothesis(text.strip()) for text in self.transcript.split(" | ")]


def cases() -> Iterator[Case]:
    with CORPUS.open(newline="") as handle:
        for row in csv.DictReader(handle):
            yield Case(
                row["transcript"], row["default_court"] or None, row["expected"], row["note"]
            )


def on_file(docket: DocketNumber) -> bool:
    """The registry as the line's look-up (core.registry.find_docket) reads it: the docket
    itself (a bare number with the marshal's court and this year first), else a bare number
    on exactly one docket."""
    if docket.canonical in ON_FILE:
        return True
    if docket.is_bare_number:
        return sum(1 for d in ON_FILE if parse_canonical(d).number == docket.number) == 1
    return False


def read(case: Case) -> DocketReading:
    return read_docket(case.hypotheses, case.default_court, YEAR, known=on_file)


def verdict(case: Case) -> str:
    """right, asked again (not understood, or refused) or WRONG."""
    reading = read(case)
    got = reading.docket.canonical if reading.docket else NOT_UNDERSTOOD
    if got == case.expected:
        return "right"
    return "asked again" if reading.docket is None else "wrong"
