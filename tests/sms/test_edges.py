"""The text line at its edges (issue 16): dates and times by the one date rule, AM or PM asked,
warnings of a service on file, #PIN alone, replies that name the field and show an example of
the same activity, HELP in one segment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import marshal_by_phone
from core.models import Activity, ActivityKind, Marshal, SignInGuard
from sms import replies
from sms.models import SmsSession
from tests.conftest import set_clock
from tests.sms.conftest import TOBY, ZONE, Phone

TODAY = date.today()
YY = f"{TODAY.year % 100:02d}"
RIDDLER = f"HHD-FA{YY}-4012199-S"
Texting = Callable[[datetime], Phone]


@pytest.fixture()
def texting(app: Flask, client: FlaskClient, session: Session) -> Texting:
    """Toby's phone, signed in, with the line's clock at a given local moment."""

    def at(local: datetime) -> Phone:
        now = local.astimezone(UTC)
        set_clock(lambda: now)
        marshal = marshal_by_phone(session, TOBY)
        assert marshal is not None
        session.merge(
            SmsSession(
                phone=TOBY,
                marshal_id=marshal.id,
                opened_at=now,
                expires_at=now + timedelta(minutes=30),
            )
        )
        session.commit()
        return Phone(client, TOBY)

    return at


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def recorded(session: Session) -> list[Activity]:
    session.expire_all()
    return list(session.scalars(select(Activity).order_by(Activity.id)))


def md(day: date) -> str:
    return f"{day.month}/{day.day}"


def test_a_month_day_still_to_come_is_refused_at_once_naming_the_rule(
    texting: Texting, session: Session
) -> None:
    yesterday = TODAY - timedelta(days=1)
    toby = texting(local(yesterday, 10))
    reply = toby.send(f"S 4012199 H {md(TODAY)} 900A")
    assert reply == (
        f"Date: {md(TODAY)} is tomorrow: a service cannot be recorded before it "
        f"happens. e.g. S 4012199 H {md(yesterday - timedelta(days=1))} 2:30PM"
    )
    assert toby.send("OK") == replies.NOTHING_PENDING
    assert recorded(session) == []


def test_a_time_later_today_is_refused_at_once_naming_the_rule(texting: Texting) -> None:
    reply = texting(local(TODAY, 10)).send("S 4012199 H 2300")
    assert reply is not None
    assert reply.startswith(
        "Time: 11:00PM is later today: a service cannot be recorded before "
        "it happens. e.g. S 4012199 H YESTERDAY 2:30PM"
    )


def test_last_years_month_day_is_taken_only_when_recent_and_the_read_back_says_the_year(
    texting: Texting, session: Session
) -> None:
    new_year = date(TODAY.year + 1, 1, 2)
    toby = texting(local(new_year, 12))
    reply = toby.send(f"S {RIDDLER} H 12/30 230P")
    assert reply is not None and f"SERVICE in hand 12/30/{TODAY.year} 2:30PM" in reply
    assert (toby.send("OK") or "").startswith("Recorded ")
    [activity] = recorded(session)
    assert activity.occurred_at == local(date(TODAY.year, 12, 30), 14, 30)


def test_february_29_is_read_by_the_same_rule_as_the_phone_line(
    texting: Texting, session: Session
) -> None:
    leap_year = next(y for y in range(TODAY.year + 1, TODAY.year + 9) if y % 4 == 0)
    toby = texting(local(date(leap_year + 1, 3, 1), 10))
    reply = toby.send(f"S {RIDDLER} H 2/29 9am")
    assert reply is not None and reply.startswith(f"Date: 2/29 is not a date in {leap_year + 1}")
    toby = texting(local(date(leap_year, 3, 1), 10))
    reply = toby.send(f"S {RIDDLER} H 2/29 9am")
    assert reply is not None and "SERVICE in hand 2/29 9:00AM" in reply


def test_a_time_without_am_or_pm_is_asked_about_when_both_readings_are_past(
    texting: Texting, session: Session
) -> None:
    toby = texting(local(TODAY, 23, 30))
    assert toby.send("A 4012199 NH 2:30") == "2:30 AM or PM? Reply A or P."
    assert toby.send("OK") == "First say AM or PM: 2:30 AM or PM? Reply A or P."
    reply = toby.send("P")
    assert reply is not None and f"ATTEMPT not at home {md(TODAY)} 2:30PM" in reply
    assert (toby.send("OK") or "").startswith("Recorded ")
    [activity] = recorded(session)
    assert activity.occurred_at == local(TODAY, 14, 30)


def test_a_time_without_am_or_pm_is_the_reading_that_is_past(texting: Texting) -> None:
    reply = texting(local(TODAY, 10)).send("A 4012199 NH 2:30")
    assert reply is not None and f"ATTEMPT not at home {md(TODAY)} 2:30AM" in reply


def test_a_or_p_with_no_question_waiting_is_read_as_a_message(texting: Texting) -> None:
    reply = texting(local(TODAY, 10)).send("A")
    assert reply is not None and reply.startswith("Docket: give the docket")


def test_a_pin_alone_signs_in_and_reads_back_the_report_that_waited(
    client: FlaskClient, clock: datetime, session: Session
) -> None:
    toby = Phone(client, TOBY)
    waiting = toby.send("S 4012199 H")
    assert waiting is not None and waiting.startswith("Send your PIN first")
    assert "RIDDLER" not in waiting and waiting.endswith(replies.WAITING_FOR_PIN)
    reply = toby.send("#246810")
    assert reply is not None and reply.startswith(f"{RIDDLER} RIDDLER: SERVICE in hand")
    assert (toby.send("OK") or "").startswith(f"Recorded {RIDDLER}")
    assert len(recorded(session)) == 1


def test_a_service_on_file_is_said_at_the_read_back_and_an_attempt_after_it_is_confirmed(
    texting: Texting, session: Session
) -> None:
    toby = texting(local(TODAY, 23, 30))
    toby.send("S 4012199 H 1000")
    toby.send("OK")
    reply = toby.send("A 4012199 NH")
    assert reply is not None
    assert reply.startswith(f"Already served in hand {md(TODAY)} by Toby Padegenis. {RIDDLER}")
    assert reply.endswith("Reply OK to record this attempt after that service, X to discard.")
    assert (toby.send("OK") or "").startswith("Recorded ")
    assert [a.kind for a in recorded(session)] == ["SERVICE", "ATTEMPT"]


def test_a_service_again_is_warned_at_the_read_back_and_one_ok_records_it(
    texting: Texting, session: Session
) -> None:
    toby = texting(local(TODAY, 23, 30))
    toby.send("S 4012199 H 1000")
    toby.send("OK")
    reply = toby.send("S 4012199 AB 1100")
    assert reply is not None and reply.startswith("Already served in hand")
    assert reply.endswith("Reply OK to record the service again, X to discard.")
    assert (toby.send("OK") or "").startswith("Recorded ")
    first, second = recorded(session)
    assert second.supersedes_id == first.id and second.method == "ABODE"


def test_an_unknown_word_names_the_field_the_activity_lacks_with_an_example_of_it(
    texting: Texting,
) -> None:
    assert texting(local(TODAY, 12)).send("A 4055555 GONE") == (
        "Reason: GONE is not understood; HELP A lists the reasons. e.g. A 4012199 NH"
    )


def test_a_missing_reason_lists_each_code_with_its_meaning_in_one_segment(texting: Texting) -> None:
    reply = texting(local(TODAY, 12)).send("A 4012198")
    assert reply == (
        "Reason: give one: NH not home, EV evading, MV moved, BA bad address, "
        "UL can't locate, IC in jail, HO hospital, OS out of state. "
        "e.g. A 4012199 NH"
    )
    assert replies.segments(reply) == 1


def test_help_fits_one_segment_says_what_p_means_and_each_activity_has_its_own(
    texting: Texting,
) -> None:
    toby = texting(local(TODAY, 12))
    reply = toby.send("HELP")
    assert reply is not None and replies.segments(reply) == 1
    assert "P police helped" in reply and "HELP S|A|R|T|O" in reply
    for topic in "SARTO":
        answer = toby.send(f"HELP {topic}")
        assert answer is not None and answer.startswith(f"{topic} 4012199")
        assert replies.segments(answer) == 1, answer
    assert "NH not home" in (toby.send("help a") or "")


def test_a_docket_not_found_says_the_court_and_year_it_took(texting: Texting) -> None:
    reply = texting(local(TODAY, 12)).send("S 4012919 H")
    assert reply == (
        f"Docket: HHD-FA{YY}-4012919-S is not in the registry (took court HHD and "
        f"year 20{YY}; no open case elsewhere has that number). Give the court and "
        f"year. e.g. S HHD-FA{YY}-4012199-S H"
    )


def test_the_docket_example_is_itself_recorded(texting: Texting, session: Session) -> None:
    toby = texting(local(TODAY, 12))
    reply = toby.send("S 401219 H")
    assert reply is not None and reply.endswith(f"e.g. S HHD-FA{YY}-4012199-S H")
    example = reply.split("e.g. ")[1]
    assert (toby.send(example) or "").endswith(replies.READ_BACK_TAIL)
    assert (toby.send("OK") or "").startswith("Recorded ")


def test_one_try_left_is_said_in_the_singular(
    client: FlaskClient, clock: datetime, session: Session
) -> None:
    toby = session.scalar(select(Marshal).where(Marshal.smc_number == "903"))
    assert toby is not None
    session.add(
        SignInGuard(marshal_id=toby.id, source="text", failures=3, lock_level=0, day_failures=3)
    )  # three wrong text PINs already
    session.commit()
    assert Phone(client, TOBY).send("PIN 999999") == (
        "PIN not accepted. 1 try left before a 15 minute lock."
    )


def suggested_examples(now: datetime) -> list[str]:
    """Every example a reply can suggest: each field of each activity, and HELP's."""
    examples = replies.examples_for(now)
    shown = {
        examples.of(field, kind.value)
        for field in replies.FIELD_NAMES
        for kind in ActivityKind
        if field != "pin"
    }
    for text in [
        replies.HELP,
        *(replies.help_text(t) for t in replies.HELP_TOPICS),
        replies.NOTHING_PENDING,
    ]:
        shown.add(text.split("e.g. ")[1].split(". ")[0].rstrip("."))
    return sorted(shown)


def test_every_example_a_reply_suggests_is_read_back_and_recorded(
    texting: Texting, session: Session
) -> None:
    toby = texting(local(TODAY, 9, 30))  # early in the day: no example may lie ahead
    examples = suggested_examples(local(TODAY, 9, 30))
    assert len(examples) >= 10
    for example in examples:
        reply = toby.send(example) or ""
        assert reply.endswith(" X to discard."), (example, reply)
        answer = toby.send("OK") or ""
        if "already recorded" in answer:
            answer = toby.send("OK") or ""
        assert answer.startswith("Recorded "), (example, answer)
    assert len(recorded(session)) == len(examples)
