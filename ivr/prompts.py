"""Every sentence the phone line says, in one place, so it is easy to read and change (the
one-key menus say what their records in ``speech.menus`` hold).

Menus always say their keys. Sentences are short: marshals call from noisy streets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.models import ActivityKind

GREETING = "ServeLine."
RECORDED_NOTICE = "Calls are recorded after sign-in."
MARSHAL_NUMBER = "Your marshal number, then pound."
UNKNOWN_MARSHAL = "That marshal number is not registered."
PIN = "Your PIN, then pound."
WRONG_PIN = "That PIN is not right."
TOO_MANY_TRIES = "Sorry, I could not sign you in."
RESET_PIN = "You can also set a new PIN on the ServeLine web page, under Profile."
SIGNED_IN = "Signed in."
NO_INPUT = "I did not hear anything."
NOT_UNDERSTOOD = "Sorry, I did not understand."
GOODBYE = "Thank you. Goodbye."
TOO_MANY_CALLS = (
    "Sorry, this line has had too many calls from your number in a short time. "
    "Please call again in a few minutes. Goodbye."
)
NO_INPUT_GOODBYE = "I still did not hear anything. Please call again when you are ready. Goodbye."
CONNECTING = "Connecting you to the Registry Section."
AFTER_DIAL = "The Registry Section call has ended. Goodbye."
UNAVAILABLE = (
    "Sorry, the registry cannot take this right now. Nothing was recorded. "
    "Please try again in a minute, or press 0 for the Registry Section."
)
SAY_OR_PRESS = "You can say your answer or press a key."

DOCKET_KEYS = "Docket number, then pound. Other court or year, press star."
DOCKET_SPEECH = "Say or key the docket number. Other court or year, press star."
DOCKET_VOSK = "Say the docket number after the tone, or press pound to key it."
# whisper reads seven digits alone far better than a whole docket (bench/speech_audio.py): the
# court and year come from the marshal's defaults and the registry; star still changes them.
DOCKET_WHISPER = (
    "Say the seven digits of the docket number after the tone, or press pound to key it."
)
KEY_IT_INSTEAD = "I did not catch that docket. Please key it instead."
DOCKET_NOT_A_NUMBER = "A docket number has 7 digits."
DOCKET_PICK = "That number is on several cases."
COURT_KEYS = (
    "Spell the court location on the keypad, using the letters on the keys. "
    "For example, for H H D, Hartford, press 4 4 3. Then press pound."
)
COURT_UNKNOWN = "No court location matches those keys."
YEAR = "Enter the two digit year of the case, then press pound."
YEAR_BAD = "The year must have two digits."

TRANSFER_TO = "Enter the receiving marshal's SMC number, then press pound."
COMMENT = "After the tone, say your comment. Press pound when you are done."
COMMENT_NONE = "I did not hear a comment."
WHEN_DATE = "Enter the month and day as four digits. For March 5th, press 0 3 0 5."
WHEN_TIME = (
    "Enter the time as four digits, 12- or 24-hour. For 2:30 PM, press 1 4 3 0, "
    "or 0 2 3 0 and then P M."
)
BAD_DATE = "That is not a date."
BAD_TIME = "That is not a time. Four digits, such as 0 9 1 5, or 1 4 3 0 for 2:30 PM."
NOT_RECORDED = "Nothing was recorded."
FAX_NOTICE = "Police will be faxed."

# The one-key menus' words are in their records, speech.menus.
KIND_WORDS = {
    ActivityKind.SERVICE: "service",
    ActivityKind.ATTEMPT: "attempt",
    ActivityKind.RECEIPT: "receipt of the order",
    ActivityKind.TRANSFER: "a transfer",
    ActivityKind.OTHER: "other information",
}
METHOD_WORDS = {"HAND": "in hand", "ABODE": "at the abode"}
NOUNS = {
    ActivityKind.ATTEMPT: "an attempt",
    ActivityKind.RECEIPT: "a receipt",
    ActivityKind.TRANSFER: "a transfer",
}
BEGUN = {
    ActivityKind.SERVICE: "service",
    ActivityKind.ATTEMPT: "attempt",
    ActivityKind.RECEIPT: "receipt",
    ActivityKind.TRANSFER: "transfer",
    ActivityKind.OTHER: "other information",
}


def marshal_greeting(last_name: str) -> str:
    return f"Marshal {last_name}, your PIN, then pound."


def tries_left(left: int) -> str:
    return f"{left} {'try' if left == 1 else 'tries'} left."


def sign_in_failed(registry_phone: str) -> str:
    """The last failed try: who can help, and where the PIN can be reset."""
    return (
        f"{TOO_MANY_TRIES} For help, call the Registry Section at "
        f"{spell_phone(registry_phone)}. {RESET_PIN} {GOODBYE}"
    )


def locked(registry_phone: str) -> str:
    return (
        "Sign-in by PIN from this phone is locked for now after too many wrong PINs. "
        f"For help, call the Registry Section at {spell_phone(registry_phone)}. Goodbye."
    )


def valid_keys(keys: Sequence[str]) -> str:
    """'Please press 1, 2 or 3.' for a wrong key."""
    spoken = [_key_word(k) for k in keys]
    if len(spoken) == 1:
        return f"Please press {spoken[0]}."
    return f"Please press {', '.join(spoken[:-1])} or {spoken[-1]}."


def _key_word(key: str) -> str:
    return {"*": "star", "#": "pound"}.get(key, key)


def digits(text: str) -> str:
    """A number spoken digit by digit: '4 1 7'."""
    return " ".join(text)


def spell_phone(e164: str) -> str:
    """+18773127807 -> '8 7 7, 3 1 2, 7 8 0 7'."""
    national = e164[-10:]
    return f"{digits(national[:3])}, {digits(national[3:6])}, {digits(national[6:])}"


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def registry_closed(days: range, times: str, phone: str) -> str:
    on = (
        ""
        if len(days) == 7
        else f"on {DAY_NAMES[days[0]]}s, "
        if len(days) == 1
        else f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}, "
    )
    opens, closes = (spoken_hour(t) for t in times.strip().split("-"))
    return (
        f"The Registry Section answers {on}from {opens} to {closes}. "
        f"Its number is {spell_phone(phone)}."
    )


def spoken_hour(hh_mm: str) -> str:
    """'08:00' -> '8 AM', '17:30' -> '5:30 PM', '12:00' -> 'noon'."""
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    if (hours, minutes) == (12, 0):
        return "noon"
    clock = f"{hours % 12 or 12}" + (f":{minutes:02d}" if minutes else "")
    return f"{clock} {'PM' if hours >= 12 else 'AM'}"


def docket_read_back(chunks: Sequence[str], respondent: str) -> str:
    return f"Docket {', '.join(chunks)}. Respondent {respondent}."


def on_respondent(respondent: str) -> str:
    return f"on {respondent}"


def heard_docket(heard: str) -> str:
    return f"I heard {heard}."


def docket_unknown(chunks: Sequence[str]) -> str:
    return f"Docket {', '.join(chunks)} is not in the registry."


def pick_option(key: str, chunks: Sequence[str], respondent: str) -> str:
    return f"{', '.join(chunks)}, {respondent}, press {key}."


def court_set(name: str) -> str:
    return f"Court location {name}."


def year_set(year: int) -> str:
    return f"Year {year:02d}."


def choice_option(key: str, label: str) -> str:
    return f"{label}, press {key}."


def transfer_to(name: str, smc: str) -> str:
    return f"Transfer to marshal {name}, number {digits(smc)}."


def comment_kept(recording_sid: str) -> str:
    return f"Spoken comment, recording {recording_sid}"


def comment_confirmed(seconds: int) -> str:
    return f"Comment kept, {seconds} {'second' if seconds == 1 else 'seconds'}."


def spoken_time(moment: datetime, with_year: bool = False) -> str:
    return moment.strftime("%B %-d, %Y at %-I:%M %p" if with_year else "%B %-d at %-I:%M %p")


def spoken_day(moment: datetime) -> str:
    return moment.strftime("%B %-d")


def no_such_day(said: str, year: int) -> str:
    return f"{said} is not a date in {year}."


def future(said: str, what: str, noun: str) -> str:
    """'December 2 is tomorrow: a service cannot be recorded before it happens.'"""
    return f"{said} is {what}: {noun} cannot be recorded before it happens."


def on_file(method: str | None, when: str, last_name: str) -> str:
    """At the docket read-back: 'Already served in hand on December 1 by Marshal Padegenis.'"""
    how = f" {METHOD_WORDS[method]}" if method in METHOD_WORDS else ""
    return f"Already served{how} on {when} by Marshal {last_name}."


def after_service(kind: ActivityKind) -> str:
    return (
        f"To record {NOUNS.get(kind, kind)} after that service, press 1. To choose again, press 2."
    )


def not_kept(kind: ActivityKind) -> str:
    """Silence ended a call with an activity half entered."""
    return f"The {BEGUN.get(kind, kind)} you began was not recorded."


def review(parts: Sequence[str]) -> str:
    return "Recording " + ", ".join(parts) + "."


def already(kind: ActivityKind, when: str, by: str) -> str:
    return f"{KIND_WORDS.get(kind, kind).capitalize()} was already recorded on {when} by {by}."


def recorded(confirmation: str) -> str:
    return f"Recorded. Confirmation number {digits(confirmation)}."


def refused(message: str) -> str:
    return f"That cannot be recorded: {message}."
