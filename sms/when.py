"""The moment a text means, by the one date rule in ``core.when``: a ParseError naming the date or
time when it cannot be meant, or a question when a 12-hour clock could be AM or PM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from core.when import FutureError, WhenError, moment, month_day, past_readings
from sms.fields import ParseError, When


@dataclass(frozen=True)
class AskAmPm:
    """Both readings of '2:30' are past: ask. ``morning`` is the AM reading (UTC)."""

    morning: datetime
    clock: str


def occurred_at(when: When, local_now: datetime, kind: str = "") -> datetime | ParseError | AskAmPm:
    """The moment the marshal meant, in UTC."""
    if when.clock is None and when.month_day is None and not when.yesterday:
        return local_now.astimezone(UTC)
    day = local_now.date() - timedelta(days=1 if when.yesterday else 0)
    clock = when.clock or local_now.time().replace(second=0, microsecond=0)
    try:
        if when.month_day is not None:
            day = month_day(*when.month_day, local_now.date(), kind).day
        if when.twelve_hour:
            return _twelve_hour(day, clock, local_now, kind)
        return moment(day, clock, local_now, _zone(local_now), kind).astimezone(UTC)
    except WhenError as error:
        return refusal(error)


def _zone(local_now: datetime):  # noqa: ANN202 - a tzinfo
    assert local_now.tzinfo is not None
    return local_now.tzinfo


def _twelve_hour(day: date, clock: time, local_now: datetime, kind: str) -> datetime | AskAmPm:
    """Ask when both readings are past; take the one that is; refuse when neither is."""
    readings = past_readings(day, clock.hour, clock.minute, local_now, _zone(local_now))
    if len(readings) == 2:
        return AskAmPm(readings[0].astimezone(UTC), f"{clock.hour or 12}:{clock.minute:02d}")
    if readings:
        return readings[0].astimezone(UTC)
    return moment(day, clock, local_now, _zone(local_now), kind)


def refusal(error: WhenError) -> ParseError:
    """The date rule's refusal as the text line names it."""
    if isinstance(error, FutureError):
        problem = "date_future" if error.field == "date" else "time_future"
        return ParseError(error.field, problem, (("message", error.message),))
    return ParseError("date", "registry", (("message", error.message),))
