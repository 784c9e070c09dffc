"""The one write path: ``record_activity``, and the docket look-ups every channel shares."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, or_, select
from sqlalchemy.orm import Session, make_transient_to_detached

from core.codes import ATTEMPT_REASON_CODES
from core.db import add_rows, claim_row, utcnow
from core.dockets import DocketError, DocketNumber
from core.errors import FieldError
from core.models import (
    Activity,
    ActivityKind,
    Channel,
    Court,
    Docket,
    Firearms,
    Marshal,
    ServiceMethod,
)
from core.outbox import send_faxes_after_commit
from core.priority import alert_after_commit
from core.routing import AUDIT, NOTIFICATIONS, notice_rows
from core.state_file import MESSAGES, message_row, send_after_commit
from core.when import WhenError, check_not_future

LATE_AFTER = timedelta(hours=2)
# The daybook gives the day a case was entered, not the minute: allow the whole day before.
ENTERED_SLACK = timedelta(days=1)


class ActivityError(FieldError):
    """A report that cannot be recorded; ``field`` names what is wrong."""


@dataclass(frozen=True)
class PreviousActivity:
    activity_id: int
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    marshal_name: str
    channel: str
    method: str | None = None
    marshal_last_name: str = ""


class ReRecordRequired(Exception):
    """The docket already has this kind of activity: ask, then call again with re_record=True."""

    def __init__(self, previous: PreviousActivity) -> None:
        super().__init__(f"{previous.kind} already recorded")
        self.previous = previous


class ServiceOnFile(Exception):
    """An attempt, receipt or transfer on a docket already served: ask, naming the service,
    then call again with after_service=True."""

    def __init__(self, service: PreviousActivity) -> None:
        super().__init__("a service is on file")
        self.service = service


AFTER_SERVICE_ASKS = (ActivityKind.ATTEMPT, ActivityKind.RECEIPT, ActivityKind.TRANSFER)


@dataclass(frozen=True)
class ActivityReport:
    """What a channel gathered, in the registry's words."""

    docket_id: int
    marshal_id: int
    kind: ActivityKind
    channel: Channel
    source_id: str
    occurred_at: datetime | None = None
    method: ServiceMethod | None = None
    attempt_reason: str | None = None
    transfer_to_smc: str | None = None
    comment: str | None = None
    police_assistance: bool | None = None
    firearms: Firearms = Firearms.UNKNOWN
    firearms_date: date | None = None
    re_record: bool = False
    after_service: bool = False
    entered_by_id: int | None = None
    entry_reason: str | None = None


@dataclass(frozen=True)
class Recorded:
    activity_id: int
    confirmation: str
    late: bool
    notification_ids: list[int] = field(default_factory=list)
    towns_without_agency: list[str] = field(default_factory=list)
    already_recorded: bool = False


def record_activity(
    session: Session, report: ActivityReport, now: datetime | None = None
) -> Recorded:
    """Validate and store one activity with its fax notifications, in the caller's transaction.

    Idempotent on ``report.source_id``: the same source recorded twice gives one activity.
    Writers on one docket take turns (its row is locked until the caller's transaction ends),
    so of two confirms at the same instant the second sees the first and is asked to re-record.
    """
    now = now or utcnow()
    docket, on_file = _locked_docket(session, report.docket_id, report.marshal_id)
    existing, previous = _twin_or_current(session, report.source_id, docket.id, report.kind)
    if existing is not None:
        return _already(existing)
    marshal = _check_active(on_file, "marshal")
    occurred_at = report.occurred_at or now
    transfer_to = _validate(session, report, docket, marshal, occurred_at, now)
    if previous is not None and not report.re_record:
        raise ReRecordRequired(describe(previous))
    _ask_after_service(session, report, docket)
    row = _new_row(report, docket, occurred_at, now, transfer_to, previous)
    stored, inserted = _insert(session, row)
    if not inserted:
        return _already(stored)
    return _after_insert(session, stored, docket, report)


def _ask_after_service(session: Session, report: ActivityReport, docket: Docket) -> None:
    if report.kind in AFTER_SERVICE_ASKS and not report.after_service:
        served = service_on_file(session, docket.id)
        if served is not None:
            raise ServiceOnFile(served)


def service_on_file(session: Session, docket_id: int) -> PreviousActivity | None:
    """The docket's current service, described, or None (said at every docket read-back)."""
    served = current_activity(session, docket_id, ActivityKind.SERVICE)
    return describe(served) if served is not None else None


