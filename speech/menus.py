"""The phone line's one-key menus as data: one record per menu.

A record holds the menu's name, its prompt words and, for each key, what it means, the step it
leads to and what a caller may say instead of pressing it. The spoken prompt, the valid keys,
Twilio's hints, the Vosk and Whisper grammars (``speech.grammar``), the read-back and the step
log's words are all derived from it. Adding a menu is adding a record here and its line in the
flow's table (``ivr.flow``). The records are data, below both the phone flow and the
recognisers, so that both read the same one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core.codes import ATTEMPT_REASONS
from core.models import ActivityKind

Value = str | bool
YES_NO = "yes_no"  # the grammar every yes/no menu shares


@dataclass(frozen=True)
class Option:
    """One key of a menu."""

    key: str
    label: str  # "Yes" in "Yes, press 1."
    next: str | None = None  # the step this key leads to (None: the step decides)
    value: Value | None = None  # what the activity keeps (None: nothing)
    words: tuple[str, ...] = ()  # what a caller may say instead of pressing the key
    read_back: str = ""  # how the review reads the value back ("police helped")
    logged: str = ""  # how the step log writes a key that changes nothing ("right")
    remember: bool | None = True  # False forgets the way back; None leaves it as it is


@dataclass(frozen=True)
class Menu:
    """A one-key menu: the question, its keys in order, and what follows the keys."""

    name: str
    question: str
    options: tuple[Option, ...]
    grammar: str | None = None  # the speech grammar; None: keys only
    after: str = ""  # said after the keys ("To go back to the docket number, press star.")
    short: bool = False  # "press" is said for the first key only (a long list)
    then: str | None = None  # where every key leads that does not name its own next step

    def __post_init__(self) -> None:
        if self.then is not None:
            led = tuple(o if o.next else replace(o, next=self.then) for o in self.options)
            object.__setattr__(self, "options", led)

    @property
    def prompt(self) -> str:
        """'Did you ask the police for help? Yes, press 1. No, press 2.'"""
        keys = " ".join(
            f"{o.label}, {'press ' if i == 0 or not self.short else ''}{o.key}."
            for i, o in enumerate(self.options)
        )
        return " ".join(part for part in (self.question, keys, self.after) if part)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(o.key for o in self.options)

    @property
    def words(self) -> dict[str, tuple[str, ...]]:
        """Key -> what a caller may say for it."""
        return {o.key: o.words for o in self.options}

    @property
    def hints(self) -> tuple[str, ...]:
        """Every phrase of the menu, in order (Twilio's hints)."""
        return tuple(w for o in self.options for w in o.words) if self.grammar else ()

    def option(self, key: str) -> Option:
        return next(o for o in self.options if o.key == key)


def yes_no(name: str, question: str, yes: Option, no: Option, then: str | None = None) -> Menu:
    """A yes/no menu: 1 and 2, answered by voice with the shared yes/no words."""
    return Menu(name, question, (_said(yes, YES_WORDS), _said(no, NO_WORDS)), YES_NO, then=then)


def _said(option: Option, words: tuple[str, ...]) -> Option:
    return replace(option, words=words)


YES_WORDS = ("yes", "yeah", "correct", "right")
NO_WORDS = ("no", "nope", "wrong")

DOCKET_CONFIRM = yes_no(
    "docket_confirm",
    "",
    Option("1", "Right", "activity", logged="right"),
    Option("2", "Re-enter", "docket", logged="re-enter", remember=False),
)

DOCKET_OPTIONS = Menu(
    "docket_options",
    "",
    (
        Option("1", "To change the court", "court", logged="change the court"),
        Option("2", "The year", "year", logged="change the year"),
        Option("3", "The case type", "case_type", logged="change the case type"),
        Option("4", "The suffix", "suffix", logged="change the suffix"),
    ),
    after="To go back to the docket number, press star.",
)

ACTIVITY = Menu(
    "activity",
    "",
    (
        Option(
            "1",
            "Service",
            "method",
            value=ActivityKind.SERVICE,
            words=("service", "served", "served in hand", "in hand", "abode"),
        ),
        Option(
            "2", "Attempt", "reason", value=ActivityKind.ATTEMPT, words=("attempt", "attempted")
        ),
        Option("3", "Receipt", "when", value=ActivityKind.RECEIPT, words=("receipt", "received")),
        Option("4", "Transfer", "transfer", value=ActivityKind.TRANSFER, words=("transfer",)),
        Option("5", "Other", "comment", value=ActivityKind.OTHER, words=("other",)),
    ),
    grammar="activity",
)

# Its words are the service on file and the activity named: said by its step.
AFTER_SERVICE = yes_no(
    "after_service", "", Option("1", ""), Option("2", "", "activity", remember=False)
)

METHOD = Menu(
    "method",
    "",
    (
        Option("1", "In hand", value="HAND", words=("hand", "in hand")),
        Option("2", "Abode", value="ABODE", words=("abode",)),
    ),
    grammar="method",
    then="when",
)

REASON = Menu(
    "reason",
    "Why was it not served?",
    tuple(
        Option(str(i), r.label.capitalize(), value=r.code, words=(r.label,))
        for i, r in enumerate(ATTEMPT_REASONS, start=1)
    ),
    grammar="reason",
    short=True,
    then="when",
)

TRANSFER_CONFIRM = yes_no(
    "transfer_confirm",
    "",
    Option("1", "Right", "when", logged="right"),
    Option("2", "Re-enter", "transfer", logged="re-enter", remember=False),
)

COMMENT_AGAIN = Menu(
    "comment_again",
    "",
    (
        Option("1", "Record again", "comment", remember=None),
        Option("2", "No comment", "when", remember=None),
    ),
)

COMMENT_NEEDED = Menu(
    "comment_needed",
    "Other information needs a comment.",
    (Option("1", "Record again", "comment", remember=None),),
    after="To go back, press star. For the Registry Section, press 0.",
)

WHEN = Menu(
    "when",
    "",
    (
        Option("1", "Just now", words=("now", "just now"), logged="just now"),
        Option("2", "Another time", "when_date", words=("date", "earlier"), logged="another time"),
    ),
    grammar="when",
)

AM_PM = Menu(
    "am_pm",
    "",
    (
        Option("1", "For A M", words=("am", "a.m.", "morning"), logged="AM"),
        Option("2", "For P M", words=("pm", "p.m.", "afternoon", "evening"), logged="PM"),
    ),
    grammar="am_pm",
)

POLICE = yes_no(
    "police",
    "Did you ask the police for help?",
    Option("1", "Yes", value=True, read_back="police helped"),
    Option("2", "No", value=False, read_back="no police help"),
    then="firearms",
)

FIREARMS = Menu(
    "firearms",
    "Firearms alleged?",
    (
        Option("1", "Yes", value="YES", words=("yes",), read_back="firearms alleged"),
        Option("2", "No", value="NO", words=("no",), read_back="no firearms"),
        Option(
            "3",
            "Unknown",
            value="UNKNOWN",
            words=("unknown", "don't know"),
            read_back="firearms unknown",
        ),
    ),
    grammar="firearms",
    then="review",
)

REVIEW = yes_no(
    "review",
    "",
    Option("1", "Record it", logged="record it"),
    Option("2", "Change it", "activity", logged="change it", remember=False),
)

RERECORD = yes_no(
    "rerecord",
    "",
    Option("1", "To record it again", logged="record it again"),
    Option("2", "To leave it as it is", "another", logged="leave it as it is", remember=False),
)

ANOTHER = yes_no(
    "another",
    "",
    Option("1", "Another activity", "docket", logged="another activity", remember=False),
    Option("2", "End the call", logged="end the call"),
)

# Every record above, in the order a call meets them (the read-back follows this order).
MENUS = tuple(value for value in list(globals().values()) if isinstance(value, Menu))
ANSWERS = tuple(  # the menus whose answer the activity keeps, under the menu's name
    m for m in MENUS if m is not ACTIVITY and any(o.value is not None for o in m.options)
)


def grammars() -> dict[str, dict[str, tuple[str, ...]]]:
    """Each speech grammar's words, key by key (menus sharing a grammar share its words)."""
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for menu in MENUS:
        if menu.grammar is not None:
            found.setdefault(menu.grammar, menu.words)
    return found


SPEECH = grammars()
