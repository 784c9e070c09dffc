"""When it happened: one key for just now, else month-day, hours-minutes and AM or PM."""

from __future__ import annotations

from datetime import date, datetime, time

from core.registry import ActivityError, check_time
from core.when import FutureError, WhenError, month_day
from ivr import prompts
from ivr.docket_steps import chosen_docket
from ivr.flow import Again, Call, Go, Input, Outcome, Wait, menu_wait, step

ASKS_POLICE = ("SERVICE", "ATTEMPT")


def after_when(call: Call) -> str:
    """Service and attempts ask about police assistance and firearms; the rest go to review."""
    return "police" if call.state.get("kind") in ASKS_POLICE else "review"


def _when_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.WHEN,), menu_wait(("1", "2"), "when")


@step("when", prompt=_when_prompt)
def when(call: Call, given: Input) -> Outcome:
    if given.digits == "2":
        return Go("when_date")
    call.state["occurred_at"] = None
    return Go(after_when(call))


def _date_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.WHEN_DATE,), Wait("entry")


@step("when_date", prompt=_date_prompt)
def when_date(call: Call, given: Input) -> Outcome:
    digits = given.digits
    if len(digits) != 4 or not digits.isdigit():
        return Again((prompts.BAD_DATE,))
    today = call.now.astimezone(call.zone).date()
    try:
        day = month_day(int(digits[:2]), int(digits[2:]), today, call.state.get("kind", ""))
    except FutureError as error:
        return Again((_future(error),))
    except WhenError:
        return Again((_no_such_day(int(digits[:2]), int(digits[2:]), today),))
    call.state["date"] = day.day.isoformat()
    return Go("when_time")


def _no_such_day(month: int, day: int, today: date) -> str:
    """'February 29 is not a date in 2029.', or plainly 'That is not a date.'"""
    try:
        named = date(2000, month, day)  # a leap year: is it a day in some year?
    except ValueError:
        return prompts.BAD_DATE
    return prompts.no_such_day(prompts.spoken_day(datetime.combine(named, time())), today.year)


def _future(error: FutureError) -> str:
    said = (prompts.spoken_day(error.moment) if error.field == "date"
            else prompts.spoken_time(error.moment).split(" at ")[-1])
    return prompts.future(said, error.what, error.noun)


def _time_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.WHEN_TIME,), Wait("entry")


@step("when_time", prompt=_time_prompt)
def when_time(call: Call, given: Input) -> Outcome:
    """Four digits: 01 to 12 hours ask AM or PM; 00 and 13 to 23 are 24-hour and need not."""
    digits = given.digits
    if len(digits) != 4 or not digits.isdigit():
        return Again((prompts.BAD_TIME,))
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        return Again((prompts.BAD_TIME,))
    if 1 <= hours <= 12:
        call.state["time"] = [hours % 12, minutes]
        return Go("am_pm")
    return _at(call, hours, minutes, back=1)


def _am_pm_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.AM_PM,), menu_wait(("1", "2"), "am_pm")


@step("am_pm", prompt=_am_pm_prompt)
def am_pm(call: Call, given: Input) -> Outcome:
    hours, minutes = call.state["time"]
    return _at(call, hours + (12 if given.digits == "2" else 0), minutes, back=2)


def _at(call: Call, hours: int, minutes: int, back: int) -> Outcome:
    """The moment on the day given; one still to come (or before the docket) goes back to the
    date, saying why."""
    day = date.fromisoformat(call.state["date"])
    moment = datetime.combine(day, time(hours, minutes), tzinfo=call.zone)
    try:
        check_time(moment, chosen_docket(call), call.now, call.state.get("kind", ""))
    except ActivityError as error:
        call.state["history"] = call.state.get("history", [])[:-back]
        call.state["at"] = "when_date"
        return Again((_refusal(error),))
    call.state["occurred_at"] = moment.isoformat()
    return Go(after_when(call))


def _refusal(error: ActivityError) -> str:
    if isinstance(error.__cause__, FutureError):
        return _future(error.__cause__)
    return prompts.refused(error.message)


def occurred_at(call: Call) -> datetime | None:
    """The moment the caller gave, or None for just now."""
    value = call.state.get("occurred_at")
    return datetime.fromisoformat(value) if value else None
