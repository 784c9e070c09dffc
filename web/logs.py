"""Read models for the staff pages: calls and texts, filtered, newest first, 25 a page."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from core.models import Activity, CallLog, Docket, Marshal, MessageLog
from speech.transcripts import said_in_call, search_words

PAGE_SIZE = 25


@dataclass(frozen=True)
class LogFilter:
    """What staff asked for: marshal, docket, date range (local days), outcome, page."""

    marshal_id: int | None = None
    docket: str = ""
    since: date | None = None
    until: date | None = None
    outcome: str = ""
    words: str = ""  # calls only: words said in the call or its spoken comments
    page: int = 1


@dataclass
class Page:
    rows: list[Any]
    page: int
    pages: int
    total: int
    outcomes: list[str] = field(default_factory=list)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str | None, default: int | None = None) -> int | None:
    return int(text) if text and text.isdigit() else default


def filter_from(args: Any) -> LogFilter:
    """The filter from a query string (bad values are ignored, not errors)."""
    return LogFilter(marshal_id=_int(args.get("marshal")), docket=args.get("docket", "").strip(),
                     since=_day(args.get("since")), until=_day(args.get("until")),
                     outcome=args.get("outcome", "").strip(),
                     words=args.get("words", "").strip(),
                     page=max(1, _int(args.get("page"), 1) or 1))


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _filtered(statement: Select[Any], model: Any, moment: Any, wanted: LogFilter,
              zone: ZoneInfo) -> Select[Any]:
    if wanted.marshal_id:
        statement = statement.where(model.marshal_id == wanted.marshal_id)
    if wanted.outcome:
        statement = statement.where(model.outcome == wanted.outcome)
    if wanted.since:
        statement = statement.where(moment >= _start_of(wanted.since, zone))
    if wanted.until:
        statement = statement.where(moment < _start_of(wanted.until + timedelta(days=1), zone))
    if wanted.docket:
        statement = statement.where(_docket_matches(model, wanted.docket))
    return statement


def _docket_matches(model: Any, text: str) -> Any:
    """The docket as the caller gave it, or the docket of the activity the call recorded."""
    compact = re.sub(r"[\s-]", "", text).upper()
    digits = "".join(re.findall(r"\d{7}", text.replace(" ", "")))
    recorded = select(Activity.id).join(Docket).where(Docket.number == digits)
    loose = func.replace(func.replace(func.upper(model.docket_text), "-", ""), " ", "")
    if not digits:
        return loose.contains(compact)
    return or_(loose.contains(compact), model.activity_id.in_(recorded))


def _page(db: Session, model: Any, moment: Any, wanted: LogFilter, zone: ZoneInfo,
          *also: ColumnElement[bool]) -> Page:
    base = _filtered(select(model).where(*also), model, moment, wanted, zone)
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    rows = db.scalars(base.order_by(moment.desc(), model.id.desc())
                      .offset((wanted.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    outcomes = db.scalars(select(model.outcome).where(model.outcome.is_not(None))
                          .distinct().order_by(model.outcome)).all()
    return Page(list(rows), wanted.page, pages, total, list(outcomes))


def calls_page(db: Session, wanted: LogFilter, zone: ZoneInfo) -> Page:
    """Calls, newest first, 25 a page; with words, only calls in which all of them were said."""
    said = said_in_call(search_words(wanted.words))
    return _page(db, CallLog, CallLog.started_at, wanted, zone, said)


def texts_page(db: Session, wanted: LogFilter, zone: ZoneInfo) -> Page:
    """Text messages, newest first, 25 a page."""
    return _page(db, MessageLog, MessageLog.received_at, wanted, zone)


def marshals(db: Session) -> list[Marshal]:
    """Everyone who can sign in, by name (for the filters and manual entry)."""
    return list(db.scalars(select(Marshal).order_by(Marshal.last_name, Marshal.first_name)))


def call_outcome(call: CallLog) -> str:
    """How a call ended, in a clerk's words."""
    if call.activity_id:
        return "recorded"
    if call.outcome:
        return call.outcome.replace("_", " ")
    return f"ended at step {call.last_step}" if call.last_step else "in progress"


def duration(call: CallLog) -> str:
    seconds = call.duration_seconds
    if seconds is None and call.ended_at:
        seconds = int((call.ended_at - call.started_at).total_seconds())
    return "" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"
