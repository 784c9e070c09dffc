"""The phone flow's machine: what a caller gives, what a step says and waits for, and what it
does with an answer. It knows nothing of TwiML or HTTP, nor of any step: ``ivr.flow`` holds the
steps in order and runs them, ``ivr.twiml`` renders the replies, ``ivr.calls`` stores them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.settings import Settings
from ivr.state import CallState
from speech.menus import Menu, Option
from speech.understand import Hypothesis

WaitMode = Literal["key", "entry", "record", "docket"]


@dataclass(frozen=True)
class Input:
    """What the caller gave: keys, speech hypotheses, a recording, or nothing at all."""

    digits: str = ""
    speech: tuple[Hypothesis, ...] = ()
    recording_url: str | None = None
    recording_sid: str | None = None
    recording_seconds: int | None = None
    resume: bool = False
    speech_failed: bool = False

    @property
    def empty(self) -> bool:
        return not (
            self.digits or self.speech or self.recording_url or self.resume or self.speech_failed
        )


@dataclass(frozen=True)
class Wait:
    """What the caller is asked for: one key of a menu, digits ending with #, or a recording."""

    mode: WaitMode = "key"
    keys: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    max_length: int = 60
    menu: str | None = None  # the speech grammar (speech.menus): its words and its Vosk grammar


ENTRY = Wait(mode="entry")


def menu_wait(menu: Menu) -> Wait:
    """A menu's keys; a menu with a grammar may be answered by speech too."""
    return Wait(mode="key", keys=menu.keys, hints=menu.hints, menu=menu.grammar)


@dataclass(frozen=True)
class Reply:
    """What to say, what to wait for, and the state the call is then in."""

    state: str
    texts: tuple[str, ...] = ()
    wait: Wait | None = None
    start_recording: bool = False
    dial: str | None = None
    hangup: bool = False
    outcome: str | None = None
    keypad_only: bool = False


@dataclass(frozen=True)
class Go:
    """On to another step."""

    state: str
    say: tuple[str, ...] = ()
    remember: bool | None = True  # False forgets the way back; None leaves it as it is
    start_recording: bool = False


@dataclass(frozen=True)
class Again:
    """Ask the same step again."""

    say: tuple[str, ...] = ()


@dataclass(frozen=True)
class Back:
    """Back to an earlier step of the way here, as if the caller had pressed star to it."""

    state: str
    say: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finish:
    reply: Reply


Outcome = Go | Again | Back | Finish


@dataclass
class CallRow:
    """The columns of the call's ``call_log`` row that a step reads and changes: read and written
    back as a plain row by ``ivr.calls`` (no ORM entity: the webhook's hot path)."""

    id: int
    call_sid: str
    state: dict[str, Any] | None = None
    marshal_id: int | None = None
    docket_text: str | None = None
    activity_id: int | None = None
    outcome: str | None = None
    last_step: str | None = None


@dataclass
class Call:
    """One call between webhooks: the database session, settings and the stored flow state."""

    session: Session
    settings: Settings
    log: CallRow
    state: CallState
    now: datetime
    step_key: str

    @property
    def at(self) -> str:
        return self.state.at

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def source_id(self) -> str:
        return f"{self.log.call_sid}-{self.step_key}"


Say = Callable[[Call], tuple[str, ...]]
Listen = Callable[[Call], Wait]
Answer = Callable[[Call, Input], Outcome]


@dataclass(frozen=True)
class Step:
    """One state of the flow: what it says (it may read the registry), what it waits for (it
    does not), and what it does with an answer."""

    say: Say
    wait: Listen
    answer: Answer
    back: bool = True  # star goes back (zero reaches the Registry Section at every step)
    redact: bool = False  # the digits are never logged
    on_silence: str | None = None  # where silence leads instead of asking again


def asking(*texts: str) -> Say:
    """A step that always says the same."""
    return lambda call: texts


def waiting(wait: Wait) -> Listen:
    """A step that always waits for the same."""
    return lambda call: wait


def choose(menu: Menu) -> Answer:
    """A menu's own answer: keep the key's value (if it has one), go where the key leads."""

    def answer(call: Call, given: Input) -> Outcome:
        option = menu.option(given.digits)
        if option.value is not None:
            call.state.activity.answers[menu.name] = option.value
        return go_to(option)

    return answer


def go_to(option: Option) -> Go:
    """On to the step a menu's key leads to."""
    assert option.next is not None, f"key {option.key} leads nowhere: its step decides"
    return Go(option.next, remember=option.remember)


def menu_step(
    menu: Menu, answer: Answer | None = None, say: Say | None = None, back: bool = True
) -> Step:
    """The step of a menu: its prompt (or ``say``), its keys and, unless given, its own answer."""
    return Step(
        say=say or asking(menu.prompt),
        wait=waiting(menu_wait(menu)),
        answer=answer or choose(menu),
        back=back,
    )


def goodbye(call: Call, text: str, outcome: str) -> Reply:
    """End the call politely."""
    return Reply(state=call.at, texts=(text,), hangup=True, outcome=outcome)
