"""What a call remembers between webhooks, typed, kept in ``call_log.state`` (JSON).

The JSON is flat, one key per field, the shape the line has always stored: a call in progress
when this code is deployed reads as it was written, and a key this code does not know is left
out. The activity being entered is one group, so the next activity starts from a clean one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any

from core.models import ActivityKind
from speech.menus import ANSWERS, Value

ANSWER_NAMES = tuple(menu.name for menu in ANSWERS)  # kept under the menu's name


@dataclass
class Activity:
    """What was gathered for the activity being entered."""

    kind: ActivityKind | None = None
    answers: dict[str, Value] = field(default_factory=dict)  # menu name -> the key's value
    transfer_smc: str | None = None
    comment: str | None = None
    comment_sid: str | None = None
    comment_url: str | None = None
    date: str | None = None  # the day given, ISO
    time: list[int] | None = None  # hours (0-11) and minutes, waiting for AM or PM
    when_given: bool = False  # "just now" or a moment was given
    occurred_at: str | None = None  # the moment given (ISO); None with when_given: just now
    after_service: bool = False  # confirmed after a service on file

    @property
    def method(self) -> str | None:
        return _text(self.answers.get("method"))

    @property
    def reason(self) -> str | None:
        return _text(self.answers.get("reason"))


@dataclass
class DocketSearch:
    """The docket being found and chosen; another activity may keep it or start again."""

    docket_id: int | None = None
    respondent: str | None = None  # the chosen docket's respondent, as read back at the choice
    candidates: list[int] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)  # court, year, type, suffix chosen by *
    heard: str | None = None  # the spoken docket read back, until it is confirmed


@dataclass
class CallState:
    """One call's place in the flow, its sign-in, its docket and its activity."""

    at: str = "marshal"
    seq: int = 0
    history: list[str] = field(default_factory=list)
    misses: int = 0
    tries: int = 0
    marshal_id: int | None = None
    # the marshal's default court, "" for none (None: not kept, a call from before it was)
    default_court: str | None = None
    verified_phone: bool = False
    signed_in: bool = False
    keypad_only: bool = False
    told_speech: bool = False
    speech_misses: int = 0
    recorded: list[int] = field(default_factory=list)
    previous: str | None = None  # what is already on file, said before recording it again
    docket: DocketSearch = field(default_factory=DocketSearch)
    activity: Activity = field(default_factory=Activity)

    @classmethod
    def read(cls, stored: dict[str, Any] | None) -> CallState:
        """The state as stored (unknown keys left out, missing ones at their defaults); a copy,
        so the stored JSON stays as it was (the step log compares the two)."""
        stored = copy.deepcopy(stored or {})
        return cls(
            **_known(cls, stored),
            docket=DocketSearch(**_known(DocketSearch, stored)),
            activity=_read_activity(stored),
        )

    def stored(self) -> dict[str, Any]:
        """The flat JSON ``read`` takes back; fields at their defaults are left out."""
        flat = {
            "at": self.at,
            "seq": self.seq,
            **_set(self),
            **_set(self.docket),
            **_set(self.activity),
        }
        flat.pop("answers", None)
        flat.pop("when_given", None)
        if self.activity.when_given:
            flat["occurred_at"] = self.activity.occurred_at
        if self.activity.kind is not None:
            flat["kind"] = self.activity.kind.value
        return {**flat, **self.activity.answers}


_GROUPS = ("docket", "activity")


def _known(group: type, stored: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(group)} - {*_GROUPS, "answers", "when_given"}
    return {name: stored[name] for name in names if name in stored}


def _read_activity(stored: dict[str, Any]) -> Activity:
    found = _known(Activity, stored)
    if found.get("kind") is not None:
        found["kind"] = ActivityKind(found["kind"])
    answers = {name: stored[name] for name in ANSWER_NAMES if stored.get(name) is not None}
    return Activity(**found, answers=answers, when_given="occurred_at" in stored)


def _set(group: object) -> dict[str, Any]:
    """The fields that differ from their defaults (what the JSON has always held)."""
    defaults = type(group)()
    return {
        f.name: getattr(group, f.name)
        for f in fields(group)  # type: ignore[arg-type]
        if f.name not in _GROUPS and getattr(group, f.name) != getattr(defaults, f.name)
    }


def _text(value: Value | None) -> str | None:
    return value if isinstance(value, str) else None
