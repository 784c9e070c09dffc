"""When it happened: one key for just now, else month-day, hours-minutes and AM or PM."""

from __future__ import annotations

from datetime import date, datetime

from ivr import prompts
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
    day = _month_day(given.digits, call.now.astimezone(call.zone).date())
    if day is None:
        return Again((prompts.BAD_DATE,))
    call.state["date"] = day.isoformat()
    return Go("when_time")


def _month_day(digits: str, today: date) -> date | None:
    """MMDD on or before today: a month-day still ahead this year is last year's (12/30 in Jan)."""
    if len(digits) != 4 or not digits.isdigit():
        return None
    month, day = int(digits[:2]), int(digits[2:])
    for year in (today.year, today.year - 1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue  # 02/29 outside a leap year: try last year's calendar
        if found <= today:
            return found
    return None


def _time_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.WHEN_TIME,), Wait("entry")


@step("when_time", prompt=_time_prompt)
def when_time(call: Call, given: Input) -> Outcome:
    digits = given.digits
    if len(digits) != 4 or not digits.isdigit():
        return Again((prompts.BAD_TIME,))
    hours, minutes = int(digits[:2]), int(digits[2:])
    if not (1 <= hours <= 12 and minutes < 60):
        return Again((prompts.BAD_TIME,))
    call.state["time"] = [hours % 12, minutes]
    return Go("am_pm")


def _am_pm_prompt(call: Call) -> tuple[tuple[str, ...], Wait]:
    return (prompts.AM_PM,), menu_wait(("1", "2"), "am_pm")


@step("am_pm", prompt=_am_pm_prompt)
def am_pm(call: Call, given: Input) -> Outcome:
    hours, minutes = call.state["time"]
    hours += 12 if given.digits == "2" else 0
    day = date.fromisoformat(call.state["date"])
    moment = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=call.zone)
    if moment > call.now:
        call.state["history"] = call.state.get("history", [])[:-2]
        call.state["at"] = "when_date"
        return Again((prompts.FUTURE,))
    call.state["occurred_at"] = moment.isoformat()
    return Go(after_when(call))


def occurred_at(call: Call) -> datetime | None:
    """The moment the caller gave, or None for just now."""
    value = call.state.get("occurred_at")
    return datetime.fromisoformat(value) if value else None
