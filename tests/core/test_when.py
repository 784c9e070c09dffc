"""The one date rule every channel shares: nothing still to come, last year's month-day only
when recent (and then the year is said), February 29 the same everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from core.when import Day, FutureError, WhenError, check_not_future, month_day, past_readings

ZONE = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("month", "day", "today", "expected"),
    [
        (11, 20, date(2026, 11, 21), Day(date(2026, 11, 20))),
        (11, 21, date(2026, 11, 21), Day(date(2026, 11, 21))),
        (12, 30, date(2027, 1, 2), Day(date(2026, 12, 30), other_year=True)),
        (2, 29, date(2028, 3, 10), Day(date(2028, 2, 29))),
        (2, 29, date(2028, 3, 1), Day(date(2028, 2, 29))),
    ],
)
def test_a_month_and_day_is_the_latest_such_day_not_after_today_when_that_is_recent(
    month: int, day: int, today: date, expected: Day
) -> None:
    assert month_day(month, day, today) == expected


def test_a_month_day_still_to_come_is_refused_by_name_not_moved_to_last_year() -> None:
    with pytest.raises(FutureError) as caught:
        month_day(12, 2, date(2026, 12, 1), "SERVICE")
    assert caught.value.message == (
        "12/2 is tomorrow: a service cannot be recorded before it happens"
    )
    with pytest.raises(FutureError) as later:
        month_day(6, 15, date(2027, 1, 2), "ATTEMPT")
    assert later.value.message.startswith("6/15 is still to come: an attempt cannot")


def test_february_29_with_no_recent_one_is_not_a_date() -> None:
    with pytest.raises(WhenError) as caught:
        month_day(2, 29, date(2029, 3, 1))  # 2028-02-29 is a year ago: not what was meant
    assert caught.value.message == "2/29 is not a date in 2029"
    with pytest.raises(WhenError):
        month_day(2, 29, date(2026, 6, 1))
    with pytest.raises(WhenError):
        month_day(13, 32, date(2026, 6, 1))


def test_a_time_later_today_is_refused_by_name() -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)
    with pytest.raises(FutureError) as caught:
        check_not_future(datetime(2026, 12, 1, 23, 0, tzinfo=ZONE), now.astimezone(UTC), "SERVICE")
    assert caught.value.message == (
        "11:00PM is later today: a service cannot be recorded before it happens"
    )
    check_not_future(datetime(2026, 12, 1, 10, 1, tzinfo=ZONE), now)  # within the clock skew


def test_both_readings_of_a_12_hour_clock_are_kept_only_when_past() -> None:
    day = date(2026, 12, 1)
    evening = datetime(2026, 12, 1, 23, 30, tzinfo=ZONE)
    morning = datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)
    assert [r.time() for r in past_readings(day, 2, 30, evening, ZONE)] == [
        time(2, 30),
        time(14, 30),
    ]
    assert [r.time() for r in past_readings(day, 2, 30, morning, ZONE)] == [time(2, 30)]