def _after_insert(
    session: Session, activity: Activity, docket: Docket, report: ActivityReport
) -> Recorded:
    """What the new activity owes, in one round trip: its audit event, for a service its fax
    notices (and the towns no agency covers, audited), and its state-file message."""
    rows: list[tuple[Table, dict[str, Any]]] = [(AUDIT, _audit_row(activity, docket, report))]
    gaps: list[str] = []
    if activity.kind == ActivityKind.SERVICE:
        notices, gaps = notice_rows(session, activity, docket)
        rows += notices
    message = message_row(session, activity, docket)
    if message:
        rows.append((MESSAGES, message))  # last: its id is the last one given
    ids = add_rows(session, rows)
    given = zip(rows, ids, strict=True)
    notification_ids = sorted(i for (table, _row), i in given if table is NOTIFICATIONS)
    if message:
        send_after_commit(session, ids[-1])
    send_faxes_after_commit(session, activity.id, notification_ids)
    if activity.firearms == Firearms.YES:
        alert_after_commit(session, activity.id)
    return Recorded(activity.id, activity.confirmation, activity.late, notification_ids, gaps)


def _audit_row(activity: Activity, docket: Docket, report: ActivityReport) -> dict[str, Any]:
    return {
        "kind": "activity_recorded",
        "marshal_id": report.entered_by_id or report.marshal_id,
        "activity_id": activity.id,
        "channel": report.channel.value,
        "detail": {
            "docket": docket.canonical,
            "kind": activity.kind,
            "source_id": report.source_id,
            "re_record": report.re_record,
        },
    }


def _already(activity: Activity) -> Recorded:
    return Recorded(activity.id, activity.confirmation, activity.late, already_recorded=True)


def _by_source(session: Session, source_id: str) -> Activity | None:
    return session.scalar(select(Activity).where(Activity.source_id == source_id))


def _twin_or_current(
    session: Session, source_id: str, docket_id: int, kind: ActivityKind
) -> tuple[Activity | None, Activity | None]:
    """The activity this source already recorded, or else the docket's current entry of this
    kind (``current_activity``): one statement, not two, the source's own row sorting first."""
    values = {"source_id": source_id, "docket_id": docket_id, "kind": kind.value}
    found = session.scalars(_TWIN_OR_CURRENT, values).first()
    if found is not None and found.source_id == source_id:
        return found, None
    return None, found


def _locked_docket(
    session: Session, docket_id: int, marshal_id: int
) -> tuple[Docket, Marshal | None]:
    """The docket, locked, as it is once locked, and the marshal (not locked) in the same
    round trip. SELECT … FOR UPDATE OF docket on PostgreSQL; SQLite has one writer anyway."""
    found = session.execute(
        _DOCKET_AND_MARSHAL, {"docket_id": docket_id, "marshal_id": marshal_id}
    ).first()
    if found is None:
        raise ActivityError("docket", "that docket is not in the registry")
    return found[0], found[1]


def _check_active(marshal: Marshal | None, what: str) -> Marshal:
    if marshal is None or not marshal.active:
        raise ActivityError(what, f"that {what} is not an active account")
    return marshal


def _validate(
    session: Session,
    report: ActivityReport,
    docket: Docket,
    marshal: Marshal,
    occurred_at: datetime,
    now: datetime,
) -> Marshal | None:
    _check_kind_fields(report)
    check_time(occurred_at, docket, now, report.kind.value)
    if report.firearms not in set(Firearms):
        raise ActivityError("firearms", "firearms allegation must be yes, no or unknown")
    if report.kind == ActivityKind.TRANSFER:
        return _transfer_target(session, report, marshal)
    return None


def _check_kind_fields(report: ActivityReport) -> None:
    kind = report.kind
    if kind == ActivityKind.SERVICE and report.method not in set(ServiceMethod):
        raise ActivityError("method", "service needs a method: in hand or abode")
    if kind == ActivityKind.ATTEMPT and report.attempt_reason not in ATTEMPT_REASON_CODES:
        raise ActivityError("reason", "an attempt needs a reason from the list")
    if kind == ActivityKind.OTHER and not (report.comment or "").strip():
        raise ActivityError("comment", "other information needs a comment")
    if kind == ActivityKind.TRANSFER and not report.transfer_to_smc:
        raise ActivityError("transfer_to", "a transfer needs the receiving marshal's number")


