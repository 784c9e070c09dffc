"""The text line's grammar: one message in, one neutral command or a ParseError out.

``S HHD-FA14-4012199-S H 1430 P F=U`` → Report(SERVICE, docket, HAND, 14:30, police, unknown).
Case, spacing, ``- _ / .`` separators, Unicode dashes, curly quotes and odd spaces are tolerated;
fields after the docket come in any order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.dockets import DocketError, DocketNumber, parse_docket
from core.folding import fold
from core.models import ActivityKind, Firearms, ServiceMethod
from sms.fields import Fields, ParseError, When, read_fields
from sms.replies import CARRIER_KEYWORDS

__all__ = [
    "AmPm",
    "Blank",
    "CarrierWord",
    "Confirm",
    "Discard",
    "Help",
    "Last",
    "OpenSession",
    "ParseError",
    "Reminders",
    "Report",
    "When",
    "parse",
    "redact",
]

ACTIVITY_WORDS = {
    ActivityKind.SERVICE: ("S", "SVC", "SERVED", "SERVICE"),
    ActivityKind.ATTEMPT: ("A", "ATT", "ATTEMPT"),
    ActivityKind.RECEIPT: ("R", "RCV", "RECEIPT", "RECEIVED"),
    ActivityKind.TRANSFER: ("T", "XFER", "TRANSFER"),
    ActivityKind.OTHER: ("O", "OTHER"),
}
_ACTIVITY = {word: kind for kind, words in ACTIVITY_WORDS.items() for word in words}
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}
_SEP = r"[\s\-_/.,]*"
_DOCKET = re.compile(
    rf"(?:[A-Z]{{3}}{_SEP})?(?:[A-Z]{{2}}{_SEP})?(?:\d{{2}}(?:\d{{2}})?{_SEP})?\d{{7}}(?!\d)"
    rf"(?:{_SEP}[SXD](?![A-Z0-9]))?"
)
_HELP_TOPIC = re.compile(r"^(?:HELP|\?)\W*([SARTO])$")
_AM_PM = {"A": False, "AM": False, "P": True, "PM": True}
# PINs, on the cleaned upper-case text: the grammar reads them, and redaction hides exactly
# what it reads (``pin_spans``), so a PIN the line accepts is never stored or echoed.
_PIN_DIGITS = r"\d(?:[\s.-]?\d)*"
_PIN_ALONE = re.compile(r"^(?:MY\s+)?PIN(?![A-Z])(?:\s*(?:IS|NUMBER|NO)(?![A-Z]))?[\s:#=.-]*")
_PIN_INSIDE = re.compile(
    rf"(?:(?<![A-Z])PIN(?![A-Z])(?:\s*IS(?![A-Z]))?[\s:#=.-]*|#\s*)({_PIN_DIGITS})"
)
_BARE_DIGITS = re.compile(rf"^#?\s*({_PIN_DIGITS})[\s.!]*$")
_CONTROLS = {
    "OK": "confirm",
    "OKAY": "confirm",
    "X": "discard",
    "HELP": "help",
    "?": "help",
    "LAST": "last",
}


@dataclass(frozen=True)
class Report:
    """One activity as the marshal described it, before the registry looks at it."""

    kind: ActivityKind
    docket: DocketNumber
    when: When
    method: ServiceMethod | None = None
    reason: str | None = None
    transfer_to: str | None = None
    police: bool = False
    firearms: Firearms = Firearms.UNKNOWN
    comment: str | None = None
    pin: str | None = None


@dataclass(frozen=True)
class Confirm:
    """OK: record the report that waits."""


@dataclass(frozen=True)
class Discard:
    """X: drop the report that waits."""


@dataclass(frozen=True)
class Help:
    """HELP or ?: list the codes; HELP S (A, R, T, O): one activity's fields."""

    topic: str | None = None


@dataclass(frozen=True)
class AmPm:
    """A or P alone: the answer to '2:30 AM or PM?' (else read as a report)."""

    evening: bool
    otherwise: Command | ParseError


@dataclass(frozen=True)
class Last:
    """LAST: the last activity this marshal recorded."""


@dataclass(frozen=True)
class OpenSession:
    """PIN 123456: open a 30-minute session for this phone."""

    pin: str


@dataclass(frozen=True)
class CarrierWord:
    """STOP, START, …: the carrier answers these; we only log them."""

    word: str


