"""Every text the line sends, in one place; GSM-7 only, one segment where possible, never three.

Carrier keywords (STOP, START, …) never appear here: on a toll-free number the carrier acts on them.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€"
_GSM7 = frozenset(GSM7_BASIC + GSM7_EXTENDED)
_LOOKALIKES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\t": " ",
    "`": "'",
}
SEGMENT = 160
TWO_SEGMENTS = 2 * 153
CARRIER_KEYWORDS = frozenset(
    {
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
        "START",
        "UNSTOP",
    }
)


def fold_gsm7(text: str) -> str:
    """Replace every character outside GSM-7 by its nearest GSM-7 look-alike (or '?')."""
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    if char in _GSM7:
        return char
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain if plain and all(c in _GSM7 for c in plain) else "?"


def septets(text: str) -> int:
    return sum(2 if c in GSM7_EXTENDED else 1 for c in text)


def segments(text: str) -> int:
    """How many SMS segments a GSM-7 text takes (160 alone, 153 each when split)."""
    length = septets(text)
    return 1 if length <= SEGMENT else math.ceil(length / 153)


def shorten(text: str, room: int) -> str:
    """Cut a free text (a comment, a name) so it takes at most ``room`` characters."""
    return text if len(text) <= room else text[: max(room - 3, 0)].rstrip() + "..."


def finish(text: str) -> str:
    """Every reply goes out through here: folded to GSM-7 and cut to two segments at most."""
    folded = fold_gsm7(text)
    while septets(folded) > TWO_SEGMENTS:
        folded = folded[: TWO_SEGMENTS - 3 - (septets(folded) - len(folded))] + "..."
    return folded


def clock(moment: datetime, with_year: bool = False) -> str:
    """11/20 2:30PM (11/20/2025 2:30PM), in the registry's local time (the caller converts)."""
    hour = moment.strftime("%I").lstrip("0")
    year = f"/{moment.year}" if with_year else ""
    return f"{moment.month}/{moment.day}{year} {hour}:{moment:%M}{moment:%p}"


# Unknown phones: reveals nothing, not even that this is the registry.
NEUTRAL = "This number cannot answer texts from your phone. Sorry."

HELP = (
    "S served, A attempt, R received, T transfer, O other. e.g. S 4012199 H P. H in hand, "
    "AB abode, P police helped, F=Y/N/U firearms. X discards. HELP S|A|R|T|O"
)
HELP_TOPICS = {
    "S": (
        "S 4012199 H: served, H in hand or AB abode. Add a time (NOW, 1430, YESTERDAY 2PM), "
        "P if police helped, F=Y/N/U firearms. e.g. S 4012199 AB YESTERDAY 2:30PM P"
    ),
    "A": "A 4012199 NH: attempt. {reasons}. e.g. A 4012199 EV P F=N",
    "R": (
        "R 4012199: order received for service. Add a time (NOW, 1430, YESTERDAY 4PM) and "
        "F=Y/N/U for firearms. e.g. R 4012199 YESTERDAY 4PM"
    ),
    "T": (
        "T 4012199 M417: transferred to the marshal with SMC number 417 (or TO 417). Add a "
        "time, and a note after /. e.g. T 4012199 M417 / going on leave"
    ),
    "O": (
        "O 4012199 / note: other information, the note after / or in quotes; a time goes "
        "before the /. e.g. O 4012199 YESTERDAY 5PM / left card at door"
    ),
}
# Each reason's meaning in a text, short enough for the whole list to fit one segment.
REASON_WORDS = {
    "NH": "not home",
    "EV": "evading",
    "MV": "moved",
    "BA": "bad address",
    "UL": "can't locate",
    "IC": "in jail",
    "HO": "hospital",
    "OS": "out of state",
}

