"""The call flow: a state machine over neutral inputs (keys, speech, a recording, nothing).

Each step of the flow is a ``Step``: what it says and waits for, and what it does with an answer.
It knows nothing of TwiML or HTTP; ``ivr.twiml`` renders its replies, ``ivr.calls`` stores them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.hours import parse_hours
from core.models import CallLog
from core.settings import Settings
from ivr import prompts
from speech.menus import MENUS, phrases
from speech.understand import Hypothesis, choose, yes_no

log = logging.getLogger(__name__)
MAX_MISSES = 2


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
        return not (self.digits or self.speech or self.recording_url or self.resume
                    or self.speech_failed)


@dataclass(frozen=True)
class Wait:
    """What the caller is asked for: one key of a menu, digits ending with #, or a recording."""

    mode: str = "key"  # key | entry | record | docket
    keys: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    max_length: int = 60
    menu: str | None = None  # the menu's name in speech.menus: its words and its Vosk grammar


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
    state: str
    say: tuple[str, ...] = ()
    remember: bool | None = True  # False forgets the way back; None leaves it as it is
    start_recording: bool = False


@dataclass(frozen=True)
class Again:
    say: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finish:
    reply: Reply


Outcome = Go | Again | Finish


@dataclass
class Call:
    """One call between webhooks: the database session, settings and the stored flow state."""

    session: Session
    settings: Settings
    log: CallLog
    state: dict[str, Any]
    now: datetime
    step_key: str

    @property
    def at(self) -> str:
        return str(self.state.get("at", "marshal"))

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    @property
    def source_id(self) -> str:
        return f"{self.log.call_sid}-{self.step_key}"


Prompt = Callable[[Call], tuple[tuple[str, ...], Wait]]
Answer = Callable[[Call, Input], Outcome]


@dataclass(frozen=True)
class Step:
    """One state of the flow."""

    prompt: Prompt
    answer: Answer
    back: bool = True
    registry: bool = True
    redact: bool = False
    on_silence: str | None = None  # where silence leads instead of asking again


STEPS: dict[str, Step] = {}


def step(name: str, **options: Any) -> Callable[[Answer], Answer]:
    """Register an answer function together with its prompt (``options['prompt']``)."""

    def register(answer: Answer) -> Answer:
        STEPS[name] = Step(answer=answer, **options)
        return answer

    return register


def _load_steps() -> None:
    # The step modules register themselves on import; they import this module, hence here.
    from ivr import activity_steps, docket_steps, review_steps, signin_steps, when_steps

    assert activity_steps and docket_steps and review_steps and signin_steps and when_steps


def respond(call: Call, given: Input) -> Reply:
    """The reply to what the caller gave in the call's current state."""
    _load_steps()
    current = STEPS[call.at]
    if given.resume:
        return show(call, call.at)
    if given.empty and not given.speech_failed:
        if current.on_silence:
            return follow(call, Go(current.on_silence, remember=None))
        return _missed(call)
    call.state["misses"] = 0
    _texts, wait = current.prompt(call)
    given = _as_keys(wait, given)
    if given.digits == "0" and current.registry:
        return registry(call)
    if given.digits == "*" and current.back and call.state.get("history"):
        return _back(call)
    if wait.mode == "key" and given.digits not in wait.keys:
        heard = () if given.digits != "?" else (prompts.NOT_UNDERSTOOD,)
        return show(call, call.at, (*heard, prompts.valid_keys(wait.keys)))
    return follow(call, current.answer(call, given))


def _as_keys(wait: Wait, given: Input) -> Input:
    """Speech said at a named menu becomes the key it stands for; unknown speech stays speech."""
    if wait.menu is not None and given.speech_failed:
        return Input(digits="?")  # the local recogniser failed or was too slow
    if not given.speech or wait.menu is None:
        return given
    key = _said_key(wait.menu, given.speech)
    if key is None:
        return Input(digits="?")
    return Input(digits=key, speech=given.speech)  # the step may read more from the words


def _said_key(menu: str, hypotheses: tuple[Hypothesis, ...]) -> str | None:
    if menu == "yes_no":
        answer = yes_no(hypotheses)
        if answer is not None:
            return "1" if answer else "2"
    return choose(hypotheses, MENUS[menu])


