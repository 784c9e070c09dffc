"""When an activity happened: one rule for the phone line, the text line and manual entry.

A moment ahead of now (beyond a small clock skew) is refused, by name. A month-day still ahead
this year is last year's only when that makes it recent (12/30 keyed on 1/2); then the read-back
says the year. February 29 is the same everywhere: this year's when there is one, else last
year's when that is recent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from core.errors import FieldError

CLOCK_SKEW = timedelta(minutes=2)
RECENT = timedelta(days=62)  # last year's month-day is taken only this close to today
NOUNS = {
    "SERVICE": "a service",
    "ATTEMPT": "an attempt",
    "RECEIPT": "a receipt",
    "TRANSFER": "a transfer",
    "OTHER": "other information",
}


class WhenError(FieldError):
    """A date or time that cannot be meant; ``field`` is 'date' or 'time'."""


class FutureError(WhenError):
    """A moment still to come: ``what`` is 'tomorrow', 'still to come' or 'later today'."""

    def __init__(self, field: str, moment: datetime, what: str, kind: str) -> None:
        self.moment = moment
        self.what = what
        self.noun = NOUNS.get(kind, "an activity")
        label = month_day_text(moment.date()) if field == "date" else clock_text(moment.time())
        super().__init__(
            field, f"{label} is {what}: {self.noun} cannot be recorded before it happens"
        )


@dataclass(frozen=True)
class Day:
    """The day meant; ``other_year`` when it is not this year's (say the year back)."""

    day: date
    other_year: bool = False


def month_day_text(day: date) -> str:
    return f"{day.month}/{day.day}"


def clock_text(clock: time) -> str:
    """2:30PM."""
    return f"{clock.hour % 12 or 12}:{clock.minute:02d}{'PM' if clock.hour >= 12 else 'AM'}"


def month_day(month: int, day: int, today: date, kind: str = "") -> Day:
    """The month-day meant, on or before today (WhenError when there is none)."""
    this_year = _date(today.year, month, day)
    if this_year is not None and this_year <= today:
        return Day(this_year)
    last_year = _date(today.year - 1, month, day)
    if last_year is not None and today - last_year <= RECENT:
        return Day(last_year, other_year=True)
    if this_year is None:
        raise WhenError("date", f"{month}/{day} is not a date in {today.year}")
    noon = datetime.combine(this_year, time(12))
    raise FutureError("date", noon, _ahead(this_year, today), kind)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _ahead(day: date, today: date) -> str:
    if day == today:
        return "later today"
    return "tomorrow" if day == today + timedelta(days=1) else "still to come"


def moment(day: date, clock: time, now: datetime, zone: tzinfo, kind: str = "") -> datetime:
    """The local day and clock as an aware moment, refused when it is still to come."""
    found = datetime.combine(day, clock, tzinfo=zone)
    check_not_future(found, now, kind)
    return found


def check_not_future(found: datetime, now: datetime, kind: str = "") -> None:
    """FutureError when ``found`` lies ahead of ``now`` by more than the clock skew."""
    if found <= now + CLOCK_SKEW:
        return
    local = found.astimezone(found.tzinfo)
    today = now.astimezone(found.tzinfo).date()
    field = "time" if local.date() == today else "date"
    raise FutureError(field, local, _ahead(local.date(), today), kind)


def past_readings(day: date, hour: int, minute: int, now: datetime, zone: tzinfo) -> list[datetime]:
    """The AM and PM readings of a 12-hour clock (hour 1 to 12) that are not still to come."""
    readings = [
        datetime.combine(day, time(hour % 12 + extra, minute), tzinfo=zone) for extra in (0, 12)
    ]
    return [r for r in readings if r <= now + CLOCK_SKEW]
