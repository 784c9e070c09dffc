"""Every sentence the phone line says, in one place, so it is easy to read and change.

Menus always say their keys. Sentences are short: marshals call from noisy streets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

GREETING = "ServeLine, the protection order service line."
RECORDED_NOTICE = "This call is recorded after you sign in."
MARSHAL_NUMBER = "Enter your marshal number, then press pound."
UNKNOWN_MARSHAL = "That marshal number is not registered."
PIN = "Enter your PIN, then press pound."
WRONG_PIN = "That PIN is not right."
TOO_MANY_TRIES = "Sorry, I could not sign you in."
SIGNED_IN = "You are signed in."
NO_INPUT = "I did not hear anything."
NOT_UNDERSTOOD = "Sorry, I did not understand."
GOODBYE = "Thank you. Goodbye."
NO_INPUT_GOODBYE = "I still did not hear anything. Please call again when you are ready. Goodbye."
CONNECTING = "Connecting you to the Registry Section."
AFTER_DIAL = "The Registry Section call has ended. Goodbye."
HELP_KEYS = "At any time, press star to go back, or zero for the Registry Section."

DOCKET_KEYS = ("Enter the 7 digit docket number, then press pound. "
               "For another court, year, case type or suffix, press star.")
DOCKET_SPEECH = ("Say the docket number, or key the 7 digit number and press pound. "
                 "For another court, year, case type or suffix, press star.")
DOCKET_VOSK = "Say the docket number after the tone, or press pound to key it."
KEY_IT_INSTEAD = "I did not catch that docket. Please key it instead."
DOCKET_NOT_A_NUMBER = "A docket number has 7 digits."
DOCKET_RIGHT = "If that is right, press 1, or say yes. To enter it again, press 2."
DOCKET_PICK = "That number is on several cases."
DOCKET_OPTIONS = ("To change the court, press 1. The year, press 2. The case type, press 3. "
                  "The suffix, press 4. To go back to the docket number, press star.")
COURT_KEYS = ("Spell the court location on the keypad, using the letters on the keys. "
              "For example, for H H D, Hartford, press 4 4 3. Then press pound.")
COURT_UNKNOWN = "No court location matches those keys."
YEAR = "Enter the two digit year of the case, then press pound."
YEAR_BAD = "The year must have two digits."

ACTIVITY = ("For service, press 1. For an attempt, press 2. For receipt of the order, press 3. "
            "For a transfer to another marshal, press 4. For other information, press 5.")
METHOD = "For service in hand, press 1. For abode service, press 2."
TRANSFER_TO = "Enter the receiving marshal's number, then press pound."
TRANSFER_RIGHT = "If that is right, press 1. To enter another number, press 2."
COMMENT = "After the tone, say your comment. Press pound when you are done."
COMMENT_NONE = "I did not record a comment."
WHEN = "If this happened just now, press 1. To enter the date and time, press 2."
WHEN_DATE = "Enter the month and day as four digits. For March 5th, press 0 3 0 5."
WHEN_TIME = "Enter the time as four digits, hours and minutes. For 2 30, press 0 2 3 0."
AM_PM = "For A M, press 1. For P M, press 2."
BAD_DATE = "That is not a date."
BAD_TIME = "That is not a time."
FUTURE = "That time is in the future."
POLICE = "Was police assistance requested? For yes, press 1. For no, press 2."
FIREARMS = ("Is there an allegation of firearms? For yes, press 1. For no, press 2. "
            "If unknown, press 3.")
REVIEW_KEYS = "To record this, press 1. To change the activity, press 2."
RE_RECORD_KEYS = "To record it again, press 1. To leave it as it is, press 2."
NOT_RECORDED = "Nothing was recorded."
FAX_NOTICE = "The police will be notified by fax."
ANOTHER = "To record another activity, press 1. To end the call, press 2."

KIND_WORDS = {"SERVICE": "service", "ATTEMPT": "an attempt", "RECEIPT": "receipt of the order",
              "TRANSFER": "a transfer", "OTHER": "other information"}
METHOD_WORDS = {"HAND": "in hand", "ABODE": "abode"}
FIREARMS_WORDS = {"YES": "firearms alleged", "NO": "no firearms alleged",
                  "UNKNOWN": "firearms unknown"}

# Words a caller may say instead of pressing a key (Twilio speech), per menu.
YES_NO_WORDS = {"1": ["yes", "yeah", "correct", "right"], "2": ["no", "nope", "wrong"]}
ACTIVITY_WORDS = {"1": ["service", "served"], "2": ["attempt", "attempted"],
                  "3": ["receipt", "received"], "4": ["transfer"], "5": ["other"]}
METHOD_WORDS_SAID = {"1": ["hand", "in hand"], "2": ["abode"]}
FIREARMS_SAID = {"1": ["yes"], "2": ["no"], "3": ["unknown", "don't know"]}
WHEN_SAID = {"1": ["now", "just now"], "2": ["date", "earlier"]}
AM_PM_SAID = {"1": ["am", "a.m.", "morning"], "2": ["pm", "p.m.", "afternoon", "evening"]}


def marshal_greeting(last_name: str) -> str:
    return f"Marshal {last_name}, enter your PIN, then press pound."


def locked(registry_phone: str) -> str:
    return ("Your account is locked for 15 minutes after too many wrong PINs. "
            f"For help, call the Registry Section at {spell_phone(registry_phone)}. Goodbye.")


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


def registry_closed(hours: str, phone: str) -> str:
    return (f"The Registry Section answers from {hours.replace('-', ' to ')}. "
            f"Its number is {spell_phone(phone)}.")


def docket_read_back(chunks: Sequence[str], respondent: str) -> str:
    return f"Docket {', '.join(chunks)}. Respondent {respondent}."


def docket_in_review(chunks: Sequence[str], respondent: str) -> str:
    return f"on docket {', '.join(chunks)}, {respondent}"


def heard_docket(heard: str) -> str:
    return f"I heard {heard}."


def docket_unknown(chunks: Sequence[str]) -> str:
    return f"Docket {', '.join(chunks)} is not in the registry."


def pick_option(key: str, chunks: Sequence[str], respondent: str) -> str:
    return f"For {', '.join(chunks)}, {respondent}, press {key}."


def court_option(key: str, name: str) -> str:
    return f"For {name}, press {key}."


def court_set(name: str) -> str:
    return f"Court location {name}."


def year_set(year: int) -> str:
    return f"Year {year:02d}."


def choice_option(key: str, label: str) -> str:
    return f"For {label}, press {key}."


def reason_menu(labels: Sequence[str]) -> str:
    return " ".join(f"For {label}, press {i}." for i, label in enumerate(labels, start=1))


def transfer_to(name: str, smc: str) -> str:
    return f"Transfer to marshal {name}, number {digits(smc)}."


def comment_kept(recording_sid: str) -> str:
    return f"Spoken comment, recording {recording_sid}"


def spoken_time(moment: datetime) -> str:
    return moment.strftime("%B %-d at %-I:%M %p")


def review(parts: Sequence[str]) -> str:
    return "You are recording " + ", ".join(parts) + "."


def already(kind: str, when: str, by: str) -> str:
    return f"{KIND_WORDS.get(kind, kind).capitalize()} was already recorded on {when} by {by}."


def recorded(confirmation: str) -> str:
    return f"Recorded. Your confirmation number is {digits(confirmation)}."


def refused(message: str) -> str:
    return f"That cannot be recorded: {message}."
