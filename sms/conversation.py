"""What the text line does with one message: PIN sessions, the report waiting for OK, replies.

The grammar reads; this module decides, and writes only through ``core.registry``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import guards, reminders
from core.accounts import check_pin, marshal_by_phone, marshal_by_smc, normalise_phone
from core.db import insert_ignore, made_and_locked
from core.dockets import DocketError
from core.models import Activity, Channel, Docket, Marshal
from core.registry import (
    ActivityError,
    check_time,
    find_docket,
    service_on_file,
)
from core.settings import Settings
from core.when import WhenError, check_not_future
from sms import grammar, replies
from sms.confirm import PENDING_FOR, confirm, discard, waiting
from sms.fields import ParseError
from sms.models import NeutralReply, PendingReport, SmsSession
from sms.readback import read_back
from sms.when import AskAmPm, occurred_at, refusal

SESSION_FOR = timedelta(minutes=30)
CARRIER_RESTART = frozenset({"START", "UNSTOP"})


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
    body: str = ""

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
        _carrier_word(session, inbound.from_number, marshal, command.word)
        return Outcome(None, "carrier_keyword", marshal.id if marshal else None)
    if marshal is None:
        return _stranger(session, inbound.from_number, now.astimezone(zone).date())
    turn = Turn(
        marshal, normalise_phone(inbound.from_number), inbound.message_sid, now, zone, inbound.body
    )
    _one_text_at_a_time(session, turn)
    return _answer(session, turn, command)


def _carrier_word(session: Session, phone: str, marshal: Marshal | None, word: str) -> None:
    """Twilio's own STOP (and START) is respected by the reminders too."""
    if marshal is None:
        return
    number = normalise_phone(phone)
    if word in CARRIER_RESTART:
        reminders.start(session, number)
    else:
        reminders.stop(session, number, marshal.id, "carrier")


def _switch_reminders(session: Session, turn: Turn, on: bool) -> Outcome:
    if on:
        reminders.start(session, turn.phone)
        return _outcome(turn, replies.REMINDERS_ON, "reminders_on")
    reminders.stop(session, turn.phone, turn.marshal.id, "marshal")
    return _outcome(turn, replies.REMINDERS_OFF, "reminders_off")


def _one_text_at_a_time(session: Session, turn: Turn) -> None:
    """Texts from one phone are answered one after the other, even when two arrive in the same
    instant: the phone's session row (made closed if it is new) is locked until commit."""
    closed = {
        "phone": turn.phone,
        "marshal_id": turn.marshal.id,
        "opened_at": turn.now,
        "expires_at": turn.now,
    }
    made_and_locked(session, SmsSession, closed, ("phone",))


def _stranger(session: Session, phone: str, today: date) -> Outcome:
    row = {"phone": phone[:32], "day": today}
    first_today = insert_ignore(session, NeutralReply.__table__, row)
    return Outcome(replies.NEUTRAL if first_today else None, "unknown_phone")


def _answer(session: Session, turn: Turn, command: grammar.Command | ParseError) -> Outcome:
    marshal_id = turn.marshal.id
    if isinstance(command, grammar.AmPm):
        answered = _am_pm(session, turn, command.evening)
        if answered is not None:
            return answered
        command = command.otherwise
    if isinstance(command, ParseError):
        return Outcome(_error(turn, command), "error", marshal_id)
    if isinstance(command, grammar.Help | grammar.Blank):
        topic = command.topic if isinstance(command, grammar.Help) else None
        return Outcome(replies.help_text(topic), "help", marshal_id)
    if isinstance(command, grammar.Reminders):
        return _switch_reminders(session, turn, command.on)
    if isinstance(command, grammar.OpenSession):
        return _sign_in(session, turn, command.pin, then=None)
    if isinstance(command, grammar.Report) and command.pin:
        return _sign_in(session, turn, command.pin, then=command)
    if not _in_session(session, turn):
        kept = isinstance(command, grammar.Report) and _wait_for_pin(session, turn, command)
        return Outcome(
            replies.NEED_PIN + (" " + replies.WAITING_FOR_PIN if kept else ""),
            "need_pin",
            marshal_id,
        )
    return _in_session_answer(session, turn, command)


def _wait_for_pin(session: Session, turn: Turn, report: grammar.Report) -> bool:
    """A report sent before the PIN waits for it (its docket found, nothing said of it yet)."""
    found = _docket(session, turn, report)
    if isinstance(found, ParseError):
        return False
    _keep_pending(session, turn, {"awaiting_pin": turn.body}, found.id)
    return True


