"""Every message of the corpus, sent through the webhook: the record it makes after OK, or the
one field its reply names as wrong (and then nothing is recorded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Activity
from sms.replies import FIELD_NAMES, READ_BACK_TAIL
from tests.sms.conftest import TOBY, ZONE, Phone, local_now
from tests.sms.corpus import CORPUS, Err, Rec


def filled(text: str) -> str:
    today = local_now().date()
    earlier = today - timedelta(days=3)
    return text.format(
        yy=f"{today.year % 100:02d}",
        py=f"{(today.year - 1) % 100:02d}",
        d=f"{earlier.month}/{earlier.day}",
        dd=f"{earlier.month:02d}{earlier.day:02d}",
    )


def expected_moment(at: tuple[int, str] | None, now: datetime) -> datetime:
    if at is None:
        return now
    days, clock = at
    hour, minute = (int(part) for part in clock.split(":"))
    day = local_now().date() - timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def test_the_corpus_holds_at_least_150_messages() -> None:
    assert len(CORPUS) >= 150


@pytest.mark.parametrize(("message", "expected"), CORPUS, ids=[m for m, _ in CORPUS])
def test_each_message_makes_its_record_or_names_its_wrong_field(
    message: str,
    expected: Rec | Err,
    toby: Phone,
    signed_in: Callable[[str], None],
    session: Session,
    clock: datetime,
) -> None:
    signed_in(TOBY)
    reply = toby.send(filled(message))
    assert reply is not None
    if isinstance(expected, Err):
        assert reply.startswith(FIELD_NAMES[expected.field] + ":"), reply
        assert "e.g." in reply
        assert toby.send("OK") is not None
        assert session.scalar(select(Activity)) is None
        return
    assert reply.endswith(READ_BACK_TAIL), reply
    assert session.scalar(select(Activity)) is None
    recorded = toby.send("OK")
    assert recorded is not None and recorded.startswith("Recorded "), recorded
    check_record(session.scalars(select(Activity)).one(), expected, clock)


def check_record(activity: Activity, expected: Rec, now: datetime) -> None:
    got = (
        activity.kind,
        activity.docket.canonical,
        activity.method,
        activity.attempt_reason,
        activity.transfer_to.smc_number if activity.transfer_to else None,
        activity.police_assistance,
        activity.firearms,
        activity.occurred_at,
        activity.comment,
    )
    want = (
        expected.kind,
        filled(expected.docket),
        expected.method,
        expected.reason,
        expected.to,
        expected.police,
        expected.firearms,
        expected_moment(expected.at, now),
        expected.comment,
    )
    assert got == want
