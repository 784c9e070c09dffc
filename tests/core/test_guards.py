"""Lock-outs per marshal and per kind of source: guessing from one source never closes another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import guards
from core.accounts import check_password, check_pin, hash_secret
from core.models import AuditEvent
from tests.core.helpers import marshal

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
RIGHT_PIN = "246810"


def _wrong(session: Session, source: str, times: int, now: datetime = NOON) -> list[bool]:
    toby = marshal(session)
    return [
        check_pin(session, toby, f"00000{i % 10}", "PHONE", now, source).locked
        for i in range(times)
    ]


def _events(session: Session, kind: str) -> int:
    session.flush()
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.kind == kind, AuditEvent.marshal_id == marshal(session).id)
        )
        or 0
    )


def test_five_wrong_pins_from_other_phones_lock_only_other_phones(session: Session) -> None:
    assert _wrong(session, guards.OTHER_PHONE, 5) == [False] * 4 + [True]
    toby = marshal(session)
    later = NOON + timedelta(minutes=1)
    assert not check_pin(session, toby, RIGHT_PIN, "PHONE", later, guards.OTHER_PHONE).ok
    assert check_pin(session, toby, RIGHT_PIN, "SMS", later, guards.TEXT).ok
    toby.password_hash = hash_secret("Correct1horse")
    assert check_password(session, toby, "Correct1horse", later, "198.51.100.7").ok
    assert check_pin(session, toby, RIGHT_PIN, "PHONE", later, guards.PHONE).ok
    assert _events(session, "sign_in_failed") == 5 and _events(session, "sign_in_locked") == 1


def test_a_lock_lasts_fifteen_minutes_and_the_next_one_twice_as_long(session: Session) -> None:
    toby = marshal(session)
    _wrong(session, guards.PHONE, 5)
    assert check_pin(
        session, toby, RIGHT_PIN, "PHONE", NOON + timedelta(minutes=14), guards.PHONE
    ).locked
    after = NOON + timedelta(minutes=16)
    _wrong(session, guards.PHONE, 5, after)
    assert check_pin(
        session, toby, RIGHT_PIN, "PHONE", after + timedelta(minutes=29), guards.PHONE
    ).locked
    assert check_pin(
        session, toby, RIGHT_PIN, "PHONE", after + timedelta(minutes=31), guards.PHONE
    ).ok


def test_other_phones_get_at_most_ten_guesses_a_day(session: Session) -> None:
    toby = marshal(session)
    _wrong(session, guards.OTHER_PHONE, 5)
    _wrong(session, guards.OTHER_PHONE, 5, NOON + timedelta(minutes=16))
    evening = NOON + timedelta(hours=8)
    refused = check_pin(session, toby, RIGHT_PIN, "PHONE", evening, guards.OTHER_PHONE)
    assert refused.locked and refused.locked_until == datetime(2026, 3, 11, tzinfo=UTC)
    assert check_pin(
        session, toby, RIGHT_PIN, "PHONE", NOON + timedelta(days=1), guards.OTHER_PHONE
    ).ok


def test_a_sign_in_on_the_registered_phone_reopens_the_other_phones(session: Session) -> None:
    toby = marshal(session)
    _wrong(session, guards.OTHER_PHONE, 5)
    assert check_pin(session, toby, RIGHT_PIN, "PHONE", NOON, guards.PHONE).ok
    assert check_pin(session, toby, RIGHT_PIN, "PHONE", NOON, guards.OTHER_PHONE).ok
    assert _events(session, "sign_in_reopened") == 1


def test_web_failures_lock_the_address_that_made_them_not_the_owner(session: Session) -> None:
    toby = marshal(session)
    toby.password_hash = hash_secret("Correct1horse")
    for _ in range(5):
        check_password(session, toby, "Wrong1horse", NOON, "203.0.113.9")
    assert check_password(session, toby, "Correct1horse", NOON, "203.0.113.9").locked
    assert check_password(session, toby, "Correct1horse", NOON, "198.51.100.7").ok
    assert check_pin(session, toby, RIGHT_PIN, "PHONE", NOON, guards.OTHER_PHONE).ok


def test_an_admin_unlocks_one_kind_of_source_daily_budget_and_all(session: Session) -> None:
    toby = marshal(session)
    _wrong(session, guards.OTHER_PHONE, 5)
    _wrong(session, guards.OTHER_PHONE, 5, NOON + timedelta(minutes=16))
    assert guards.unlock(session, toby.id, guards.OTHER_PHONE, by="registry") == 1
    assert check_pin(
        session, toby, RIGHT_PIN, "PHONE", NOON + timedelta(hours=1), guards.OTHER_PHONE
    ).ok
    assert _events(session, "sign_in_unlocked") == 1


def test_staff_see_each_source_open_or_closed(session: Session) -> None:
    toby = marshal(session)
    _wrong(session, guards.TEXT, 5)
    shown = {state.kind: state for state in guards.states(session, toby.id, NOON)}
    assert shown[guards.TEXT].closed_until == NOON + timedelta(minutes=15)
    assert shown[guards.TEXT].failures_today == 5
    assert shown[guards.PHONE].closed_until is None
