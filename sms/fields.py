"""The fields after the docket (any order): method, reason, transfer target, when, police, firearms.

Phrases a hurried marshal spreads over several words (``IN HAND``, ``TO 903``, ``2:30 PM``,
``FIREARMS YES``) are first joined into one token each, then every token is read on its own.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, time

from core.codes import ATTEMPT_REASONS
from core.models import Firearms, ServiceMethod


@dataclass(frozen=True)
class ParseError:
    """The one field that is wrong, the problem (a key of replies.PROBLEMS) and its values."""

    field: str
    problem: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class When:
    """When it happened, as typed: no clock means now; a date needs a clock."""

    month_day: tuple[int, int] | None = None
    yesterday: bool = False
    clock: time | None = None
    twelve_hour: bool = False  # '2:30' with no AM or PM: the clock holds the AM reading


@dataclass(frozen=True)
class Fields:
    method: ServiceMethod | None = None
    reason: str | None = None
    transfer_to: str | None = None
    when: When = When()
    police: bool = False
    firearms: Firearms = Firearms.UNKNOWN
    given: frozenset[str] = field(default_factory=frozenset)


METHODS = {
    "H": ServiceMethod.HAND,
    "HAND": ServiceMethod.HAND,
    "IH": ServiceMethod.HAND,
    "INHAND": ServiceMethod.HAND,
    "AB": ServiceMethod.ABODE,
    "ABODE": ServiceMethod.ABODE,
}
REASONS = {**{r.code: r.code for r in ATTEMPT_REASONS}, **{r.word: r.code for r in ATTEMPT_REASONS}}
_REASON_PHRASES = {r.label.upper(): r.code for r in ATTEMPT_REASONS} | {
    "NOT HOME": "NH",
    "BAD ADDR": "BA",
    "CANT LOCATE": "UL",
    "IN JAIL": "IC",
    "HOSPITAL": "HO",
}
FIREARMS = {
    "Y": Firearms.YES,
    "YES": Firearms.YES,
    "N": Firearms.NO,
    "NO": Firearms.NO,
    "U": Firearms.UNKNOWN,
    "UNK": Firearms.UNKNOWN,
    "UNKNOWN": Firearms.UNKNOWN,
}
POLICE = {"P": True, "POLICE": True, "P=Y": True, "P=YES": True, "P=N": False, "P=NO": False}
NOW_WORDS = {"NOW"}
FILLERS = {"AT", "ON"}  # 'served 4012199 in hand at 3pm', 'on 11/20 at 9am'
DAY_WORDS = {"YESTERDAY": True, "YEST": True, "YDAY": True, "TODAY": False}
_VOCABULARY = (
    {w: "method" for w in METHODS}
    | {w: "reason" for w in REASONS}
    | {
        "POLICE": "police",
        "NOW": "time",
        "YESTERDAY": "date",
        "TODAY": "date",
        "FIREARMS": "firearms",
    }
)
_W = r"[\s\-_.]*"


def _phrase(words: str) -> str:
    return r"\b" + _W.join(re.escape(w) for w in words.split()) + r"\b"


_JOINS: tuple[tuple[str, str], ...] = (
    (r"(\d{1,2})[:.](\d{2})", r"\1:\2"),
    (r"(\d)\s*([AP])\.?\s*M\b\.?", r"\1\2M"),
    (r"(\d)([AP])\.(?![A-Z])", r"\1\2"),
    (r"\b(\d{1,2})[/\-](\d{1,2})\b", r"\1/\2"),
    (_phrase("IN HAND"), " INHAND "),
    *((_phrase(words), f" {code} ") for words, code in _REASON_PHRASES.items()),
    (r"\bTO\b[\s\-_.:#]*M?[\s\-_.:#]*(\d{1,6})\b", r" M\1 "),
    (r"\bM(?:ARSHAL)?[\s\-_.:#]*(\d{1,6})\b", r" M\1 "),
    (r"\bNO" + _W + r"(?:P|POLICE)\b", " P=N "),
    (r"\b(?:P|POLICE)(?:\s*[=:]\s*|\s+)(YES|NO|Y|N)\b", r" P=\1 "),
    (r"\b(?:P|POLICE)\s*[=:]\s*", " P="),
    (r"\b(?:F|FIREARMS?|GUNS?|WEAPONS?)(?:\s*[=:]\s*|\s+)(YES|NO|UNKNOWN|UNK|Y|N|U)\b", r" F=\1 "),
    (r"\b(?:F|FIREARMS?)\s*[=:]\s*", " F="),
    (r"(?<!\d)/|/(?!\d)", " "),
)
_SPLIT = re.compile(r"[\s,;_\-.]+")
_TWELVE = re.compile(
    r"^(\d{1,2})(?::(\d{2}))?(AM|PM|A|P)$|^(\d)(\d{2})(AM|PM|A|P)$|"
    r"^(\d{2})(\d{2})(AM|PM|A|P)$"
)
_TWENTY_FOUR = re.compile(r"^(\d{1,2}):(\d{2})$|^(\d{1,2})(\d{2})$")


def tokens(text: str) -> list[str]:
    """The field words, each phrase joined into one token."""
    text = f" {text} "
    for pattern, replacement in _JOINS:
        text = re.sub(pattern, replacement, text)
    return [t for t in _SPLIT.split(text) if t]


def read_fields(text: str) -> Fields | ParseError:
    """Read every field after the docket; the first one that is wrong is the answer."""
    found: dict[str, object] = {}
    words = [w for w in tokens(text) if w not in FILLERS]
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        read = _read(word, following)
        if isinstance(read, ParseError):
            return read
        name, value = read
        if name in found:
            return ParseError(name, "twice")
        found[name] = value
    return _fields(found)


def _fields(found: dict[str, object]) -> Fields | ParseError:
    day = found.get("date")
    clock = found.get("time")
    if day is not None and clock is None:
        return ParseError("time", "time_missing")
    month_day = day if isinstance(day, tuple) else None
    twelve = isinstance(clock, tuple)
    if isinstance(clock, tuple):
        clock = clock[0]
    when = When(month_day, day is True, clock if isinstance(clock, time) else None, twelve)
    return Fields(
        method=found.get("method"),  # type: ignore[arg-type]
        reason=found.get("reason"),  # type: ignore[arg-type]
        transfer_to=found.get("transfer_to"),  # type: ignore[arg-type]
        when=when,
        police=bool(found.get("police", False)),
        firearms=found.get("firearms", Firearms.UNKNOWN),  # type: ignore[arg-type]
        given=frozenset(found),
    )


def _read(word: str, following: str) -> tuple[str, object] | ParseError:
    for reader in (_word, _marked, _date, _time):
        read = reader(word, following)
        if read is not None:
            return read
    return _unknown(word)


def _word(word: str, _following: str) -> tuple[str, object] | None:
    if word in METHODS:
        return "method", METHODS[word]
    if word in REASONS:
        return "reason", REASONS[word]
    if word in POLICE:
        return "police", POLICE[word]
    if word in NOW_WORDS:
        return "time", "now"
    if word in DAY_WORDS:
        return "date", DAY_WORDS[word] or "today"
    return None


def _marked(word: str, _following: str) -> tuple[str, object] | ParseError | None:
    if re.fullmatch(r"M\d{1,6}", word):
        return "transfer_to", word[1:]
    if word.startswith("P="):
        return ParseError("police", "police_bad")
    if word.startswith("F="):
        value = FIREARMS.get(word[2:])
        return ("firearms", value) if value else ParseError("firearms", "firearms_bad")
    return None


def _date(word: str, following: str) -> tuple[str, object] | ParseError | None:
    slashed = re.fullmatch(r"(\d{1,2})/(\d{1,2})", word)
    packed = re.fullmatch(r"(\d{2})(\d{2})", word) if _looks_like_time(following) else None
    found = slashed or packed
    if found is None:
        return None
    month, day = int(found.group(1)), int(found.group(2))
    if not _real_day(month, day):
        return ParseError("date", "date_bad", (("token", word),))
    return "date", (month, day)


def _real_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: 2/29 is a real day in some years
    except ValueError:
        return False
    return True


def _looks_like_time(word: str) -> bool:
    return word in NOW_WORDS or bool(_TWELVE.match(word) or _TWENTY_FOUR.match(word))


def _time(word: str, _following: str) -> tuple[str, object] | ParseError | None:
    twelve = _TWELVE.match(word)
    if twelve:
        return _clock12(word, [g for g in twelve.groups() if g is not None])
    twenty_four = _TWENTY_FOUR.match(word)
    if twenty_four:
        hour, minute = (int(g) for g in twenty_four.groups() if g is not None)
        if _twelve_hour(word, hour):
            read = _clock(word, hour % 12, minute)
            return read if isinstance(read, ParseError) else ("time", (read[1], "12h"))
        return _clock(word, hour, minute)
    if any(c.isdigit() for c in word):
        return ParseError("time", "time_bad", (("token", word),))
    return None


def _twelve_hour(word: str, hour: int) -> bool:
    """'2:30', '230', '10:15' are a 12-hour clock without AM or PM; four digits ('1015',
    '0905') or a leading zero are 24-hour time."""
    digits = word.replace(":", "")
    return (
        1 <= hour <= 12 and not word.startswith("0") and not (len(digits) == 4 and ":" not in word)
    )


def _clock12(word: str, groups: list[str]) -> tuple[str, object] | ParseError:
    hour = int(groups[0])
    minute = int(groups[1]) if len(groups) == 3 else 0
    if not 1 <= hour <= 12:
        return ParseError("time", "time_bad", (("token", word),))
    evening = groups[-1].startswith("P")
    return _clock(word, hour % 12 + (12 if evening else 0), minute)


def _clock(word: str, hour: int, minute: int) -> tuple[str, object] | ParseError:
    if hour > 23 or minute > 59:
        return ParseError("time", "time_bad", (("token", word),))
    return "time", time(hour, minute)


def _unknown(word: str) -> ParseError:
    close = difflib.get_close_matches(word, list(_VOCABULARY), n=1, cutoff=0.6)
    field_name = _VOCABULARY[close[0]] if close else "message"
    return ParseError(field_name, "unknown_word", (("token", word[:20]),))
