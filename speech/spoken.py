"""Spoken words to docket layouts: every way one hypothesis can be read, with what it cost.

A hypothesis becomes a row of pieces, each with its possible readings ("oh" is O or 0, "for" is 4
or nothing). Every combination is laid against the docket layout (court, case type, year, seven
digits, suffix); the position decides what an ambiguous word was. Cost counts second choices.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from core.codes import CASE_TYPES, SUFFIXES
from core.dockets import DocketError, DocketNumber, parse_docket
from speech.vocabulary import (
    CASE_TYPE_WORDS,
    COURT_CODES,
    COURT_NAMES,
    FILLERS,
    LETTER_GARBLES,
    LETTERS,
    REPEATS,
    TEENS,
    TENS,
    UNITS,
)

Option = tuple[str, int]
MAX_COMBINATIONS = 4096
_LAYOUT = re.compile(
    r"^(?P<letters>[A-Z]{2,5})?(?P<year>20\d\d|\d\d)?(?P<number>\d{7})(?P<suffix>[A-Z])?$"
)
_LETTER_DIGIT = {"0": "O"}


@dataclass(frozen=True)
class Candidate:
    docket: DocketNumber
    cost: int


def words_of(text: str) -> list[str]:
    """Lower-case words; court names joined into one marker word, digit groups kept whole."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())
    text = re.sub(r"\[unk\]", " <unk> ", text)
    text = re.sub(r"([a-z]+)(\d)", r"\1 \2", re.sub(r"(\d)([a-z]+)", r"\1 \2", text))
    text = re.sub(r"[^a-z0-9'<> ]+", " ", text)
    text = re.sub(r"\bx ray\b", "xray", text)
    for name, code in COURT_NAMES.items():
        text = re.sub(rf"\b{name}\b", f" <{code}> ", text)
    return text.split()


def readings(text: str, default_court: str | None, year: int) -> list[Candidate]:
    """Every docket this text can be read as, cheapest first (duplicates removed)."""
    pieces = _trimmed(_pieces(words_of(text)))
    if pieces is None or _combinations(pieces) > MAX_COMBINATIONS:
        return []
    best: dict[tuple[str, ...], Candidate] = {}
    for combo in itertools.product(*pieces):
        flat = "".join(text for text, _ in combo)
        docket = _laid_out(flat, default_court, year)
        cost = sum(c for _, c in combo)
        if docket is not None:
            key = (docket.canonical, *sorted(docket.given))
            if key not in best or best[key].cost > cost:
                best[key] = Candidate(docket, cost)
    return sorted(best.values(), key=lambda c: c.cost)


def _combinations(pieces: list[list[Option]]) -> int:
    total = 1
    for piece in pieces:
        total *= len(piece)
    return total


def _trimmed(pieces: list[list[Option]]) -> list[list[Option]] | None:
    """Noise before or after the docket is fine; an unknown word inside it is not."""
    while pieces and not pieces[0]:
        pieces = pieces[1:]
    while pieces and not pieces[-1]:
        pieces = pieces[:-1]
    if not pieces or any(not piece for piece in pieces):
        return None
    return pieces


def _pieces(words: list[str]) -> list[list[Option]]:
    pieces: list[list[Option]] = []
    index = 0
    while index < len(words):
        piece, used = _piece_at(words, index)
        pieces.append(piece)
        index += used
    return pieces


def _piece_at(words: list[str], index: int) -> tuple[list[Option], int]:
    word = words[index]
    following = words[index + 1] if index + 1 < len(words) else ""
    if word in REPEATS and following:
        times = REPEATS[word]
        return [(text * times, cost) for text, cost in _options(following) if text], 2
    if word in TENS:
        if following in UNITS and UNITS[following] != "0" and following not in FILLERS:
            return [(TENS[word] + UNITS[following], 0)], 2
        return [(TENS[word] + "0", 0)], 1
    if word in ("hundred", "thousand"):
        after = words[index + 2] if index + 2 < len(words) else ""
        return [(_padding(word, "" if after in ("hundred", "thousand") else following), 0)], 1
    return _options(word), 1


def _padding(word: str, following: str) -> str:
    """'four hundred one' is 401, 'four hundred twelve' 412, 'two thousand fourteen' 2014."""
    width = 2 if word == "hundred" else 3
    if following in TEENS or following in TENS:
        return "0" * (width - 2)
    if following in UNITS and following not in FILLERS:
        return "0" * (width - 1)
    return "0" * width


def _options(word: str) -> list[Option]:
    if word.startswith("<") and word[1:-1] in COURT_CODES:
        return [(word[1:-1], 0)]
    if word.isdigit():
        return [(word, 0)]
    options = _symbol_options(word)
    if word in FILLERS:
        options.append(("", 1 if options else 0))
    elif not options and _spelled(word.upper()):
        options.append((word.upper(), 0))  # letters written as one word: "hhd", "fa", "hhdfa"
    return options


def _spelled(letters: str) -> bool:
    if letters in COURT_CODES or letters in CASE_TYPES:
        return True
    return letters[:3] in COURT_CODES and letters[3:] in CASE_TYPES


def _symbol_options(word: str) -> list[Option]:
    options: list[Option] = []
    if word in UNITS:
        options.append((UNITS[word], 0))
        if UNITS[word] in _LETTER_DIGIT and len(word) <= 2:
            options.append((_LETTER_DIGIT[UNITS[word]], 0))
    if word in TEENS:
        options.append((TEENS[word], 0))
    if word in LETTERS:
        options.append((LETTERS[word], 0))
    if word in CASE_TYPE_WORDS:
        options.append((CASE_TYPE_WORDS[word], 0))
    if len(word) == 1 and word.isalpha() and word not in UNITS:
        options.append((word.upper(), 0))
    if word in LETTER_GARBLES and (LETTER_GARBLES[word], 0) not in options:
        options.append((LETTER_GARBLES[word], 1))
    return options


def _laid_out(flat: str, default_court: str | None, year: int) -> DocketNumber | None:
    match = _LAYOUT.match(flat)
    if match is None:
        return None
    letters, spoken_year, number, suffix = match.group("letters", "year", "number", "suffix")
    parts = _letter_parts(letters or "")
    if parts is None or (suffix and suffix not in SUFFIXES):
        return None
    if spoken_year and not _plausible_year(spoken_year, year):
        return None
    text = " ".join(p for p in (*parts, spoken_year or "", number, suffix or "") if p)
    try:
        return parse_docket(text, default_court, year)
    except DocketError:
        return None


def _letter_parts(letters: str) -> tuple[str, ...] | None:
    court, case_type = "", ""
    if len(letters) in (3, 5):
        court, case_type = letters[:3], letters[3:]
    elif len(letters) == 2:
        case_type = letters
    elif letters:
        return None
    if (court and court not in COURT_CODES) or (case_type and case_type not in CASE_TYPES):
        return None
    return (court, case_type)


def _plausible_year(spoken: str, this_year: int) -> bool:
    """No docket is from the future, nor older than thirty years."""
    if len(spoken) == 4:
        return this_year - 30 <= int(spoken) <= this_year
    age = (this_year % 100 - int(spoken)) % 100
    return age <= 30