def _waiting_report(session: Session, turn: Turn) -> Outcome | None:
    """After the PIN: the report that waited for it, read back now."""
    pending = waiting(session, turn.phone, turn.now)
    if pending is None or "awaiting_pin" not in pending.details:
        return None
    report = grammar.parse(
        str(pending.details["awaiting_pin"]), turn.marshal.default_court, turn.local.year
    )
    if not isinstance(report, grammar.Report):
        return None
    return _report(session, replace(turn, message_sid=pending.message_sid), report)


def _am_pm(session: Session, turn: Turn, evening: bool) -> Outcome | None:
    """A or P, when the waiting report asked '2:30 AM or PM?'; otherwise None."""
    if not _in_session(session, turn):
        return None
    pending = waiting(session, turn.phone, turn.now)
    if pending is None or not pending.details.get("ask_am_pm"):
        return None
    docket = session.get(Docket, pending.docket_id)
    assert docket is not None
    details = {k: v for k, v in pending.details.items() if k != "ask_am_pm"}
    chosen = datetime.fromisoformat(details["occurred_at"]) + timedelta(hours=12 * evening)
    try:
        check_not_future(chosen, turn.now, str(details["kind"]))
    except WhenError as error:
        return _outcome(turn, _error(turn, _with_kind(refusal(error), details)), "error")
    details["occurred_at"] = chosen.isoformat()
    return _read_back(session, turn, docket, details, pending.message_sid)


def _with_kind(error: ParseError, details: dict[str, Any]) -> ParseError:
    return ParseError(error.field, error.problem, (*error.values, ("kind", details["kind"])))


def _in_session_answer(session: Session, turn: Turn, command: grammar.Command) -> Outcome:
    if isinstance(command, grammar.Report):
        return _report(session, turn, command)
    if isinstance(command, grammar.Confirm):
        return _outcome(turn, *confirm(session, turn.phone, turn.now, turn.zone))
    if isinstance(command, grammar.Discard):
        return _outcome(turn, *discard(session, turn.phone, turn.now))
    return _last(session, turn)


def _outcome(
    turn: Turn,
    reply: str,
    outcome: str,
    activity_id: int | None = None,
    docket_text: str | None = None,
) -> Outcome:
    return Outcome(replies.finish(reply), outcome, turn.marshal.id, docket_text, activity_id)


def _error(turn: Turn, error: ParseError) -> str:
    return replies.error(
        error.field, error.problem, replies.examples_for(turn.local), **dict(error.values)
    )


def _in_session(session: Session, turn: Turn) -> bool:
    """The phone gave its PIN within the last 30 minutes of texting: each text in the session
    keeps it open another 30 minutes."""
    open_session = session.get(SmsSession, turn.phone)
    if (
        open_session is None
        or open_session.marshal_id != turn.marshal.id
        or open_session.expires_at <= turn.now
    ):
        return False
    open_session.expires_at = max(open_session.expires_at, turn.now + SESSION_FOR)
    return True


def _sign_in(session: Session, turn: Turn, pin: str, then: grammar.Report | None) -> Outcome:
    answer = check_pin(session, turn.marshal, pin, Channel.SMS.value, turn.now, guards.TEXT)
    if answer.locked:
        until = replies.clock((answer.locked_until or turn.now).astimezone(turn.zone))
        return _outcome(turn, replies.PIN_LOCKED.format(until=until), "pin_locked")
    if not answer.ok:
        left = replies.plural(answer.failures_left, "try left", "tries left")
        return _outcome(turn, replies.PIN_WRONG.format(left=left), "pin_wrong")
    _open_session(session, turn)
    if then is not None:
        return _report(session, turn, then)
    kept = _waiting_report(session, turn)
    if kept is not None:
        return kept
    until = replies.clock((turn.now + SESSION_FOR).astimezone(turn.zone))
    return _outcome(turn, replies.PIN_OK.format(until=until), "pin_ok")


def _open_session(session: Session, turn: Turn) -> None:
    existing = session.get(SmsSession, turn.phone)
    assert existing is not None  # made and locked by _one_text_at_a_time
    existing.marshal_id = turn.marshal.id
    existing.opened_at = turn.now
    existing.expires_at = turn.now + SESSION_FOR


def _report(session: Session, turn: Turn, report: grammar.Report) -> Outcome:
    occurred = occurred_at(report.when, turn.local, report.kind.value)
    if isinstance(occurred, ParseError):
        return _outcome(
            turn, _error(turn, _with_kind(occurred, {"kind": report.kind.value})), "error"
        )
    found = _docket(session, turn, report)
    if isinstance(found, ParseError):
        return _outcome(turn, _error(turn, found), "error", docket_text=report.docket.canonical)
    target = _target(session, turn, report)
    if isinstance(target, ParseError):
        return _outcome(turn, _error(turn, target), "error", docket_text=found.canonical)
    if isinstance(occurred, AskAmPm):
        details = {**_details(report, occurred.morning), "ask_am_pm": occurred.clock}
        _keep_pending(session, turn, details, found.id)
        text = replies.AM_OR_PM.format(clock=occurred.clock)
        return _outcome(turn, text, "am_pm_question", docket_text=found.canonical)
    return _read_back(session, turn, found, _details(report, occurred))