@dataclass(frozen=True)
class Reminders:
    """STOP REMINDERS / REMINDERS OFF (on=False), START REMINDERS / REMINDERS ON (on=True)."""

    on: bool


@dataclass(frozen=True)
class Blank:
    """An empty message."""


Command = (
    Report | Confirm | Discard | Help | Last | OpenSession | CarrierWord | Blank | AmPm | Reminders
)
_REMINDERS = {
    "STOP REMINDERS": False,
    "START REMINDERS": True,
    "REMINDERS OFF": False,
    "REMINDERS ON": True,
}


def clean(text: str) -> str:
    """NFKC, any script's digits as ASCII, Unicode dashes and curly quotes folded, odd spaces
    made plain, trimmed."""
    text = fold(text)
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    for curly, plain in _QUOTES.items():
        text = text.replace(curly, plain)
    return " ".join(text.split())


def redact(text: str) -> tuple[str, bool]:
    """The message as the grammar reads it (cleaned) with every PIN it reads, or that looks
    like one, replaced by stars; and whether it held one."""
    plain = clean(text)
    spans = pin_spans(_upper(plain))
    for start, end in reversed(spans):
        plain = plain[:start] + "******" + plain[end:]
    return plain, bool(spans)


def pin_spans(upper: str) -> list[tuple[int, int]]:
    """Where the PINs are in a cleaned, upper-case message: after a leading PIN (the whole rest),
    after PIN or # anywhere, or a message of digits alone."""
    alone = _PIN_ALONE.match(upper)
    if alone:
        return [(alone.end(), len(upper))] if alone.end() < len(upper) else []
    bare = _BARE_DIGITS.match(upper)
    if bare and len(_digits(bare.group(1))) >= 4:
        return [bare.span(1)]
    return [found.span(1) for found in _PIN_INSIDE.finditer(upper)]


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _upper(text: str) -> str:
    """Upper case that keeps every index (str.upper turns 'ß' into two letters)."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


def parse(text: str, default_court: str | None, this_year: int) -> Command | ParseError:
    """Read one message."""
    plain = clean(text)
    upper = _upper(plain)
    bare = upper.strip(" .!")
    if not bare:
        return Blank()
    if bare in CARRIER_KEYWORDS:
        return CarrierWord(bare)
    if bare in _CONTROLS:
        return _control(_CONTROLS[bare])
    if _HELP_TOPIC.match(bare):
        return Help(_HELP_TOPIC.match(bare).group(1))  # type: ignore[union-attr]
    if bare in _AM_PM:
        return AmPm(_AM_PM[bare], _report(plain, upper, default_court, this_year))
    if bare in _REMINDERS:
        return Reminders(_REMINDERS[bare])
    alone = _PIN_ALONE.match(upper)
    if alone:
        return _open_session(upper[alone.end() :])
    digits = _BARE_DIGITS.match(upper)
    if digits and upper.startswith("#"):
        return _open_session(digits.group(1))
    if digits:
        return ParseError("pin", "pin_bad")  # digits alone: perhaps a PIN, never a report
    return _report(plain, upper, default_court, this_year)


def _control(name: str) -> Command:
    commands: dict[str, Command] = {
        "confirm": Confirm(),
        "discard": Discard(),
        "help": Help(),
        "last": Last(),
    }
    return commands[name]


def _open_session(rest: str) -> OpenSession | ParseError:
    rest = rest.strip(" .!")
    if not re.fullmatch(_PIN_DIGITS, rest) or not 4 <= len(_digits(rest)) <= 8:
        return ParseError("pin", "pin_bad")
    return OpenSession(_digits(rest))


def _report(
    plain: str, upper: str, default_court: str | None, this_year: int
) -> Report | ParseError:
    pin = _report_pin(upper)
    if isinstance(pin, ParseError):
        return pin
    # the PIN may stand anywhere: the rest is read without it
    spans = [found.span() for found in _PIN_INSIDE.finditer(upper)]
    plain, upper = _blank(plain, spans), _blank(upper, spans)
    end = len(upper.rstrip(" #"))
    match = re.match(r"\s*([A-Z]+)[\s\-_/.,:]*", upper)
    kind = _ACTIVITY.get(match.group(1)) if match else None
    if match is None or kind is None:
        return ParseError("activity", "activity_unknown")
    docket_end, docket = _docket(upper, match.end(), end, default_court, this_year)
    if isinstance(docket, ParseError):
        return _for_kind(kind, docket)
    head_end, comment = _comment(plain, docket_end, end, kind in _NOTE_KINDS)
    fields = read_fields(upper[docket_end:head_end])
    if isinstance(fields, ParseError):
        return _for_kind(kind, _named(kind, fields, upper[docket_end:head_end]))
    return _for_kind(kind, _checked(kind, docket, fields, comment, pin))


def _for_kind(kind: ActivityKind, read: Report | ParseError) -> Report | ParseError:
    """An error carries the activity, so its example is one of the same activity."""
    if isinstance(read, Report):
        return read
    return ParseError(read.field, read.problem, (*read.values, ("kind", kind.value)))


def _named(kind: ActivityKind, error: ParseError, text: str) -> ParseError:
    """A word nobody knows, in a report still missing its method, reason or marshal: that
    field is the one to name ('A 4055555 GONE' is a Reason problem)."""
    needed = _NEEDS.get(kind)
    if error.problem != "unknown_word" or error.field != "message" or needed == "comment":
        return error
    token = dict(error.values).get("token", "")
    rest = read_fields(re.sub(rf"\b{re.escape(token)}\b", " ", text, count=1))
    if isinstance(rest, Fields) and needed is not None and needed not in rest.given:
        return ParseError(needed, "unknown_word", error.values)
    return error


def _report_pin(upper: str) -> str | None | ParseError:
    found = _PIN_INSIDE.search(upper)
    if found is None:
        return None
    digits = _digits(found.group(1))
    if not 4 <= len(digits) <= 8 or len(list(_PIN_INSIDE.finditer(upper))) > 1:
        return ParseError("pin", "pin_bad")
    return digits


def _docket(
    upper: str, start: int, end: int, default_court: str | None, this_year: int
) -> tuple[int, DocketNumber | ParseError]:
    found = _DOCKET.match(upper, start, end)
    text = found.group(0) if found else (upper[start:end].split() or [""])[0]
    if not text:
        return start, ParseError("docket", "docket_missing")
    try:
        docket = parse_docket(text, default_court, this_year)
    except DocketError as error:
        return start, ParseError("docket", "registry", (("message", error.message),))
    if found is None:
        return start, ParseError("docket", "docket_missing")
    return found.end(), docket


_NOTE_KINDS = (ActivityKind.TRANSFER, ActivityKind.OTHER)


def _comment(plain: str, start: int, end: int, after_docket: bool) -> tuple[int, str | None]:
    """A comment follows a '/' with a space beside it (for T and O, also one right after the
    docket), or sits in double quotes; a '/' between letters or digits only separates."""
    for index in range(start, end):
        char = plain[index]
        if char == '"':
            return index, plain[index:end].strip(' "') or None
        if char == "/" and (_starts_comment(plain, index) or (after_docket and index == start)):
            return index, plain[index + 1 : end].strip() or None
    return end, None


def _starts_comment(plain: str, index: int) -> bool:
    before = plain[index - 1] if index > 0 else " "
    after = plain[index + 1] if index + 1 < len(plain) else " "
    return not (before.isalnum() and after.isalnum())


_ONLY = {
    "method": (ActivityKind.SERVICE,),
    "reason": (ActivityKind.ATTEMPT,),
    "transfer_to": (ActivityKind.TRANSFER,),
    "police": (ActivityKind.SERVICE, ActivityKind.ATTEMPT),
}
_NEEDS = {
    ActivityKind.SERVICE: "method",
    ActivityKind.ATTEMPT: "reason",
    ActivityKind.TRANSFER: "transfer_to",
    ActivityKind.OTHER: "comment",
}


def _checked(
    kind: ActivityKind, docket: DocketNumber, fields: Fields, comment: str | None, pin: str | None
) -> Report | ParseError:
    for name, kinds in _ONLY.items():
        if name in fields.given and kind not in kinds:
            return ParseError(name, f"{name}_not_here")
    needed = _NEEDS.get(kind)
    values = {
        "method": fields.method,
        "reason": fields.reason,
        "transfer_to": fields.transfer_to,
        "comment": comment,
    }
    if needed and not values[needed]:
        return ParseError(needed, f"{needed}_missing")
    return Report(
        kind,
        docket,
        fields.when,
        fields.method,
        fields.reason,
        fields.transfer_to,
        fields.police,
        fields.firearms,
        comment,
        pin,
    )
