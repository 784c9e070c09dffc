"""Docket numbers: turn what a person typed or said into one, and format it back.

The canonical form is ``LOC-TTYY-NNNNNNN-S`` (court location, case type, two-digit year, seven-digit
number, suffix), e.g. ``HHD-FA14-4012199-S``. What the person leaves out is filled from the
marshal's default court, case type ``FA``, this year and suffix ``S``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import FieldError
from core.folding import fold

DEFAULT_CASE_TYPE = "FA"
DEFAULT_SUFFIX = "S"
PARTS = ("court", "case_type", "year", "number", "suffix")

_TOKEN = re.compile(r"[A-Z]+|[0-9]+")
_CANONICAL = re.compile(r"^([A-Z]{3})-([A-Z]{2})(\d{2})-(\d{7})-([A-Z])$")


class DocketError(FieldError):
    """A docket that cannot be read; ``part`` names the piece that is wrong."""

    @property
    def part(self) -> str:
        return self.field


@dataclass(frozen=True)
class DocketNumber:
    court: str
    case_type: str
    year: int
    number: str
    suffix: str
    given: frozenset[str] = frozenset(PARTS)

    @property
    def canonical(self) -> str:
        return format_docket(self)

    @property
    def is_bare_number(self) -> bool:
        """Only the seven digits were given: the registry may know it under another court/year."""
        return self.given == frozenset({"number"})

    def key(self) -> tuple[str, str, int, str, str]:
        return (self.court, self.case_type, self.year, self.number, self.suffix)


def format_docket(docket: DocketNumber) -> str:
    """The canonical form, e.g. HHD-FA14-4012199-S."""
    return f"{docket.court}-{docket.case_type}{docket.year:02d}-{docket.number}-{docket.suffix}"


def normalise_text(text: str) -> str:
    """Upper case, Unicode dashes and odd spaces folded, so only letters, digits and '-' matter."""
    return fold(text).upper()


def parse_docket(text: str, default_court: str | None, this_year: int) -> DocketNumber:
    """Read a docket from free text; raise DocketError naming the part that is wrong."""
    tokens = _TOKEN.findall(normalise_text(text))
    if not tokens:
        raise DocketError("number", "enter a docket number, e.g. HHD-FA14-4012199-S or 4012199")
    if len("".join(tokens)) != len(re.sub(r"[\s\-_/.,]", "", normalise_text(text))):
        raise DocketError("number", "a docket has only letters, digits and dashes")
    parts: dict[str, str] = {}
    rest = _take_suffix(tokens, parts)
    rest = _take_digits(rest, parts)
    _take_letters(rest, parts)
    return _complete(parts, default_court, this_year)


def _take_suffix(tokens: list[str], parts: dict[str, str]) -> list[str]:
    if tokens and tokens[-1].isalpha() and len(tokens) > 1 and tokens[-2].isdigit():
        if len(tokens[-1]) != 1:
            raise DocketError("suffix", "the suffix must be one letter, e.g. S")
        parts["suffix"] = tokens[-1]
        return tokens[:-1]
    return tokens


def _take_digits(tokens: list[str], parts: dict[str, str]) -> list[str]:
    if not tokens or not tokens[-1].isdigit():
        raise DocketError("number", "the docket must end with its 7-digit number (and suffix)")
    last = tokens[-1]
    rest = tokens[:-1]
    if len(last) == 9 and not (rest and rest[-1].isdigit()):
        parts["year"], parts["number"] = last[:2], last[2:]
        return rest
    if len(last) != 7:
        raise DocketError("number", f"the number must have 7 digits, not {len(last)}")
    parts["number"] = last
    if rest and rest[-1].isdigit():
        year = rest[-1]
        if len(year) == 4:
            year = year[2:]
        if len(year) != 2:
            raise DocketError("year", "the year must have 2 digits, e.g. 14")
        parts["year"] = year
        rest = rest[:-1]
    return rest


def _take_letters(tokens: list[str], parts: dict[str, str]) -> None:
    letters = "".join(tokens)
    if any(not t.isalpha() for t in tokens):
        raise DocketError("number", "digits must come after the court and case type")
    if len(letters) == 5:
        parts["court"], parts["case_type"] = letters[:3], letters[3:]
    elif len(letters) == 3:
        parts["court"] = letters
    elif len(letters) == 2:
        parts["case_type"] = letters
    elif len(tokens) >= 1 and len(tokens[0]) != 3:
        raise DocketError("court", "the court location must be 3 letters, e.g. HHD")
    elif letters:
        raise DocketError("case_type", "the case type must be 2 letters, e.g. FA")


def _complete(parts: dict[str, str], default_court: str | None, this_year: int) -> DocketNumber:
    court = parts.get("court") or default_court
    if not court:
        raise DocketError("court", "give the court location, e.g. HHD-FA14-4012199-S")
    year = int(parts["year"]) if "year" in parts else this_year % 100
    return DocketNumber(
        court=court.upper(),
        case_type=parts.get("case_type", DEFAULT_CASE_TYPE),
        year=year,
        number=parts["number"],
        suffix=parts.get("suffix", DEFAULT_SUFFIX),
        given=frozenset(parts),
    )


def parse_canonical(text: str) -> DocketNumber:
    """Strictly the canonical form (imports and stored values)."""
    match = _CANONICAL.match(normalise_text(text.strip()))
    if not match:
        raise DocketError("number", f"{text!r} is not a docket like HHD-FA14-4012199-S")
    court, case_type, year, number, suffix = match.groups()
    return DocketNumber(court, case_type, int(year), number, suffix)


def spoken_chunks(docket: DocketNumber) -> list[str]:
    """The docket as a caller hears it read back: 'H H D', 'F A 14', '401 2199', 'S'."""
    number = docket.number
    return [
        " ".join(docket.court),
        f"{' '.join(docket.case_type)} {docket.year:02d}",
        f"{number[:3]} {number[3:]}",
        docket.suffix,
    ]
