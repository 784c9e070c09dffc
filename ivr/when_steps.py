"""When it happened: one key for just now, else month-day, hours-minutes and AM or PM."""

from __future__ import annotations

from datetime import date, datetime, time

from core.models import ActivityKind
from core.registry import ActivityError, check_time
from core.when import FutureError, WhenError, month_day
from ivr import prompts
from ivr.docket_steps import chosen_docket
from ivr.machine import (
    ENTRY,
    Again,
    Back,
    Call,
    Go,
    Input,
    Outcome,
    Step,
    asking,
    menu_step,
    waiting,
)
from speech import menus

ASKS_POLICE = (ActivityKind.SERVICE, ActivityKind.ATTEMPT)


def after_when(call: Call) -> str:
    """Service and attempts ask about police assistance and firearms; the rest go to review."""
    return "police" if call.state.activity.kind in ASKS_POLICE else "review"


def when(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        return Go("when_date")
    call.state.activity.when_given, call.state.activity.occurred_at = True, None
    return Go(after_when(call))


def _kind(call: Call) -> str:
    return call.state.activity.kind or ""


def when_date(call: Call, given: Input) -> Outcome:
    digits = given.digits
    if len(digits) != 4 or not digits.isdigit():
        return Again((prompts.BAD_DATE,))
    today = call.now.astimezone(call.zone).date()
    try:
        day = month_day(int(digits[:2]), int(digits[2:]), today, _kind(call))
    except FutureError as error:
        return Again((_future(error),))
    except WhenError:
        return Again((_no_such_day(int(digits[:2]), int(digits[2:]), today),))
    call.state.activity.date = day.day.isoformat()
    return Go("when_time")


def _no_such_day(month: int, day: int, today: date) -> str:
    """'February 29 is not a date in 2029.', or plainly 'That is not a date.'"""
    try:
        named = date(2000, month, day)  # a leap year: is it a day in some year?
    except ValueError:
        return prompts.BAD_DATE
    return prompts.no_such_day(prompts.spoken_day(datetime.combine(named, time())), today.year)


def _future(error: FutureError) -> str:
    said = (
        prompts.spoken_day(error.moment)
        if error.field == "date"
        else prompts.spoken_time(error.moment).split(" at ")[-1]
    )
    return prompts.future(said, error.what, error.noun)


def when_time(call: Call, given: Input) -> Outcome:
    """Four digits: 01 to 12 hours ask AM or PM; 00 and 13 to 23 are 24-hour and need not."""
    digits = given.digits
    if len(digits) != 4 or not digits.isdigit():
        return Again((prompts.BAD_TIME,))
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        return Again((prompts.BAD_TIME,))
    if 1 <= hours <= 12:
        call.state.activity.time = [hours % 12, minutes]
        return Go("am_pm")
    return _at(call, hours, minutes)


def am_pm(call: Call, given: Input) -> Outcome:
    assert call.state.activity.time is not None
    hours, minutes = call.state.activity.time
    return _at(call, hours + (12 if given.digits == "2" else 0), minutes)


def _at(call: Call, hours: int, minutes: int) -> Outcome:
    """The moment on the day given; one still to come (or before the docket) goes back to the
    date, saying why."""
    entered = call.state.activity
    assert entered.date is not None
    moment = datetime.combine(
        date.fromisoformat(entered.date), time(hours, minutes), tzinfo=call.zone
    )
    try:
        check_time(moment, chosen_docket(call), call.now, _kind(call))
    except ActivityError as error:
        return Back("when_date", (_refusal(error),))
    entered.when_given, entered.occurred_at = True, moment.isoformat()
    return Go(after_when(call))


def _refusal(error: ActivityError) -> str:
    if isinstance(error.__cause__, FutureError):
        return _future(error.__cause__)
    return prompts.refused(error.message)


def occurred_at(call: Call) -> datetime | None:
    """The moment the caller gave, or None for just now."""
    value = call.state.activity.occurred_at
    return datetime.fromisoformat(value) if value else None


WHEN = menu_step(menus.WHEN, when)
DATE = Step(asking(prompts.WHEN_DATE), waiting(ENTRY), when_date)
TIME = Step(asking(prompts.WHEN_TIME), waiting(ENTRY), when_time)
AM_PM = menu_step(menus.AM_PM, am_pm)