NEED_PIN = "Send your PIN first, e.g. PIN 123456 (or add #123456 after your report)."
PIN_OK = (
    "PIN accepted. Texts from this phone are taken until {until}, and for 30 minutes "
    "after each text."
)
PIN_WRONG = "PIN not accepted. {left} before a 15 minute lock."
PIN_LOCKED = "Too many wrong PINs. Try again after {until}."
NOTHING_PENDING = "Nothing is waiting to be recorded. Send a report, e.g. S 4012199 H"
DISCARDED = "Discarded {docket}. Nothing was recorded."
REPLACED = "Replaced your earlier report. "
AM_OR_PM = "{clock} AM or PM? Reply A or P."
ASKED_AM_PM = "First say AM or PM: {clock} AM or PM? Reply A or P."
WAITING_FOR_PIN = "Your report waits for it."
ON_FILE = "Already served {how} {when} by {who}. "
AFTER_SERVICE_TAIL = " Reply OK to record this {kind} after that service, X to discard."
RE_RECORD_TAIL = " Reply OK to record the service again, X to discard."
READ_BACK_TAIL = " Reply OK to record, X to discard."
RE_RECORD = (
    "{docket}: {kind} was already recorded {when} by {who} ({channel}). "
    "Reply OK to record it again, X to discard."
)
RECORDED = "Recorded {docket}, conf {conf}."
POLICE_NOTIFIED = " Police will be notified by fax."
NO_AGENCY = " No police fax for {towns}: the Registry will follow up."
LATE = " Entered late (over 2 hours after service)."
LAST = "Last recorded: {kind} {docket} {name} {when}, conf {conf}."
LAST_NONE = "You have nothing recorded yet."
NOT_RECORDED = "Not recorded. {problem}"
# The commands are STOP REMINDERS / START REMINDERS (or REMINDERS OFF / ON); replies name only
# the second pair, never a carrier keyword.
REMINDERS_OFF = "No more hearing reminders to this phone. REMINDERS ON turns them back on."
REMINDERS_ON = "Hearing reminders are on for this phone. REMINDERS OFF turns them off."
REMINDER = "ServeLine: nothing recorded yet, hearing near: {dockets}{more}. {reply}"
REMINDER_DOCKET = "{docket} {name} hearing {hearing}"
REMINDER_MORE = " and {count} more"
REMINDER_REPLY = (
    "Reply A {number} NH to record an attempt, or call the line. REMINDERS OFF ends these."
)
UNAVAILABLE = (
    "Sorry, the registry cannot take this right now. Nothing was recorded. "
    "Please try again in a minute."
)

FIELD_NAMES = {
    "activity": "Activity",
    "docket": "Docket",
    "method": "Method",
    "reason": "Reason",
    "transfer_to": "Transfer",
    "time": "Time",
    "date": "Date",
    "police": "Police",
    "firearms": "Firearms",
    "comment": "Comment",
    "pin": "PIN",
    "message": "Message",
}
KIND_EXAMPLES = {
    "SERVICE": ("S", "H"),
    "ATTEMPT": ("A", "NH"),
    "RECEIPT": ("R", ""),
    "TRANSFER": ("T", "M417"),
    "OTHER": ("O", ""),
}
FIELD_KINDS = {
    "method": "SERVICE",
    "reason": "ATTEMPT",
    "transfer_to": "TRANSFER",
    "comment": "OTHER",
    "police": "SERVICE",
}
NOTE_EXAMPLE = "/ left card at door"
PROBLEMS = {
    "activity_unknown": "begin with S, A, R, T or O (HELP lists the codes)",
    "docket_missing": "give the docket after the activity",
    "docket_not_found": "{docket} is not in the registry ({assumed}). Give the court and year",
    "docket_ambiguous": "{docket} matches {count} cases; send the full docket",
    "method_missing": "say how: H (in hand) or AB (abode)",
    "method_not_here": "only S takes a method",
    "reason_missing": "give one: {reasons}",
    "reason_not_here": "only A takes a reason",
    "transfer_to_missing": "give the receiving marshal's SMC number",
    "transfer_to_not_here": "only T takes a marshal's number",
    "transfer_to_unknown": "no active marshal has SMC number {number}",
    "transfer_to_self": "a transfer goes to another marshal",
    "time_bad": "{token} is not a time; use NOW, 1430 or 2:30PM",
    "time_future": "{message}",
    "time_missing": "give the time after the date",
    "date_bad": "{token} is not a date; use 11/20, 1120 or YESTERDAY",
    "date_future": "{message}",
    "police_not_here": "only S and A take police assist",
    "police_bad": "use P alone for yes, or P=Y or P=N",
    "firearms_bad": "use F=Y, F=N or F=U",
    "comment_missing": "add a note after /",
    "pin_bad": "send PIN and your 6 to 8 digits",
    "twice": "give it once only",
    "unknown_word": "{token} is not understood",
    "reason_unknown": "{token} is not understood; HELP A lists the reasons",
    "registry": "{message}",
}


