"""Signing in: caller ID or marshal number, then the PIN (never logged, never recorded)."""

from __future__ import annotations

import re

from core import guards
from core.accounts import check_pin, marshal_by_phone, marshal_by_smc
from core.models import Channel, Marshal
from ivr import prompts
from ivr.machine import (
    ENTRY,
    Again,
    Call,
    Finish,
    Go,
    Input,
    Outcome,
    Step,
    asking,
    goodbye,
    waiting,
)

MAX_TRIES = 3
# Caller ID signs in only as a phone number; SIP, client and anonymous callers give their
# marshal number.
PHONE_NUMBER = re.compile(r"\+?[0-9]{7,15}")


VERIFIED = "TN-Validation-Passed-A"  # Twilio's StirVerstat: the carrier vouches for the number


def begin(call: Call, caller: str, verstat: str = "") -> Go:
    """The greeting; a caller ID that matches a marshal skips the marshal number, only when
    STIR/SHAKEN verified it (full attestation, A): any caller can show any number."""
    trusted = verstat == VERIFIED and PHONE_NUMBER.fullmatch(caller)
    marshal = marshal_by_phone(call.session, caller) if trusted else None
    greeting = (prompts.GREETING, prompts.RECORDED_NOTICE)
    if marshal is None:
        return Go("marshal", greeting, remember=None)
    _choose(call, marshal)
    call.state.verified_phone = True
    return Go("pin", greeting, remember=None)


def _choose(call: Call, marshal: Marshal) -> None:
    call.state.marshal_id = marshal.id
    call.state.default_court = marshal.default_court or ""  # the docket step needs no marshal
    call.log.marshal_id = marshal.id


def marshal_number(call: Call, given: Input) -> Outcome:
    marshal = marshal_by_smc(call.session, given.digits.rstrip("#"))
    if marshal is None:
        return _failed(call, prompts.UNKNOWN_MARSHAL)
    _choose(call, marshal)
    call.state.verified_phone = False  # a keyed number is "another phone", whoever calls
    return Go("pin")


def _pin_prompt(call: Call) -> tuple[str, ...]:
    marshal = _marshal(call)
    if marshal is not None and not call.state.history:
        return (prompts.marshal_greeting(marshal.last_name),)
    return (prompts.PIN,)


def pin(call: Call, given: Input) -> Outcome:
    if given.digits.startswith("*"):
        return Go("marshal", remember=False)  # star goes back, and is never a wrong PIN
    marshal_id = call.state.marshal_id
    assert marshal_id
    source = guards.PHONE if call.state.verified_phone else guards.OTHER_PHONE
    # By id: the marshal is read once, under the guard row's lock, not before it too.
    result = check_pin(
        call.session, marshal_id, given.digits, Channel.PHONE.value, call.now, source
    )
    if result.locked:
        text = prompts.locked(call.settings.registry_section_phone)
        return Finish(goodbye(call, text, "locked"))
    if not result.ok:
        return _failed(call, prompts.WRONG_PIN, result.failures_left)
    call.state.signed_in = True
    return Go("docket", (prompts.SIGNED_IN,), remember=False, start_recording=True)


def _failed(call: Call, text: str, account_left: int = MAX_TRIES) -> Outcome:
    """A wrong marshal number or PIN: the tries left, and after the last one, the next step."""
    call.state.tries += 1
    left = min(MAX_TRIES - call.state.tries, account_left)
    if left <= 0:
        ending = prompts.sign_in_failed(call.settings.registry_section_phone)
        return Finish(goodbye(call, f"{text} {ending}", "sign-in failed"))
    return Again((text, prompts.tries_left(left)))


def _marshal(call: Call) -> Marshal | None:
    marshal_id = call.state.marshal_id
    return call.session.get(Marshal, marshal_id) if marshal_id else None


def signed_in_marshal(call: Call) -> Marshal:
    """The marshal this call signed in as (every step after the PIN)."""
    marshal = _marshal(call)
    assert marshal is not None and call.state.signed_in
    return marshal


MARSHAL = Step(
    asking(prompts.MARSHAL_NUMBER), waiting(ENTRY), marshal_number, back=False, redact=True
)
PIN = Step(_pin_prompt, waiting(ENTRY), pin, redact=True)
