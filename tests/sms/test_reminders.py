"""Reminders before the hearing: one text per holding marshal per run, even from two workers
at the same moment; STOP/START REMINDERS and Twilio's STOP; the reply records an attempt."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import responses
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.db import session_scope
from core.models import Activity
from core.reminders import Reminder
from core.unserved import unserved
from sms.outbound import outbox_texts
from sms.reminders import due_kinds, run_reminders
from tests.conftest import Wiring, set_clock, worker_thread
from tests.sms.conftest import ZONE, Phone
from web.cli import main

TWILIO = "https://api.twilio.test"
MESSAGES = f"{TWILIO}/2010-04-01/Accounts/ACreminders/Messages.json"
HEARING = date.today() + timedelta(days=14)  # every demo docket's hearing
TWO_DAYS_BEFORE = datetime.combine(HEARING - timedelta(days=2), time(8), tzinfo=ZONE)
TOBY, SANTOS, OKAFOR = "+18605550190", "+18605550191", "+12035550192"


@pytest.fixture()
def outbox(wiring: Wiring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No Twilio account: texts go to the local outbox the simulator shows (``serveline text``
    reads it from its environment)."""
    monkeypatch.delenv("TWILIO_ACCOUNT_SID", raising=False)
    monkeypatch.setenv("SMS_OUTBOX_DIR", str(tmp_path / "texts"))
    wiring.configure(
        sms_outbox_dir=tmp_path / "texts", state_file_spool_dir=tmp_path / "state-file"
    )
    return tmp_path / "texts"


@pytest.fixture()
def twilio(wiring: Wiring) -> None:
    """The reminder jobs' own Twilio account (the app still checks requests for ACtest)."""
    from sms.outbound import TwilioSender

    reminders = wiring.services.settings.but(
        twilio_account_sid="ACreminders", twilio_auth_token="reminder-token", twilio_api_base=TWILIO
    )
    wiring.change(sms=TwilioSender(reminders))


def sent_to() -> list[str]:
    return sorted(parse_qs(c.request.body)["To"][0] for c in responses.calls)  # type: ignore[arg-type]


@responses.activate
def test_two_workers_at_the_same_moment_text_each_holding_marshal_once(
    committed: Engine, twilio: None
) -> None:
    responses.post(MESSAGES, json={"sid": "SMreminder"}, status=201)
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        start.wait()
        counts.append(run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC)))

    threads = [worker_thread(worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 3]
    assert sent_to() == sorted([TOBY, SANTOS, OKAFOR])
    bodies = {
        parse_qs(c.request.body)["To"][0]: parse_qs(c.request.body)["Body"][0]  # type: ignore[arg-type]
        for c in responses.calls
    }
    yy = date.today().year % 100
    assert f"HHD-FA{yy}-4012199-S RIDDLER hearing {HEARING:%m/%d}" in bodies[TOBY]
    assert f"HHD-FA{yy}-4012198-S JOKER" in bodies[TOBY]
    assert "COBBLEPOT" not in bodies[TOBY]  # the daybook assigns it to nobody
    assert "Reply A 4012198 NH to record an attempt, or call the line" in bodies[TOBY]
    assert "Reply A 4012199 NH" in bodies[SANTOS]  # in her own court the bare number is enough
    assert f"KNL-FA{yy}-4055555-S NYGMA" in bodies[SANTOS]
    assert run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC)) == 0  # the run was made


@responses.activate
def test_nothing_is_sent_while_the_hearing_is_further_off_than_reminder_days(
    committed: Engine, twilio: None
) -> None:
    responses.post(MESSAGES, json={"sid": "SMreminder"}, status=201)
    assert run_reminders("morning", (TWO_DAYS_BEFORE - timedelta(days=1)).astimezone(UTC)) == 0
    assert len(responses.calls) == 0


@responses.activate
def test_a_phone_that_sent_twilios_stop_is_not_texted_and_twilios_refusal_is_kept(
    committed: Engine, twilio: None
) -> None:
    responses.post(MESSAGES, json={"code": 21610, "message": "unsubscribed recipient"}, status=400)
    assert run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC)) == 0
    with session_scope() as session:
        statuses = set(session.scalars(select(Reminder.status)))
    assert statuses == {"opted_out"}
    responses.replace(responses.POST, MESSAGES, json={"sid": "SMreminder"}, status=201)
    responses.calls.reset()  # type: ignore[no-untyped-call]
    assert run_reminders("eve", (TWO_DAYS_BEFORE + timedelta(days=1, hours=7)).astimezone(UTC)) == 0
    assert len(responses.calls) == 0


