"""Secrets never stored (#14 item 3): a text the grammar reads as holding a PIN, in any shape it
accepts and any digits Unicode has, is logged redacted, deleted at Twilio, and never echoed;
the phone line keeps a PIN keyed at the marshal-number prompt out of its step rows."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AuditEvent, CallLog, CallStep, MessageLog
from ivr import prompts
from sms.grammar import OpenSession, Report, parse
from tests.conftest import Wiring, set_clock, wiring_now
from tests.ivr.driver import Phone as Caller
from tests.security.test_links_and_sessions import RecordingQueue
from tests.sms.conftest import Phone as Texter
from tests.sms.conftest import local_now

DIGITS = {  # each writes 0-9 its own way; NFKC or decimal folding reads them all as 0-9
    "ascii": lambda d: str(d),
    "fullwidth": lambda d: chr(0xFF10 + d),
    "superscript": lambda d: "⁰¹²³⁴⁵⁶⁷⁸⁹"[d],
    "arabic-indic": lambda d: chr(0x660 + d),
    "math bold": lambda d: chr(0x1D7CE + d),
}
SHAPES = [
    "PIN {p}",
    "pin {p}",
    "pin is {p}",
    "my pin is {p}",
    "PIN{p}",
    "PIN: {p}",
    "Pin = {p}",
    "PIN {a} {b}",
    "PIN {a}-{b}",
    "{h}{p}",
    "{h} {p}",
    "S 4012199 H {h}{p}",
    "S 4012199 {h}{p} H",
    "S 4012199 H PIN {p}",
    "A 4012198 NH 9am F=N {h}{p}",
    "{h}{p} S 4012199 H 1430 P",
    "S 4012199 H / left at door {h}{p}",
]
PINS = (
    st.integers(100000, 999999)
    .map(str)
    .filter(lambda p: len(set(p)) > 2 and p not in "4012199 4012198 1430")
)
SEEN: list[str] = []  # every PIN this module sent, for the end-of-suite search


def _written(pin: str, style: str) -> str:
    return "".join(DIGITS[style](int(d)) for d in pin)


@pytest.fixture()
def line(wiring: Wiring) -> Flask:
    app = wiring.app_with(rate_sms="100000 per minute")
    now = local_now().astimezone(UTC)
    set_clock(lambda: now)
    return app


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pin=PINS,
    shape=st.sampled_from(SHAPES),
    style=st.sampled_from(sorted(DIGITS)),
    hash_sign=st.sampled_from(["#", "＃"]),
    lower=st.booleans(),
)
def test_a_pin_in_any_accepted_shape_is_never_stored_echoed_or_logged(
    line: Flask,
    session: Session,
    caplog: pytest.LogCaptureFixture,
    pin: str,
    shape: str,
    style: str,
    hash_sign: str,
    lower: bool,
) -> None:
    written = _written(pin, style)
    body = shape.format(p=written, a=written[:3], b=written[3:], h=hash_sign)
    body = body.lower() if lower else body
    if shape not in ("{h}{p}", "{h} {p}", "PIN {a}-{b}"):
        assert isinstance(parse(body, "HHD", datetime.now().year), OpenSession | Report)
    SEEN.append(pin)
    asked = RecordingQueue()
    with wiring_now().parts(queue=asked), caplog.at_level(logging.DEBUG):
        response = Texter(line.test_client(), "+18605550190").post(body)
    reply = response.get_data(as_text=True)
    row = session.scalar(select(MessageLog).order_by(MessageLog.id.desc()).limit(1))
    assert row is not None and row.held_pin
    for stored in (row.body_redacted, row.reply or "", reply):
        assert pin not in stored and written not in stored, stored
    assert ("sms.jobs.delete_message", (row.message_sid,)) in asked.asked
    for event in session.scalars(select(AuditEvent)):
        assert pin not in str(event.detail)
    assert not any(pin in r.getMessage() or written in r.getMessage() for r in caplog.records)


def test_a_pin_keyed_at_the_marshal_number_prompt_is_not_kept(
    line: Flask, session: Session
) -> None:
    call = Caller(line.test_client(), caller="+15555550123", verstat="").dial()
    call.press("246810").press("903").press("246810")
    assert prompts.SIGNED_IN in call.text
    log = session.scalar(select(CallLog).where(CallLog.call_sid == call.call_sid))
    assert log is not None
    steps = session.scalars(select(CallStep).where(CallStep.call_id == log.id)).all()
    for step in steps:
        for value in (step.input_redacted, step.prompt, step.response, step.recognition):
            assert "246810" not in (value or ""), step.state_name
    assert "246810" not in str(log.state)


def test_the_call_recording_starts_only_after_sign_in(line: Flask) -> None:
    call = Caller(line.test_client()).dial()
    assert call.document is not None and call.document.find(".//Recording") is None
    call.press("246810")
    assert call.document is not None and call.document.find(".//Recording") is not None
