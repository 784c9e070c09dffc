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

from core import words
from core.models import Activity, CallLog, CallStep, Docket, Marshal, MessageLog
from speech.transcripts import said_in_call, search_words
from web.security import whole_number

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
    number = whole_number(text)
    return default if number is None else number


def filter_from(args: Any) -> LogFilter:
    """The filter from a query string (bad values are ignored, not errors)."""
    return LogFilter(
        marshal_id=_int(args.get("marshal")),
        docket=args.get("docket", "").strip(),
        since=_day(args.get("since")),
        until=_day(args.get("until")),
        outcome=args.get("outcome", "").strip(),
        words=args.get("words", "").strip(),
        page=max(1, _int(args.get("page"), 1) or 1),
    )


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _filtered(
    statement: Select[Any], model: Any, moment: Any, wanted: LogFilter, zone: ZoneInfo
) -> Select[Any]:
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
    """The docket as the caller gave it, or the docket of any activity the call (or text)
    recorded, or any docket the call looked up."""
    compact = re.sub(r"[\s-]", "", text).upper()
    digits = "".join(re.findall(r"\d{7}", text.replace(" ", "")))
    recorded = select(Activity.id).join(Docket).where(Docket.number == digits)
    loose = func.replace(func.replace(func.upper(model.docket_text), "-", ""), " ", "")
    if not digits:
        return loose.contains(compact)
    if model is CallLog:
        return or_(loose.contains(compact), _call_recorded_on(digits), _call_looked_up(digits))
    return or_(loose.contains(compact), model.activity_id.in_(recorded))


def _call_recorded_on(digits: str) -> Any:
    """A call recorded on the docket: an activity whose source is one of the call's steps."""
    return (
        select(Activity.id)
        .join(Docket)
        .where(Docket.number == digits, Activity.source_id.like(CallLog.call_sid + "-%"))
        .exists()
    )


def _call_looked_up(digits: str) -> Any:
    """A call keyed the docket, or the line found it (the step log says so in words)."""
    return (
        select(CallStep.id)
        .where(
            CallStep.call_id == CallLog.id,
            or_(
                CallStep.understood.contains(digits),
                (CallStep.state_name == "docket") & CallStep.input_redacted.contains(digits),
            ),
        )
        .exists()
    )


def _page(
    db: Session,
    model: Any,
    moment: Any,
    wanted: LogFilter,
    zone: ZoneInfo,
    *also: ColumnElement[bool],
) -> Page:
    base = _filtered(select(model).where(*also), model, moment, wanted, zone)
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    rows = db.scalars(
        base.order_by(moment.desc(), model.id.desc())
        .offset((wanted.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    outcomes = db.scalars(
        select(model.outcome).where(model.outcome.is_not(None)).distinct().order_by(model.outcome)
    ).all()
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
        return words.word(words.CALL_OUTCOMES, call.outcome)
    return f"ended at step {call.last_step}" if call.last_step else "in progress"


def text_outcome(message: MessageLog) -> str:
    """What a text came to, in a clerk's words."""
    return words.word(words.TEXT_OUTCOMES, message.outcome)


def activities_of_calls(db: Session, calls: list[CallLog]) -> dict[int, list[Activity]]:
    """Every activity each call recorded (an activity's source is the step of the call that
    recorded it: ``<CallSid>-<step>``), oldest first."""
    if not calls:
        return {}
    by_sid = {call.call_sid: call.id for call in calls}
    statement = select(Activity).where(
        or_(*[Activity.source_id.like(f"{sid}-%") for sid in by_sid])
    )
    found: dict[int, list[Activity]] = {call.id: [] for call in calls}
    for activity in db.scalars(statement.order_by(Activity.id)):
        found[by_sid[activity.source_id.rsplit("-", 1)[0]]].append(activity)
    for call in calls:  # a call's own link to the last activity it recorded, whatever its source
        last = db.get(Activity, call.activity_id) if call.activity_id else None
        if last is not None and last not in found[call.id]:
            found[call.id].append(last)
    return found


def calls_of_activities(db: Session, activities: list[Activity]) -> dict[int, int]:
    """Activity id -> the id of the call that recorded it (phone activities only)."""
    sids = {a.id: a.source_id.rsplit("-", 1)[0] for a in activities if a.channel == "PHONE"}
    if not sids:
        return {}
    calls = {
        sid: call_id
        for sid, call_id in db.execute(
            select(CallLog.call_sid, CallLog.id).where(CallLog.call_sid.in_(set(sids.values())))
        )
    }
    found = {activity_id: calls[sid] for activity_id, sid in sids.items() if sid in calls}
    linked = db.execute(
        select(CallLog.activity_id, CallLog.id).where(CallLog.activity_id.in_(list(sids)))
    )
    return {**{int(a): c for a, c in linked if a is not None}, **found}


def conversation(db: Session, message: MessageLog, zone: ZoneInfo) -> list[MessageLog]:
    """The texts from the same phone on the same local day, in order: one conversation."""
    day = message.received_at.astimezone(zone).date()
    return list(
        db.scalars(
            select(MessageLog)
            .where(
                MessageLog.from_number == message.from_number,
                MessageLog.received_at >= _start_of(day, zone),
                MessageLog.received_at < _start_of(day + timedelta(days=1), zone),
            )
            .order_by(MessageLog.received_at, MessageLog.id)
        )
    )


def recorded_by_texts(db: Session, messages: list[MessageLog]) -> list[Activity]:
    """The activities these texts recorded (a LAST read back records nothing)."""
    ids = [m.activity_id for m in messages if m.outcome == "recorded" and m.activity_id]
    if not ids:
        return []
    return list(db.scalars(select(Activity).where(Activity.id.in_(ids)).order_by(Activity.id)))


@dataclass(frozen=True)
class Exchange:
    """One row of a call's step log: the prompt heard, the answer to it, what it meant."""

    at: datetime
    step: str
    heard: str
    answer: str
    understood: str
    recognition: str = ""
    confidence: float | None = None

    @property
    def step_words(self) -> str:
        return words.word(words.CALL_STEPS, self.step)


def exchanges(steps: list[CallStep]) -> list[Exchange]:
    """Each answer paired with the prompt the caller heard before giving it (a step's stored
    prompt is the line's reply to it: the next question)."""
    rows: list[Exchange] = []
    heard = ""
    for step in steps:
        if step.step_key.startswith("status-"):
            rows.append(
                Exchange(
                    step.created_at,
                    "call ended",
                    heard,
                    "",
                    words.word(words.CALL_OUTCOMES, step.outcome),
                )
            )
            heard = ""
            continue
        if step.state_name not in (None, "start"):
            rows.append(
                Exchange(
                    step.created_at,
                    step.state_name,
                    heard,
                    step.input_redacted or "",
                    step.understood or "",
                    step.recognition or "",
                    step.confidence,
                )
            )
        heard = step.prompt or ""
    if heard and steps:  # the line's last words, not answered (yet)
        rows.append(Exchange(steps[-1].created_at, "no answer yet", heard, "", ""))
    return rows


def duration(call: CallLog) -> str:
    seconds = call.duration_seconds
    if seconds is None and call.ended_at:
        seconds = int((call.ended_at - call.started_at).total_seconds())
    return "" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"
