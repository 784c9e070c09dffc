"""Every text the line sends, in one place; GSM-7 only, one segment where possible, never three.

Carrier keywords (STOP, START, …) never appear here: on a toll-free number the carrier acts on them.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€"
_GSM7 = frozenset(GSM7_BASIC + GSM7_EXTENDED)
_LOOKALIKES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
               "\u2014": "-", "\u2026": "...", "\u00a0": " ", "\t": " ", "`": "'"}
SEGMENT = 160
TWO_SEGMENTS = 2 * 153
CARRIER_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                              "REVOKE", "OPTOUT", "START", "UNSTOP"})


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


def clock(moment: datetime) -> str:
    """11/20 2:30PM, in the registry's local time (the caller converts)."""
    hour = moment.strftime("%I").lstrip("0")
    return f"{moment.month}/{moment.day} {hour}:{moment:%M}{moment:%p}"


# Unknown phones: reveals nothing, not even that this is the registry.
NEUTRAL = "This number cannot answer texts from your phone. Sorry."

HELP = ("S served, A attempt, R received, T transfer, O other. e.g. S 4012199 H 1430 P F=N. "
        "H in hand, AB abode. Reasons: NH BA MV EV UL IC OS HO. T 4012199 M417. "
        "O 4012199 / note. OK records, X discards, LAST, PIN 123456")

NEED_PIN = "Send your PIN first, e.g. PIN 123456 (or add #123456 after your report)."
PIN_OK = ("PIN accepted. Texts from this phone are taken until {until}, and for 30 minutes "
          "after each text.")
PIN_WRONG = "PIN not accepted. {left} tries left before a 15 minute lock."
PIN_LOCKED = "Too many wrong PINs. Try again after {until}."
NOTHING_PENDING = "Nothing is waiting to be recorded. Send a report, e.g. S 4012199 H 1430"
DISCARDED = "Discarded {docket}. Nothing was recorded."
REPLACED = "Replaced your earlier report. "
READ_BACK_TAIL = " Reply OK to record, X to discard."
RE_RECORD = ("{docket}: {kind} was already recorded {when} by {who} ({channel}). "
             "Reply OK to record it again, X to discard.")
RECORDED = "Recorded {docket}, conf {conf}."
POLICE_NOTIFIED = " Police will be notified by fax."
NO_AGENCY = " No police fax for {towns}: the Registry will follow up."
LATE = " Entered late (over 2 hours after service)."
LAST = "Last recorded: {kind} {docket} {name} {when}, conf {conf}."
LAST_NONE = "You have nothing recorded yet."
NOT_RECORDED = "Not recorded. {problem}"

FIELD_NAMES = {
    "activity": "Activity", "docket": "Docket", "method": "Method", "reason": "Reason",
    "transfer_to": "Transfer", "time": "Time", "date": "Date", "police": "Police",
    "firearms": "Firearms", "comment": "Comment", "pin": "PIN", "message": "Message",
}
EXAMPLES = {
    "activity": "S 4012199 H 1430",
    "docket": "S HHD-FA14-4012199-S H",
    "method": "S 4012199 H",
    "reason": "A 4012199 NH",
    "transfer_to": "T 4012199 M417",
    "time": "S 4012199 H 2:30PM",
    "date": "S 4012199 H 11/20 1430",
    "police": "S 4012199 H P=N",
    "firearms": "S 4012199 H F=N",
    "comment": "O 4012199 / left card at door",
    "pin": "PIN 123456",
    "message": "S 4012199 H 1430",
}
PROBLEMS = {
    "activity_unknown": "begin with S, A, R, T or O (HELP lists the codes)",
    "docket_missing": "give the docket after the activity",
    "docket_not_found": "{docket} is not in the registry",
    "docket_ambiguous": "{docket} matches {count} cases; send the full docket",
    "method_missing": "say how: H (in hand) or AB (abode)",
    "method_not_here": "only S takes a method",
    "reason_missing": "give a reason: NH BA MV EV UL IC OS HO",
    "reason_not_here": "only A takes a reason",
    "transfer_to_missing": "give the marshal's number",
    "transfer_to_not_here": "only T takes a marshal's number",
    "transfer_to_unknown": "no active marshal has number {number}",
    "transfer_to_self": "a transfer goes to another marshal",
    "time_bad": "{token} is not a time; use NOW, 1430 or 2:30PM",
    "time_future": "that time is still to come; put YESTERDAY or 11/20 before it",
    "time_missing": "give the time after the date",
    "date_bad": "{token} is not a date; use 11/20, 1120 or YESTERDAY",
    "police_not_here": "only S and A take police assist",
    "police_bad": "use P alone for yes, or P=Y or P=N",
    "firearms_bad": "use F=Y, F=N or F=U",
    "comment_missing": "add a note after /",
    "pin_bad": "send PIN and your 6 to 8 digits",
    "twice": "give it once only",
    "unknown_word": "{token} is not understood",
    "registry": "{message}",
}


def error(field: str, problem: str, **values: str) -> str:
    """One wrong field, what is wrong, and a correct example."""
    text = PROBLEMS[problem].format(**values)
    return finish(f"{FIELD_NAMES[field]}: {text}. e.g. {EXAMPLES[field]}")


_METHOD_WORDS = {"HAND": "in hand", "ABODE": "at abode"}
_KIND_WORDS = {"SERVICE": "SERVICE", "ATTEMPT": "ATTEMPT", "RECEIPT": "RECEIVED for service",
               "TRANSFER": "TRANSFER", "OTHER": "OTHER"}


def target_text(target: object | None) -> str:
    """'to 417 Maria Santos' for a transfer."""
    if target is None:
        return ""
    return f"to {getattr(target, 'smc_number', '')} {getattr(target, 'display_name', '')}"


def what_text(kind: str, method: object | None, reason: str | None, target: str,
              when: str) -> str:
    """'SERVICE in hand 11/20 2:30PM' and the like."""
    from core.codes import attempt_reason

    words = [_KIND_WORDS[kind]]
    if method is not None:
        words.append(_METHOD_WORDS[str(getattr(method, "value", method))])
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


def read_back(head: str, body: str, comment: str | None) -> str:
    """Head, body, the comment cut to fit two segments, then how to confirm."""
    text = f"{head} {body}"
    if comment:
        room = TWO_SEGMENTS - septets(fold_gsm7(text)) - len(READ_BACK_TAIL) - 10
        text += f', note "{shorten(fold_gsm7(comment), room)}"'
    return finish(text + "." + READ_BACK_TAIL)