@dataclass(frozen=True)
class Examples:
    """What an example may use and still be recorded: this year's dockets, yesterday's date."""

    year: int
    yesterday: date

    def of(self, field: str, kind: str | None = None) -> str:
        """A correct message of the same activity that shows the field."""
        kind = kind if kind in KIND_EXAMPLES else FIELD_KINDS.get(field, "SERVICE")
        word, detail = KIND_EXAMPLES[kind]
        docket = f"HHD-FA{self.year % 100:02d}-4012199-S" if field == "docket" else "4012199"
        extra = {
            "time": "YESTERDAY 2:30PM",
            "date": f"{self.yesterday:%-m/%-d} 2:30PM",
            "police": "P=N",
            "firearms": "F=N",
        }.get(field, "")
        if field == "police" and kind not in ("SERVICE", "ATTEMPT"):
            word, detail, docket = "S", "H", "4012199"
        note = NOTE_EXAMPLE if kind == "OTHER" else ""
        if field == "pin":
            return "PIN 123456"
        return " ".join(part for part in (word, docket, detail, extra, note) if part)


def examples_for(now: datetime) -> Examples:
    """The examples as of now (local time)."""
    return Examples(now.year, now.date() - timedelta(days=1))


def reason_meanings() -> str:
    """'NH not home, EV evading, ...' in the order the phone menu reads them."""
    from core.codes import ATTEMPT_REASONS

    return ", ".join(f"{r.code} {REASON_WORDS[r.code]}" for r in ATTEMPT_REASONS)


def help_text(topic: str | None) -> str:
    if topic is None:
        return HELP
    return finish(HELP_TOPICS[topic].format(reasons=reason_meanings()))


def error(field: str, problem: str, examples: Examples | None = None, **values: str) -> str:
    """One wrong field, what is wrong, and a correct example of the same activity."""
    kind = values.pop("kind", None)
    if problem == "unknown_word" and field == "reason":
        problem = "reason_unknown"
    text = PROBLEMS[problem].format(reasons=reason_meanings(), **values)
    shown = (examples or examples_for(datetime.now())).of(field, kind)
    return finish(f"{FIELD_NAMES[field]}: {text}. e.g. {shown}")


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


METHOD_WORDS = {"HAND": "in hand", "ABODE": "at abode"}
KIND_NOUNS = {"ATTEMPT": "attempt", "RECEIPT": "receipt", "TRANSFER": "transfer"}
_KIND_WORDS = {
    "SERVICE": "SERVICE",
    "ATTEMPT": "ATTEMPT",
    "RECEIPT": "RECEIVED for service",
    "TRANSFER": "TRANSFER",
    "OTHER": "OTHER",
}


def target_text(target: object | None) -> str:
    """'to 417 Maria Santos' for a transfer."""
    if target is None:
        return ""
    return f"to {getattr(target, 'smc_number', '')} {getattr(target, 'display_name', '')}"


def what_text(kind: str, method: object | None, reason: str | None, target: str, when: str) -> str:
    """'SERVICE in hand 11/20 2:30PM' and the like."""
    from core.codes import attempt_reason

    words = [_KIND_WORDS[kind]]
    if method is not None:
        words.append(METHOD_WORDS[str(getattr(method, "value", method))])
    if reason:
        words.append(attempt_reason(reason).label)
    if target:
        words.append(target)
    words.append(when)
    return " ".join(words)


def extras_text(kind: str, police: bool, firearms: str) -> str:
    """', police assist YES, firearms UNKNOWN' (police only for service and attempt)."""
    text = f", police assist {'YES' if police else 'NO'}" if kind in ("SERVICE", "ATTEMPT") else ""
    return f"{text}, firearms {firearms}"


def read_back(
    head: str, body: str, comment: str | None, first: str = "", tail: str = READ_BACK_TAIL
) -> str:
    """What is on file, head, body, the comment cut to fit two segments, then how to
    confirm."""
    text = f"{first}{head} {body}"
    if comment:
        room = TWO_SEGMENTS - septets(fold_gsm7(text)) - len(tail) - 10
        text += f', note "{shorten(fold_gsm7(comment), room)}"'
    return finish(text + "." + tail)


def reminder(dockets: list[tuple[str, str, str]], more: int, number: str) -> str:
    """The reminder text: up to three (docket, respondent, hearing) and the reply to send."""
    listed = "; ".join(
        REMINDER_DOCKET.format(docket=d, name=shorten(n.upper(), 14), hearing=h)
        for d, n, h in dockets
    )
    extra = REMINDER_MORE.format(count=more) if more else ""
    return finish(
        REMINDER.format(dockets=listed, more=extra, reply=REMINDER_REPLY.format(number=number))
    )
