"""The registry's codes in a clerk's words, for every staff page (CSV and --json keep the codes
and carry these words beside them)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.codes import ATTEMPT_REASONS

KINDS = {
    "SERVICE": "Service",
    "ATTEMPT": "Attempt",
    "RECEIPT": "Receipt of the order",
    "TRANSFER": "Transfer",
    "OTHER": "Other information",
}
METHODS = {"HAND": "in hand", "ABODE": "at abode"}
REASONS = {r.code: r.label for r in ATTEMPT_REASONS}
FIREARMS = {"YES": "alleged", "NO": "none alleged", "UNKNOWN": "unknown"}
CHANNELS = {"PHONE": "phone", "SMS": "text", "WEB": "web", "STAFF": "staff, by hand"}

TEXT_OUTCOMES = {
    "pin_ok": "PIN accepted",
    "pin_wrong": "wrong PIN",
    "pin_locked": "locked after wrong PINs",
    "pin_bad": "PIN not readable",
    "need_pin": "asked for the PIN",
    "help": "help sent",
    "read_back": "waiting for OK",
    "recorded": "recorded",
    "discarded": "discarded",
    "nothing_pending": "nothing waiting for OK",
    "refused": "refused",
    "re_record_warning": "already recorded: asked to confirm again",
    "last": "last activity read back",
    "unknown_phone": "unknown phone",
    "error": "not understood",
    "carrier_keyword": "carrier keyword (STOP, HELP…)",
    "twice": "sent twice",
}
CALL_OUTCOMES = {
    "recorded": "recorded",
    "hung up": "caller hung up",
    "no input": "no answer: line hung up",
    "registry section": "put through to the Registry Section",
    "ended": "ended, nothing recorded",
    "locked": "locked after wrong PINs",
    "too many tries": "could not sign in",
    "busy": "busy",
    "failed": "call failed",
    "no-answer": "not answered",
    "canceled": "canceled",
    "completed": "completed",
}
FAX_STATUS = {
    "pending": "waiting to be sent",
    "sending": "sending",
    "delivered": "delivered",
    "failed": "failed",
    "dead": "dead",
}
CALL_STEPS = {
    "marshal": "marshal number",
    "pin": "PIN",
    "docket": "docket number",
    "docket_confirm": "docket read back",
    "docket_pick": "which case",
    "docket_options": "court or year",
    "court": "court",
    "year": "year",
    "case_type": "case type",
    "suffix": "suffix",
    "activity": "activity",
    "method": "service method",
    "reason": "attempt reason",
    "transfer": "receiving marshal",
    "transfer_confirm": "receiving marshal read back",
    "comment": "spoken comment",
    "when": "when",
    "when_date": "date",
    "when_time": "time",
    "am_pm": "AM or PM",
    "police": "police assistance",
    "firearms": "firearms",
    "review": "read-back",
    "rerecord": "record again?",
    "another": "another activity?",
}
FETCH_STATUS = {
    "queued": "still at Twilio, being fetched",
    "kept": "kept here",
    "failed": "could not be fetched",
}


def word(table: dict[str, str], code: str | None) -> str:
    """The words for a code, the code itself when it has none (never an empty cell)."""
    if code is None:
        return ""
    return table.get(code, code.replace("_", " "))


def activity_words(kind: str, method: str | None = None, reason: str | None = None) -> str:
    """'Service in hand', 'Attempt: not at home', 'Transfer'."""
    text = word(KINDS, kind)
    if method:
        return f"{text} {word(METHODS, method)}"
    if reason:
        return f"{text}: {word(REASONS, reason)}"
    return text


def short_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """'12/01 5:58 PM' in the registry's time."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return f"{local:%m/%d} {local.hour % 12 or 12}:{local:%M} {local:%p}"


def clock(moment: datetime | None, zone: ZoneInfo) -> str:
    """'5:58 PM'."""
    return short_time(moment, zone).partition(" ")[2]
