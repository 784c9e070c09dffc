"""Keyed dates: month and day on or before today, so late December keyed in January is last year."""

from __future__ import annotations

from datetime import date

import pytest

from ivr.when_steps import _month_day


@pytest.mark.parametrize(
    ("digits", "today", "expected"),
    [
        ("1120", date(2026, 11, 21), date(2026, 11, 20)),
        ("1121", date(2026, 11, 21), date(2026, 11, 21)),
        ("1230", date(2027, 1, 2), date(2026, 12, 30)),
        ("0229", date(2029, 3, 1), date(2028, 2, 29)),
        ("1332", date(2026, 11, 21), None),
        ("112", date(2026, 11, 21), None),
    ],
)
def test_a_keyed_month_and_day_is_the_latest_such_day_not_after_today(
    digits: str, today: date, expected: date | None
) -> None:
    assert _month_day(digits, today) == expected
