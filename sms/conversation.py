"""What the text line does with one message: PIN sessions, the report waiting for OK, replies.

The grammar reads; this module decides, and writes only through ``core.registry``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import check_pin, marshal_by_phone, marshal_by_smc, normalise_phone
from core.db import insert_ignore
from core.dockets import DocketError
from core.models import Activity, Channel, Docket, Marshal
from core.registry import CLOCK_SKEW, find_docket
from core.settings import Settings
from sms import grammar, replies
from sms.confirm import PENDING_FOR, confirm, discard
from sms.fields import ParseError, When
from sms.models import NeutralReply, PendingReport, SmsSession

SESSION_FOR = timedelta(minutes=30)


@dataclass(frozen=True)
class Inbound:
    """One text as Twilio delivered it."""

    message_sid: str
    from_number: str
    to_number: str
    body: str


@dataclass(frozen=True)
class Outcome:
    """The reply (None: answer nothing) and what the message log keeps."""

    reply: str | None
    outcome: str
    marshal_id: int | None = None
    docket_text: str | None = None
    activity_id: int | None = None


@dataclass(frozen=True)
class Turn:
    """Who sent this message, from which phone, and when (UTC and the registry's local time)."""

    marshal: Marshal
    phone: str
    message_sid: str
    now: datetime
    zone: ZoneInfo

    @property
    def local(self) -> datetime:
        return self.now.astimezone(self.zone)


def decide(session: Session, inbound: Inbound, settings: Settings, now: datetime) -> Outcome:
    """Answer one message: the single place that chooses what happens."""
    zone = settings.zone
    marshal = marshal_by_phone(session, inbound.from_number)
    court = marshal.default_court if marshal else None
    command = grammar.parse(inbound.body, court, now.astimezone(zone).year)
    if isinstance(command, grammar.CarrierWord):
        return Outcome(None, "carrier_keyword", marshal.id if marshal else None)
    if marshal is None:
        return _stranger(session, inbound.from_number, now.astimezone(zone).date())
    turn = Turn(marshal, normalise_phone(inbound.from_number), inbound.message_sid, now, zone)
    _one_text_at_a_time(session, turn)
    return _answer(session, turn, command)


def _one_text_at_a_time(session: Session, turn: Turn) -> None:
    """Texts from one phone are answered one after the other, even when two arrive in the same
    instant: the phone's session row (made closed if it is new) is locked until commit."""
    insert_ignore(session, SmsSession.__table__, {
        "phone": turn.phone, "marshal_id": turn.marshal.id, "opened_at": turn.now,
        "expires_at": turn.now})
    session.scalar(select(SmsSession).where(SmsSession.phone == turn.phone).with_for_update())


def _stranger(session: Session, phone: str, today: date) -> Outcome:
    row = {"phone": phone[:32], "day": today}
    first_today = insert_ignore(session, NeutralReply.__table__, row)
    return Outcome(replies.NEUTRAL if first_today else None, "unknown_phone")


def _answer(session: Session, turn: Turn, command: grammar.Command | ParseError) -> Outcome:
    marshal_id = turn.marshal.id
    if isinstance(command, ParseError):
        return Outcome(_error(command), "error", marshal_id)
    if isinstance(command, grammar.Help | grammar.Blank):
        return Outcome(replies.finish(replies.HELP), "help", marshal_id)
    if isinstance(command, grammar.OpenSession):
        return _sign_in(session, turn, command.pin, then=None)
    if isinstance(command, grammar.Report) and command.pin:
        return _sign_in(session, turn, command.pin, then=command)
    if not _in_session(session, turn):
        return Outcome(replies.NEED_PIN, "need_pin", marshal_id)
    return _in_session_answer(session, turn, command)


def _in_session_answer(session: Session, turn: Turn, command: grammar.Command) -> Outcome:
    if isinstance(command, grammar.Report):
        return _report(session, turn, command)
    if isinstance(command, grammar.Confirm):
        return _outcome(turn, *confirm(session, turn.phone, turn.now, turn.zone))
    if isinstance(command, grammar.Discard):
        return _outcome(turn, *discard(session, turn.phone, turn.now))
    return _last(session, turn)


def _outcome(turn: Turn, reply: str, outcome: str, activity_id: int | None = None,
             docket_text: str | None = None) -> Outcome:
    return Outcome(replies.finish(reply), outcome, turn.marshal.id, docket_text, activity_id)


def _error(error: ParseError) -> str:
    return replies.error(error.field, error.problem, **dict(error.values))


def _in_session(session: Session, turn: Turn) -> bool:
    """The phone gave its PIN within the last 30 minutes of texting: each text in the session
    keeps it open another 30 minutes."""
    open_session = session.get(SmsSession, turn.phone)
    if (open_session is None or open_session.marshal_id != turn.marshal.id
            or open_session.expires_at <= turn.now):
        return False
    open_session.expires_at = max(open_session.expires_at, turn.now + SESSION_FOR)
    return True


def _sign_in(session: Session, turn: Turn, pin: str, then: grammar.Report | None) -> Outcome:
    answer = check_pin(session, turn.marshal, pin, Channel.SMS.value, turn.now)
    if answer.locked:
        until = replies.clock((answer.locked_until or turn.now).astimezone(turn.zone))
        return _outcome(turn, replies.PIN_LOCKED.format(until=until), "pin_locked")
    if not answer.ok:
        return _outcome(turn, replies.PIN_WRONG.format(left=answer.failures_left), "pin_wrong")
    _open_session(session, turn)
    if then is not None:
        return _report(session, turn, then)
    until = replies.clock((turn.now + SESSION_FOR).astimezone(turn.zone))
    return _outcome(turn, replies.PIN_OK.format(until=until), "pin_ok")


def _open_session(session: Session, turn: Turn) -> None:
    existing = session.get(SmsSession, turn.phone)
    assert existing is not None  # made and locked by _one_text_at_a_time
    existing.marshal_id = turn.marshal.id
    existing.opened_at = turn.now
    existing.expires_at = turn.now + SESSION_FOR


def _report(session: Session, turn: Turn, report: grammar.Report) -> Outcome:
    try:
        occurred = occurred_at(report.when, turn.local)
    except ValueError:
        return _outcome(turn, _error(ParseError("date", "date_bad", (("token", "date"),))),
                        "error")
    if occurred > turn.now + CLOCK_SKEW:
        return _outcome(turn, _error(ParseError("time", "time_future")), "error")
    found = _docket(session, report)
    if isinstance(found, ParseError):
        return _outcome(turn, _error(found), "error", docket_text=report.docket.canonical)
    target = _target(session, turn, report)
    if isinstance(target, ParseError):
        return _outcome(turn, _error(target), "error", docket_text=found.canonical)
    replaced = _keep_pending(session, turn, report, found.id, occurred)
    text = read_back(found, report, occurred.astimezone(turn.zone), target)
    prefix = replies.REPLACED if replaced else ""
    return _outcome(turn, prefix + text, "read_back", docket_text=found.canonical)


def occurred_at(when: When, local_now: datetime) -> datetime:
    """The moment the marshal meant, in UTC (a date later this year means last year)."""
    if when.clock is None and when.month_day is None and not when.yesterday:
        return local_now.astimezone(UTC)
    day = local_now.date() - timedelta(days=1 if when.yesterday else 0)
    if when.month_day is not None:
        day = _month_day(local_now.date(), *when.month_day)
    clock = when.clock or local_now.time().replace(second=0, microsecond=0)
    return datetime.combine(day, clock, tzinfo=local_now.tzinfo).astimezone(UTC)


def _month_day(today: date, month: int, day: int) -> date:
    meant = date(today.year, month, day)
    return meant if meant <= today else date(today.year - 1, month, day)


def _docket(session: Session, report: grammar.Report) -> ParseError | Docket:
    try:
        match = find_docket(session, report.docket)
    except DocketError as error:
        return ParseError("docket", "registry", (("message", error.message),))
    if match.docket is not None:
        return match.docket
    wanted = (("docket", report.docket.canonical if not report.docket.is_bare_number
               else report.docket.number),)
    if match.ambiguous:
        return ParseError("docket", "docket_ambiguous", (*wanted, ("count", str(
            len(match.candidates)))))
    return ParseError("docket", "docket_not_found", wanted)


def _target(session: Session, turn: Turn, report: grammar.Report) -> Marshal | ParseError | None:
    if report.transfer_to is None:
        return None
    target = marshal_by_smc(session, report.transfer_to)
    if target is None:
        return ParseError("transfer_to", "transfer_to_unknown", (("number", report.transfer_to),))
    if target.id == turn.marshal.id:
        return ParseError("transfer_to", "transfer_to_self")
    return target


def _keep_pending(session: Session, turn: Turn, report: grammar.Report, docket_id: int,
                  occurred: datetime) -> bool:
    pending = session.get(PendingReport, turn.phone)
    replaced = pending is not None and pending.expires_at > turn.now
    if pending is None:
        pending = PendingReport(phone=turn.phone)
        session.add(pending)
    pending.marshal_id = turn.marshal.id
    pending.message_sid = turn.message_sid
    pending.docket_id = docket_id
    pending.details = _details(report, occurred)
    pending.created_at = turn.now
    pending.expires_at = turn.now + PENDING_FOR
    pending.re_record_warned = False
    return replaced


def _details(report: grammar.Report, occurred: datetime) -> dict[str, object]:
    return {"kind": report.kind.value, "method": report.method.value if report.method else None,
            "reason": report.reason, "transfer_to": report.transfer_to,
            "comment": report.comment, "police": report.police,
            "firearms": report.firearms.value, "occurred_at": occurred.isoformat()}


def read_back(docket: Docket, report: grammar.Report, local: datetime,
              target: Marshal | None) -> str:
    """The docket, the respondent and what will be recorded, then how to confirm."""
    head = f"{docket.canonical} {docket.respondent_last.upper()}:"
    what = replies.what_text(report.kind.value, report.method, report.reason,
                             replies.target_text(target), replies.clock(local))
    extras = replies.extras_text(report.kind.value, report.police, report.firearms.value)
    return replies.read_back(head, what + extras, report.comment)


def _last(session: Session, turn: Turn) -> Outcome:
    activity = session.scalars(
        select(Activity).where(Activity.marshal_id == turn.marshal.id)
        .order_by(Activity.recorded_at.desc(), Activity.id.desc()).limit(1)
    ).first()
    if activity is None:
        return _outcome(turn, replies.LAST_NONE, "last")
    text = replies.LAST.format(
        kind=activity.kind, docket=activity.docket.canonical,
        name=activity.docket.respondent_last.upper(),
        when=replies.clock(activity.occurred_at.astimezone(turn.zone)),
        conf=activity.confirmation)
    return _outcome(turn, text, "last", activity.id, activity.docket.canonical)