def follow(call: Call, outcome: Outcome) -> Reply:
    """Carry out a step's outcome: move on, ask again, or end."""
    if isinstance(outcome, Finish):
        return outcome.reply
    if isinstance(outcome, Again):
        return show(call, call.at, outcome.say)
    if outcome.remember:
        call.state.setdefault("history", []).append(call.at)
    elif outcome.remember is False:
        call.state["history"] = []
    call.state["at"] = outcome.state
    reply = show(call, outcome.state, outcome.say)
    if outcome.start_recording:
        return _with(reply, start_recording=True)
    return reply


def show(call: Call, name: str, say: tuple[str, ...] = ()) -> Reply:
    """The reply that puts the caller in state ``name``: what it says and waits for."""
    _load_steps()
    texts, wait = STEPS[name].prompt(call)
    keypad_only = bool(call.state.get("keypad_only"))
    if wait.menu is not None and call.settings.ivr_speech != "off" and not keypad_only:
        texts = _say_or_press(call, texts)
    return Reply(state=name, texts=say + texts, wait=wait, keypad_only=keypad_only)


def _say_or_press(call: Call, texts: tuple[str, ...]) -> tuple[str, ...]:
    """The first menu that listens for speech says so, once a call, after its keys (a caller
    who knows the key has pressed it by then)."""
    if call.state.get("told_speech") or not texts:
        return texts
    call.state["told_speech"] = True
    return (*texts, prompts.SAY_OR_PRESS)


def _with(reply: Reply, **changes: Any) -> Reply:
    return replace(reply, **changes)


def _missed(call: Call) -> Reply:
    call.state["misses"] = int(call.state.get("misses", 0)) + 1
    if call.state["misses"] > MAX_MISSES:
        kind = call.state.get("kind")
        lost = f"{prompts.not_kept(kind)} " if kind and call.state.get("signed_in") else ""
        return goodbye(call, lost + prompts.NO_INPUT_GOODBYE, "no input")
    return show(call, call.at, (prompts.NO_INPUT,))


def _back(call: Call) -> Reply:
    previous = call.state["history"].pop()
    call.state["at"] = previous
    return show(call, previous)


def goodbye(call: Call, text: str, outcome: str) -> Reply:
    """End the call politely."""
    return Reply(state=call.at, texts=(text,), hangup=True, outcome=outcome)


def registry(call: Call) -> Reply:
    """Zero: the Registry Section by phone in its hours, else its number and back to the step."""
    settings = call.settings
    if in_hours(settings.registry_section_hours, call.now.astimezone(call.zone)):
        return Reply(state=call.at, texts=(prompts.CONNECTING,),
                     dial=settings.registry_section_phone, outcome="registry section")
    closed = prompts.registry_closed(*open_days(settings.registry_section_hours),
                                     settings.registry_section_phone)
    return show(call, call.at, (closed,))


def in_hours(hours: str, local: datetime) -> bool:
    """'Mon-Fri 08:00-17:00' (or '08:00-17:00', every day): the Registry Section answers its
    phone (local time)."""
    days, times = open_days(hours)
    opens, closes = times.strip().split("-")
    return local.weekday() in days and opens <= local.strftime("%H:%M") < closes


def open_days(hours: str) -> tuple[range, str]:
    """The weekdays (0 is Monday) and the times of an hours setting; a setting that cannot be
    read is logged and taken as Mon-Fri 08:00-17:00, so a caller never gets an error for it."""
    try:
        parsed = parse_hours(hours)
    except ValueError:
        return _unreadable(hours)
    return parsed.days, parsed.times


def _unreadable(hours: str) -> tuple[range, str]:
    log.error("REGISTRY_SECTION_HOURS %r cannot be read; using Mon-Fri 08:00-17:00", hours)
    return range(5), "08:00-17:00"


def menu_wait(keys: tuple[str, ...], menu: str | None = None) -> Wait:
    """A one-key menu; a named menu (speech.menus) may be answered by speech too."""
    return Wait(mode="key", keys=keys, hints=phrases(menu) if menu else (), menu=menu)
