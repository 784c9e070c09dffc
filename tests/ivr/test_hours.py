"""The Registry Section's phone hours: days of the week and times, local time."""

from __future__ import annotations

from datetime import datetime

import pytest

from ivr import prompts
from ivr.flow import in_hours, open_days

FRIDAY_NOON = datetime(2026, 11, 20, 12, 0)
SATURDAY_NOON = datetime(2026, 11, 21, 12, 0)


@pytest.mark.parametrize(
    ("hours", "at", "answers"),
    [
        ("Mon-Fri 08:00-17:00", FRIDAY_NOON, True),
        ("Mon-Fri 08:00-17:00", SATURDAY_NOON, False),
        ("Mon-Fri 08:00-17:00", FRIDAY_NOON.replace(hour=17), False),
        ("Mon-Fri 08:00-17:00", FRIDAY_NOON.replace(hour=7, minute=59), False),
        ("08:00-17:00", SATURDAY_NOON, True),
        ("Sat 09:00-13:00", SATURDAY_NOON, True),
        ("monday-friday 08:00-17:00", FRIDAY_NOON, True),
    ],
)
def test_the_registry_section_answers_on_its_days_within_its_hours(
    hours: str, at: datetime, answers: bool
) -> None:
    assert in_hours(hours, at) is answers


def test_out_of_hours_the_caller_hears_the_days_the_hours_and_the_number() -> None:
    said = prompts.registry_closed(*open_days("Mon-Fri 08:00-17:00"), "+18773127807")
    assert said == (
        "The Registry Section answers Monday to Friday, from 8 AM to 5 PM. "
        "Its number is 8 7 7, 3 1 2, 7 8 0 7."
    )
    assert "Monday" not in prompts.registry_closed(*open_days("08:00-17:00"), "+18773127807")
    assert prompts.registry_closed(*open_days("Sat 09:00-13:00"), "+18773127807").startswith(
        "The Registry Section answers on Saturdays, from 9 AM to 1 PM."
    )


@pytest.mark.parametrize("hours", ["9 to 5", "Someday 08:00-17:00", "Mon-Fri 8-5", ""])
def test_hours_that_cannot_be_read_are_weekdays_eight_to_five_not_an_error(hours: str) -> None:
    assert open_days(hours) == (range(5), "08:00-17:00")
    assert in_hours(hours, FRIDAY_NOON) and not in_hours(hours, SATURDAY_NOON)