def check_time(occurred_at: datetime, docket: Docket, now: datetime, kind: str = "") -> None:
    """ActivityError when the moment is still to come or before the docket was entered (every
    channel checks this at its read-back, and record_activity once more)."""
    if occurred_at.tzinfo is None:
        raise ActivityError("occurred_at", "the time needs a timezone")
    try:
        check_not_future(occurred_at, now, kind)
    except WhenError as error:
        raise ActivityError("occurred_at", error.message) from error
    if occurred_at < docket.entered_at - ENTERED_SLACK:
        raise ActivityError("occurred_at", "the time is before the docket was entered")


def _transfer_target(session: Session, report: ActivityReport, marshal: Marshal) -> Marshal:
    target = session.scalar(select(Marshal).where(Marshal.smc_number == report.transfer_to_smc))
    if target is None or not target.active:
        raise ActivityError("transfer_to", f"no active marshal has number {report.transfer_to_smc}")
    if target.id == marshal.id:
        raise ActivityError("transfer_to", "a transfer must go to another marshal")
    return target


def _new_row(
    report: ActivityReport,
    docket: Docket,
    occurred_at: datetime,
    now: datetime,
    transfer_to: Marshal | None,
    previous: Activity | None,
) -> dict[str, Any]:
    """Every column of the new activity but its id and confirmation number."""
    assists = report.kind in (ActivityKind.SERVICE, ActivityKind.ATTEMPT)
    return {
        "docket_id": docket.id,
        "marshal_id": report.marshal_id,
        "kind": report.kind.value,
        "method": report.method.value if report.method else None,
        "attempt_reason": report.attempt_reason if report.kind == ActivityKind.ATTEMPT else None,
        "transfer_to_id": transfer_to.id if transfer_to else None,
        "comment": (report.comment or "").strip() or None,
        "police_assistance": bool(report.police_assistance) if assists else None,
        "firearms": report.firearms.value,
        "firearms_date": report.firearms_date,
        "occurred_at": occurred_at,
        "recorded_at": now,
        "channel": report.channel.value,
        "source_id": report.source_id,
        "late": is_late(report.kind, occurred_at, now, docket.hearing_date),
        "supersedes_id": previous.id if previous else None,
        "entered_by_id": report.entered_by_id,
        "entry_reason": report.entry_reason,
    }


def is_late(kind: ActivityKind, occurred_at: datetime, now: datetime, hearing: date | None) -> bool:
    """Service belongs in the registry within two hours; an attempt before the hearing date."""
    if kind == ActivityKind.SERVICE:
        return now - occurred_at > LATE_AFTER
    if kind == ActivityKind.ATTEMPT and hearing is not None:
        return now.date() >= hearing
    return False


def new_confirmation() -> str:
    """Seven digits, spoken one by one over the phone."""
    return f"{secrets.randbelow(9_000_000) + 1_000_000}"


def _insert(
    session: Session, row: dict[str, Any], draw: Callable[[], str] = new_confirmation
) -> tuple[Activity, bool]:
    """Insert with a fresh confirmation number: (the new activity, True); a concurrent twin with
    our source id wins: (the twin, False). One statement, INSERT … ON CONFLICT DO NOTHING, and no
    savepoint (two more round trips): when no row comes back, the unique columns say why."""
    for _ in range(8):
        confirmation = draw()
        activity_id = claim_row(session, Activity.__table__, {**row, "confirmation": confirmation})
        if activity_id is not None:
            activity = Activity(id=activity_id, confirmation=confirmation, **row)
            return _stored(session, activity), True
        twin = _by_source(session, row["source_id"])
        if twin is not None:
            return twin, False
        _refuse_second_current(session, row)
        if row["supersedes_id"] is not None and _superseded(session, row["supersedes_id"]):
            raise ActivityError("re_record", "someone re-recorded this at the same moment")
    raise RuntimeError("could not draw a free confirmation number")


def _stored(session: Session, activity: Activity) -> Activity:
    """The row just inserted, as a persistent object without reading it back (every column is
    set on it, so nothing is loaded later)."""
    make_transient_to_detached(activity)
    session.add(activity)
    return activity


def _refuse_second_current(session: Session, row: dict[str, Any]) -> None:
    """The database's own guard (one first entry per docket and kind) caught a twin."""
    if row["supersedes_id"] is not None:
        return
    previous = current_activity(session, row["docket_id"], ActivityKind(row["kind"]))
    if previous is not None:
        raise ReRecordRequired(describe(previous))


def _superseded(session: Session, activity_id: int) -> bool:
    found = session.scalar(select(Activity.id).where(Activity.supersedes_id == activity_id))
    return found is not None


