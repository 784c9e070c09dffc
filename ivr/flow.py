"""The call flow: every step in order, and the machine that runs them over neutral inputs (keys,
speech, a recording, nothing).

The types are in ``ivr.machine``; each step module holds what its steps say and do; the table
below is the whole flow, in the order a call goes through it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from core.hours import parse_hours
from ivr import activity_steps as activity
from ivr import docket_steps as docket
from ivr import prompts
from ivr import review_steps as review
from ivr import signin_steps as signin
from ivr import when_steps as when
from ivr.machine import (
    Again,
    Back,
    Call,
    Finish,
    Go,
    Input,
    Outcome,
    Reply,
    Step,
    Wait,
    goodbye,
    menu_step,
)
from speech import menus
from speech.understand import Hypothesis, choose, yes_no

log = logging.getLogger(__name__)
MAX_MISSES = 2

STEPS: dict[str, Step] = {
    # sign-in
    "marshal": signin.MARSHAL,
    "pin": signin.PIN,
    # the docket: keyed or said, one of several, read back; star changes court, year, type…
    "docket": docket.DOCKET,
    "docket_pick": docket.PICK,
    "docket_confirm": docket.CONFIRM,
    "docket_options": menu_step(menus.DOCKET_OPTIONS),
    "court": docket.COURT,
    "year": docket.YEAR,
    "case_type": docket.CASE_TYPE,
    "suffix": docket.SUFFIX,
    # the activity and its details
    "activity": activity.ACTIVITY,
    "after_service": activity.AFTER_SERVICE,
    "method": menu_step(menus.METHOD),
    "reason": menu_step(menus.REASON),
    "transfer": activity.TRANSFER,
    "transfer_confirm": activity.TRANSFER_CONFIRM,
    "comment": activity.COMMENT,
    "comment_missing": activity.COMMENT_MISSING,
    # when it happened
    "when": when.WHEN,
    "when_date": when.DATE,
    "when_time": when.TIME,
    "am_pm": when.AM_PM,
    # service and attempts: police assistance and firearms
    "police": menu_step(menus.POLICE),
    "firearms": menu_step(menus.FIREARMS),
    # the read-back, recording it, another activity
    "review": review.REVIEW,
    "rerecord": review.RERECORD,
    "another": review.ANOTHER,
}


def start(call: Call, caller: str, verstat: str = "") -> Reply:
    """The greeting and the first sign-in prompt."""
    return follow(call, signin.begin(call, caller, verstat))


def respond(call: Call, given: Input) -> Reply:
    """The reply to what the caller gave in the call's current state."""
    current = STEPS[call.at]
    if given.resume:
        return show(call, call.at)
    if given.empty and not given.speech_failed:
        if current.on_silence:
            return follow(call, Go(current.on_silence, remember=None))
        return _missed(call)
    call.state.misses = 0
    wait = current.wait(call)
    given = _as_keys(wait, given)
    if given.digits == "0":
        return registry(call)
    if given.digits == "*" and current.back and call.state.history:
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


def _said_key(grammar: str, hypotheses: tuple[Hypothesis, ...]) -> str | None:
    if grammar == menus.YES_NO:
        answer = yes_no(hypotheses)
        if answer is not None:
            return "1" if answer else "2"
    return choose(hypotheses, menus.SPEECH[grammar])


def follow(call: Call, outcome: Outcome) -> Reply:
    """Carry out a step's outcome: move on, ask again, go back, or end."""
    if isinstance(outcome, Finish):
        return outcome.reply
    if isinstance(outcome, Again):
        return show(call, call.at, outcome.say)
    if isinstance(outcome, Back):
        return _back(call, outcome.state, outcome.say)
    if outcome.remember:
        call.state.history.append(call.at)
    elif outcome.remember is False:
        call.state.history = []
    call.state.at = outcome.state
    reply = show(call, outcome.state, outcome.say)
    if outcome.start_recording:
        return _with(reply, start_recording=True)
    return reply


def show(call: Call, name: str, say: tuple[str, ...] = ()) -> Reply:
    """The reply that puts the caller in state ``name``: what it says and waits for."""
    step = STEPS[name]
    texts, wait = step.say(call), step.wait(call)
    keypad_only = call.state.keypad_only
    if wait.menu is not None and call.settings.ivr_speech != "off" and not keypad_only:
        texts = _say_or_press(call, texts)
    return Reply(state=name, texts=say + texts, wait=wait, keypad_only=keypad_only)


def _say_or_press(call: Call, texts: tuple[str, ...]) -> tuple[str, ...]:
    """The first menu that listens for speech says so, once a call, after its keys (a caller
    who knows the key has pressed it by then)."""
    if call.state.told_speech or not texts:
        return texts
    call.state.told_speech = True
    return (*texts, prompts.SAY_OR_PRESS)


def _with(reply: Reply, **changes: Any) -> Reply:
    return replace(reply, **changes)


def _missed(call: Call) -> Reply:
    call.state.misses += 1
    if call.state.misses > MAX_MISSES:
        kind = call.state.activity.kind
        lost = f"{prompts.not_kept(kind)} " if kind and call.state.signed_in else ""
        return goodbye(call, lost + prompts.NO_INPUT_GOODBYE, "no input")
    return show(call, call.at, (prompts.NO_INPUT,))


def _back(call: Call, to: str | None = None, say: tuple[str, ...] = ()) -> Reply:
    """Star: the step before; or back to the earlier step ``to``, forgetting the way since."""
    history = call.state.history
    to = to or history[-1]
    while history and history.pop() != to:
        pass
    call.state.at = to
    return show(call, to, say)


def registry(call: Call) -> Reply:
    """Zero: the Registry Section by phone in its hours, else its number and back to the step."""
    settings = call.settings
    if in_hours(settings.registry_section_hours, call.now.astimezone(call.zone)):
        return Reply(
            state=call.at,
            texts=(prompts.CONNECTING,),
            dial=settings.registry_section_phone,
            outcome="registry section",
        )
    closed = prompts.registry_closed(
        *open_days(settings.registry_section_hours), settings.registry_section_phone
    )
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
