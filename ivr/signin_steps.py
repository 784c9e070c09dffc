"""Signing in: caller ID or marshal number, then the PIN (never logged, never recorded)."""

from __future__ import annotations

from core.accounts import check_pin, marshal_by_phone, marshal_by_smc
from core.models import Channel, Marshal
from ivr import prompts
from ivr.flow import Again, Call, Finish, Go, Input, Outcome, Reply, Wait, goodbye, show, step

MAX_TRIES = 3
ENTRY = Wait(mode="entry")


def begin(call: Call, caller: str) -> Reply:
    """The greeting; a caller ID that matches a marshal skips the marshal number."""
    marshal = marshal_by_phone(call.session, caller) if caller else None
    greeting = (prompts.GREETING, prompts.RECORDED_NOTICE)
    if marshal is None:
        call.state["at"] = "marshal"
        return show(call, "marshal", greeting)
    _choose(call, marshal)
    call.state["at"] = "pin"
    return show(call, "pin", greeting)


def _choose(call: Call, marshal: Marshal) -> None:
    call.state["marshal_id"] = marshal.id
    call.log.marshal_id = marshal.id


def _marshal_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.MARSHAL_NUMBER,), ENTRY


@step("marshal", prompt=_marshal_prompt, back=False)
def marshal_number(call: Call, given: Input) -> Outcome:
    marshal = marshal_by_smc(call.session, given.digits.rstrip("#"))
    if marshal is None:
        return _failed(call, prompts.UNKNOWN_MARSHAL)
    _choose(call, marshal)
    return Go("pin")


def _pin_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    marshal = _marshal(call)
    if marshal is not None and not call.state.get("history"):
        return (prompts.marshal_greeting(marshal.last_name),), ENTRY
    return (prompts.PIN,), ENTRY


@step("pin", prompt=_pin_prompt, redact=True)
def pin(call: Call, given: Input) -> Outcome:
    marshal = _marshal(call)
    assert marshal is not None
    result = check_pin(call.session, marshal, given.digits, Channel.PHONE.value, call.now)
    if result.locked:
        text = prompts.locked(call.settings.registry_section_phone)
        return Finish(goodbye(call, text, "locked"))
    if not result.ok:
        return _failed(call, prompts.WRONG_PIN)
    call.state["signed_in"] = True
    return Go("docket", (prompts.SIGNED_IN,), remember=False, start_recording=True)


def _failed(call: Call, text: str) -> Outcome:
    call.state["tries"] = int(call.state.get("tries", 0)) + 1
    if call.state["tries"] >= MAX_TRIES:
        return Finish(goodbye(call, f"{text} {prompts.TOO_MANY_TRIES} {prompts.GOODBYE}",
                              "sign-in failed"))
    return Again((text,))


def _marshal(call: Call) -> Marshal | None:
    marshal_id = call.state.get("marshal_id")
    return call.session.get(Marshal, marshal_id) if marshal_id else None


def signed_in_marshal(call: Call) -> Marshal:
    """The marshal this call signed in as (every step after the PIN)."""
    marshal = _marshal(call)
    assert marshal is not None and call.state.get("signed_in")
    return marshal