def _read_back(
    session: Session, turn: Turn, docket: Docket, details: dict[str, object], sid: str | None = None
) -> Outcome:
    """Check the moment against the docket, keep the report waiting for OK, and read it back
    with what is already on file."""
    occurred = datetime.fromisoformat(str(details["occurred_at"]))
    try:
        check_time(occurred, docket, turn.now, str(details["kind"]))
    except ActivityError as error:
        problem = ParseError(
            "time", "registry", (("message", error.message), ("kind", str(details["kind"])))
        )
        return _outcome(turn, _error(turn, problem), "error", docket_text=docket.canonical)
    served = service_on_file(session, docket.id)
    details = {**details, "after_service": served is not None}
    replaced = _keep_pending(session, turn, details, docket.id, sid)
    text = read_back(session, docket, details, served, turn.local)
    prefix = replies.REPLACED if replaced else ""
    return _outcome(turn, prefix + text, "read_back", docket_text=docket.canonical)


def _docket(session: Session, turn: Turn, report: grammar.Report) -> ParseError | Docket:
    try:
        match = find_docket(session, report.docket)
    except DocketError as error:
        return ParseError("docket", "registry", (("message", error.message),))
    if match.docket is not None:
        return match.docket
    wanted = (("docket", report.docket.canonical), ("kind", report.kind.value))
    if match.ambiguous:
        number = report.docket.number if report.docket.is_bare_number else None
        return ParseError(
            "docket",
            "docket_ambiguous",
            (
                ("docket", number or report.docket.canonical),
                *wanted[1:],
                ("count", str(len(match.candidates))),
            ),
        )
    return ParseError("docket", "docket_not_found", (*wanted, ("assumed", _assumed(report))))


def _assumed(report: grammar.Report) -> str:
    """What the line took for the parts the text left out, and where else it looked."""
    docket, given = report.docket, report.docket.given
    taken = [
        f"court {docket.court}" if "court" not in given else "",
        f"year 20{docket.year:02d}" if "year" not in given else "",
    ]
    said = " and ".join(t for t in taken if t)
    elsewhere = "; no open case elsewhere has that number" if docket.is_bare_number else ""
    return f"took {said}{elsewhere}" if said else "as sent"


def _target(session: Session, turn: Turn, report: grammar.Report) -> Marshal | ParseError | None:
    if report.transfer_to is None:
        return None
    target = marshal_by_smc(session, report.transfer_to)
    if target is None:
        return ParseError("transfer_to", "transfer_to_unknown", (("number", report.transfer_to),))
    if target.id == turn.marshal.id:
        return ParseError("transfer_to", "transfer_to_self")
    return target


def _keep_pending(
    session: Session, turn: Turn, details: dict[str, object], docket_id: int, sid: str | None = None
) -> bool:
    pending = session.get(PendingReport, turn.phone)
    replaced = (
        pending is not None
        and pending.expires_at > turn.now
        and pending.message_sid != (sid or turn.message_sid)
    )
    if pending is None:
        pending = PendingReport(phone=turn.phone)
        session.add(pending)
    pending.marshal_id = turn.marshal.id
    pending.message_sid = sid or turn.message_sid
    pending.docket_id = docket_id
    pending.details = details
    pending.created_at = turn.now
    pending.expires_at = turn.now + PENDING_FOR
    pending.re_record_warned = bool(details.get("after_service")) and details["kind"] == "SERVICE"
    return replaced


def _details(report: grammar.Report, occurred: datetime) -> dict[str, object]:
    return {
        "kind": report.kind.value,
        "method": report.method.value if report.method else None,
        "reason": report.reason,
        "transfer_to": report.transfer_to,
        "comment": report.comment,
        "police": report.police,
        "firearms": report.firearms.value,
        "occurred_at": occurred.isoformat(),
    }


def _last(session: Session, turn: Turn) -> Outcome:
    activity = session.scalars(
        select(Activity)
        .where(Activity.marshal_id == turn.marshal.id)
        .order_by(Activity.recorded_at.desc(), Activity.id.desc())
        .limit(1)
    ).first()
    if activity is None:
        return _outcome(turn, replies.LAST_NONE, "last")
    text = replies.LAST.format(
        kind=activity.kind,
        docket=activity.docket.canonical,
        name=activity.docket.respondent_last.upper(),
        when=replies.clock(activity.occurred_at.astimezone(turn.zone)),
        conf=activity.confirmation,
    )
    return _outcome(turn, text, "last", activity.id, activity.docket.canonical)