# Built once: a statement built per call costs more CPU than the database takes to run it (an
# alias makes its columns anew each time, and a new statement is keyed anew for the cache).
_DOCKET_AND_MARSHAL = (
    select(Docket, Marshal)
    .outerjoin(Marshal, Marshal.id == bindparam("marshal_id"))
    .where(Docket.id == bindparam("docket_id"))
    .with_for_update(of=Docket)
    .execution_options(populate_existing=True)  # what another writer committed before the lock
)
_NEWER = Activity.__table__.alias("newer")
_FROM_SOURCE = Activity.source_id == bindparam("source_id")
_OF_KIND = and_(Activity.docket_id == bindparam("docket_id"), Activity.kind == bindparam("kind"))
_NEWEST_FIRST = (Activity.recorded_at.desc(), Activity.id.desc())
_WITH_NEWER = select(Activity).outerjoin(_NEWER, _NEWER.c.supersedes_id == Activity.id)
_CURRENT_OF_KIND = and_(_OF_KIND, _NEWER.c.id.is_(None))  # nothing supersedes it
_CURRENT = _WITH_NEWER.where(_CURRENT_OF_KIND).order_by(*_NEWEST_FIRST)
_TWIN_OR_CURRENT = (
    _WITH_NEWER.where(or_(_FROM_SOURCE, _CURRENT_OF_KIND))
    .order_by(_FROM_SOURCE.desc(), *_NEWEST_FIRST)
    .limit(1)
)


def current_activity(session: Session, docket_id: int, kind: ActivityKind) -> Activity | None:
    """The newest entry of this kind on the docket (the one nothing supersedes)."""
    return session.scalars(_CURRENT, {"docket_id": docket_id, "kind": kind.value}).first()


def describe(activity: Activity) -> PreviousActivity:
    return PreviousActivity(
        activity_id=activity.id,
        kind=activity.kind,
        occurred_at=activity.occurred_at,
        recorded_at=activity.recorded_at,
        marshal_name=activity.marshal.display_name,
        channel=activity.channel,
        method=activity.method,
        marshal_last_name=activity.marshal.last_name,
    )


def docket_activities(session: Session, docket_id: int) -> list[Activity]:
    """Every activity on the docket, newest first, superseded ones included."""
    statement = (
        select(Activity)
        .where(Activity.docket_id == docket_id)
        .order_by(Activity.recorded_at.desc(), Activity.id.desc())
    )
    return list(session.scalars(statement))


def superseded_ids(session: Session, docket_id: int) -> set[int]:
    statement = select(Activity.supersedes_id).where(
        Activity.docket_id == docket_id, Activity.supersedes_id.is_not(None)
    )
    return {i for i in session.scalars(statement) if i is not None}


@dataclass(frozen=True)
class DocketMatch:
    """The outcome of a look-up: one docket, several to choose from, or none."""

    docket: Docket | None = None
    candidates: list[Docket] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.docket is not None

    @property
    def ambiguous(self) -> bool:
        return self.docket is None and len(self.candidates) > 1


def find_docket(session: Session, wanted: DocketNumber) -> DocketMatch:
    """Exact match first; a bare number is then looked up across courts and years (open cases)."""
    exact = docket_by_canonical(session, wanted)
    if exact is not None:  # its court exists: a docket names its court by a foreign key
        return DocketMatch(docket=exact)
    if session.get(Court, wanted.court) is None:
        raise DocketError("court", f"there is no court location {wanted.court}")
    if not wanted.is_bare_number:
        return DocketMatch()
    return match_from(open_dockets_numbered(session, wanted.number))


def match_from(candidates: list[Docket]) -> DocketMatch:
    if len(candidates) == 1:
        return DocketMatch(docket=candidates[0])
    return DocketMatch(candidates=candidates)


def open_dockets_numbered(session: Session, number: str) -> list[Docket]:
    statement = (
        select(Docket)
        .where(Docket.number == number, Docket.is_open.is_(True))
        .order_by(Docket.year.desc(), Docket.court_code)
        .limit(10)
    )
    return list(session.scalars(statement))


# Built once (every docket keyed, spoken or texted is looked up by its whole number).
_BY_NUMBER = select(Docket).where(
    Docket.court_code == bindparam("court"),
    Docket.case_type == bindparam("case_type"),
    Docket.year == bindparam("year"),
    Docket.number == bindparam("number"),
    Docket.suffix == bindparam("suffix"),
)


def docket_by_canonical(session: Session, wanted: DocketNumber) -> Docket | None:
    values = {
        "court": wanted.court,
        "case_type": wanted.case_type,
        "year": wanted.year,
        "number": wanted.number,
        "suffix": wanted.suffix,
    }
    return session.scalar(_BY_NUMBER, values)
