"""The text line end to end: PIN, report, read-back, OK, X, LAST, strangers, duplicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import responses
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Activity, MessageLog
from sms.models import SmsSession
from tests.conftest import set_clock
from tests.sms.conftest import TOBY, Phone, new_sid

YY = date.today().year % 100
RIDDLER = f"HHD-FA{YY:02d}-4012199-S"


def activities(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Activity)) or 0


def test_a_pin_opens_a_session_and_a_report_is_recorded_only_after_ok(
    toby: Phone, session: Session
) -> None:
    with responses.RequestsMock():  # no Twilio account in tests: the delete job calls nothing
        opened = toby.send("PIN 246810")
    assert opened is not None and opened.startswith("PIN accepted")
    read_back = toby.send("S HHD-FA14-4012199-S H 1430 P F=U".replace("14", f"{YY:02d}", 1))
    assert read_back == (
        f"{RIDDLER} RIDDLER: SERVICE in hand "
        f"{date.today().month}/{date.today().day} 2:30PM, police assist YES, "
        "firearms UNKNOWN. Reply OK to record, X to discard."
    )
    assert activities(session) == 0
    recorded = toby.send("ok")
    assert recorded is not None and recorded.startswith(f"Recorded {RIDDLER}, conf ")
    assert "Police will be notified by fax." in recorded
    assert activities(session) == 1


def test_a_message_that_held_a_pin_is_logged_redacted(toby: Phone, session: Session) -> None:
    sid = new_sid()
    toby.send("PIN 246810", sid=sid)
    log = session.scalar(select(MessageLog).where(MessageLog.message_sid == sid))
    assert log is not None and log.held_pin and log.body_redacted == "PIN ******"
    assert log.outcome == "pin_ok"


def test_a_wrong_pin_says_how_many_tries_are_left(toby: Phone) -> None:
    assert toby.send("PIN 999999") == "PIN not accepted. 4 tries left before a 15 minute lock."


def test_a_report_without_a_session_asks_for_the_pin_and_reveals_no_name(toby: Phone) -> None:
    reply = toby.send("S 4012199 H")
    assert reply is not None and reply.startswith("Send your PIN first")
    assert "RIDDLER" not in reply


def test_a_pin_after_the_report_opens_the_session_and_reads_back(toby: Phone) -> None:
    reply = toby.send("A 4012199 NH 1430 #246810")
    assert reply is not None and reply.startswith(f"{RIDDLER} RIDDLER: ATTEMPT not at home")


def test_x_discards_the_report_and_nothing_is_recorded(
    toby: Phone, signed_in: Callable[[str], None], session: Session
) -> None:
    signed_in(TOBY)
    toby.send("R 4012199")
    assert toby.send("X") == f"Discarded {RIDDLER}. Nothing was recorded."
    assert (
        toby.send(
            "OK",
        )
        is not None
    )
    assert activities(session) == 0


def test_a_new_report_replaces_the_waiting_one_and_says_so(
    toby: Phone, signed_in: Callable[[str], None]
) -> None:
    signed_in(TOBY)
    toby.send("R 4012199")
    reply = toby.send("R 4012198")
    assert reply is not None and reply.startswith("Replaced your earlier report. ")
    assert "JOKER" in reply


def test_re_recording_warns_when_and_by_whom_then_ok_records_again(
    toby: Phone, signed_in: Callable[[str], None], session: Session
) -> None:
    signed_in(TOBY)
    toby.send("R 4012199 1000")
    toby.send("OK")
    toby.send("R 4012199 1100")
    warning = toby.send("OK")
    assert warning is not None
    assert warning.startswith(f"{RIDDLER}: RECEIPT was already recorded ")
    assert "10:00AM by Toby Padegenis (sms)" in warning
    assert activities(session) == 1
    again = toby.send("OK")
    assert again is not None and again.startswith(f"Recorded {RIDDLER}")
    assert activities(session) == 2


def test_last_says_the_last_activity_recorded(
    toby: Phone, signed_in: Callable[[str], None]
) -> None:
    signed_in(TOBY)
    assert toby.send("LAST") == "You have nothing recorded yet."
    toby.send("A 4012198 MV 9:15am")
    toby.send("OK")
    last = toby.send("last")
    assert last is not None and last.startswith(f"Last recorded: ATTEMPT HHD-FA{YY:02d}-4012198-S")
    assert "9:15AM" in last


def test_ok_with_nothing_waiting_says_so(toby: Phone, signed_in: Callable[[str], None]) -> None:
    signed_in(TOBY)
    reply = toby.send("OK")
    assert reply is not None and reply.startswith("Nothing is waiting to be recorded.")


def test_a_duplicate_webhook_gets_the_same_reply_and_records_nothing_new(
    toby: Phone, signed_in: Callable[[str], None], session: Session
) -> None:
    signed_in(TOBY)
    toby.send("S 4012199 AB 1200")
    sid = new_sid()
    first = toby.send("OK", sid=sid)
    second = toby.send("OK", sid=sid)
    assert first == second and first is not None and first.startswith("Recorded")
    assert activities(session) == 1
    logged = session.scalar(
        select(func.count()).select_from(MessageLog).where(MessageLog.message_sid == sid)
    )
    assert logged == 1


def test_a_forged_signature_gets_403_and_nothing_is_logged(toby: Phone, session: Session) -> None:
    response = toby.post("PIN 246810", token="not-the-token")
    assert response.status_code == 403
    assert session.scalar(select(func.count()).select_from(MessageLog)) == 0
    assert session.scalar(select(func.count()).select_from(SmsSession)) == 0


def test_an_unknown_phone_gets_one_neutral_reply_a_day(stranger: Phone) -> None:
    first = stranger.send("S 4012199 H")
    assert first == "This number cannot answer texts from your phone. Sorry."
    assert stranger.send("PIN 246810") is None


def test_a_carrier_keyword_gets_no_answer_but_is_logged(toby: Phone, session: Session) -> None:
    sid = new_sid()
    assert toby.send("Stop", sid=sid) is None
    log = session.scalar(select(MessageLog).where(MessageLog.message_sid == sid))
    assert log is not None and log.outcome == "carrier_keyword"


def test_a_transfer_reads_back_the_receiving_marshal(
    toby: Phone, signed_in: Callable[[str], None], session: Session
) -> None:
    signed_in(TOBY)
    reply = toby.send("T 4012199 to 417 / going on leave")
    assert reply is not None and "TRANSFER to 417 Maria Santos" in reply
    assert 'note "going on leave"' in reply
    toby.send("OK")
    activity = session.scalar(select(Activity))
    assert activity is not None and activity.comment == "going on leave"


def test_each_text_keeps_the_session_open_another_30_minutes(
    app: Flask, toby: Phone, clock: datetime, signed_in: Callable[[str], None]
) -> None:
    signed_in(TOBY)

    def at(minutes: int, body: str) -> str:
        set_clock(lambda: clock + timedelta(minutes=minutes))
        return toby.send(body) or ""

    assert not at(25, "LAST").startswith("Send your PIN first")
    assert at(50, "S 4012199 H").startswith(f"{RIDDLER} RIDDLER: SERVICE in hand")
    assert at(81, "X").startswith("Send your PIN first")  # 31 minutes after the last text