def test_the_morning_and_eve_runs_are_due_at_their_local_times(settings: object) -> None:
    from core.settings import load_settings

    s = load_settings({})
    at = datetime(2026, 12, 14, 8, 0, tzinfo=ZONE)
    assert due_kinds(s, at) == ["morning"]
    assert due_kinds(s, at - timedelta(minutes=1)) == []
    assert due_kinds(s, at.replace(hour=15, minute=30)) == ["eve"]
    assert due_kinds(s, at.replace(hour=19)) == []


@pytest.fixture()
def toby(app: Flask, client: FlaskClient) -> Phone:
    set_clock(lambda: TWO_DAYS_BEFORE.astimezone(UTC) + timedelta(minutes=5))
    return Phone(client, TOBY)


def test_stop_reminders_stops_them_and_start_reminders_brings_them_back(
    toby: Phone, outbox: Path
) -> None:
    assert "No more hearing reminders" in (toby.send("STOP REMINDERS") or "")
    assert run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC)) == 2
    assert outbox_texts(outbox, TOBY) == []
    assert "reminders are on" in (toby.send("start reminders") or "")
    eve = TWO_DAYS_BEFORE + timedelta(days=1, hours=7)  # the afternoon before the hearing
    assert run_reminders("eve", eve.astimezone(UTC)) == 3
    assert len(outbox_texts(outbox, TOBY)) == 1


def test_twilios_own_stop_stops_the_reminders_too(toby: Phone, outbox: Path) -> None:
    assert toby.send("STOP") is None  # the carrier answers STOP itself
    run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC))
    assert outbox_texts(outbox, TOBY) == []
    toby.send("START")
    run_reminders("eve", (TWO_DAYS_BEFORE + timedelta(days=1, hours=7)).astimezone(UTC))
    assert len(outbox_texts(outbox, TOBY)) == 1


def test_the_reminder_shows_in_the_simulator_and_its_reply_records_an_attempt(
    toby: Phone, outbox: Path, runner: FlaskCliRunner, session: Session
) -> None:
    assert run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC)) == 3
    shown = runner.invoke(main, ["text", "--inbox", "--from", TOBY])
    assert shown.exit_code == 0, shown.output
    [line] = shown.output.splitlines()
    assert line.startswith("<= ServeLine: nothing recorded yet, hearing near: HHD-FA")
    suggested = re.search(r"Reply (A (\d{7}) NH) to record an attempt, or call the line", line)
    assert suggested is not None
    reply, number = suggested.groups()
    today = TWO_DAYS_BEFORE.date()
    listed = [r["docket"] for r in unserved(session, today, 2, ZONE)]
    joker = next(d for d in listed if d.startswith("HHD") and number in d)
    assert (
        next(r for r in unserved(session, today, 2, ZONE) if r["docket"] == joker)["reminded_at"]
        is not None
    )

    assert (toby.send(reply) or "").startswith("Send your PIN first")  # the usual PIN rule
    toby.send("PIN 246810")
    assert "ATTEMPT not at home" in (toby.send(reply) or "")
    assert (toby.send("OK") or "").startswith(f"Recorded {joker}")
    assert session.scalar(select(Activity.kind).where(Activity.attempt_reason == "NH")) == "ATTEMPT"
    after = [r["docket"] for r in unserved(session, today, 2, ZONE)]
    assert joker not in after and len(after) == len(listed) - 1


def test_the_outbox_texts_are_json_files_the_simulator_reads(outbox: Path) -> None:
    from core.settings import load_settings
    from sms.outbound import OutboxSender

    OutboxSender(load_settings()).send(TOBY, "hello")
    [text] = [json.loads(p.read_text()) for p in outbox.glob("*.json")]
    assert (text["to"], text["body"]) == (TOBY, "hello")


def test_reminders_off_and_on_are_the_same_switch(toby: Phone, outbox: Path) -> None:
    assert "REMINDERS ON turns them back on" in (toby.send("reminders off") or "")
    assert run_reminders("morning", TWO_DAYS_BEFORE.astimezone(UTC)) == 2
    assert "REMINDERS OFF turns them off" in (toby.send("Reminders on.") or "")
