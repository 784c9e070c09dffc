"""The unserved report: dockets whose hearing is near (or just past) with nothing recorded,
the marshal holding each, the last activity, and whether a reminder went out."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Activity, Docket
from core.reminders import holder, nothing_recorded, reminded_dockets

COLUMNS = (
    "docket",
    "respondent",
    "hearing_date",
    "days_to_hearing",
    "holder",
    "holder_smc",
    "last_activity",
    "last_activity_at",
    "reminded_at",
)


def unserved(
    session: Session,
    today: date,
    days: int,
    zone: ZoneInfo,
    court: str | None = None,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """Open dockets with a hearing from ``days`` ago to ``days`` ahead and no service and no
    attempt recorded, by hearing date."""
    statement = select(Docket).where(
        Docket.is_open.is_(True),
        Docket.hearing_date >= today - timedelta(days=days),
        Docket.hearing_date <= today + timedelta(days=days),
        nothing_recorded(),
    )
    if court:
        statement = statement.where(Docket.court_code == court.upper())
    order = Docket.hearing_date.desc() if newest_first else Docket.hearing_date
    dockets = session.scalars(statement.order_by(order, Docket.court_code, Docket.number))
    since = datetime.combine(today - timedelta(days=days + 30), time(), UTC)
    reminded = reminded_dockets(session, since)
    return [_row(session, d, today, zone, reminded.get(d.id)) for d in dockets]


def _row(
    session: Session, docket: Docket, today: date, zone: ZoneInfo, reminded: datetime | None
) -> dict[str, Any]:
    held_by = holder(session, docket)
    last = session.scalars(
        select(Activity)
        .where(Activity.docket_id == docket.id)
        .order_by(Activity.recorded_at.desc(), Activity.id.desc())
    ).first()
    assert docket.hearing_date is not None
    return {
        "docket": docket.canonical,
        "respondent": docket.respondent_name,
        "hearing_date": docket.hearing_date.isoformat(),
        "days_to_hearing": (docket.hearing_date - today).days,
        "holder": held_by.display_name if held_by else None,
        "holder_smc": held_by.smc_number if held_by else None,
        "last_activity": last.kind if last else None,
        "last_activity_at": last.occurred_at.astimezone(zone).isoformat(timespec="seconds")
        if last
        else None,
        "reminded_at": reminded.astimezone(zone).isoformat(timespec="seconds")
        if reminded
        else None,
    }


def as_csv(rows: list[dict[str, Any]]) -> str:
    """The report as CSV, one header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in COLUMNS])
    return out.getvalue()


def hearings_with_nothing_recorded(
    session: Session, start: date, end: date, today: date, zone: ZoneInfo
) -> list[tuple[date, str]]:
    """(hearing date, court) of each hearing from ``start`` to before ``end`` already reached
    (before ``today``) with no service and no attempt recorded by the end of its day."""
    statement = select(Docket.id, Docket.hearing_date, Docket.court_code).where(
        Docket.hearing_date >= start, Docket.hearing_date < min(end, today)
    )
    found: list[tuple[date, str]] = []
    for docket_id, hearing, court in session.execute(statement):
        assert hearing is not None  # the query asked for a hearing date
        day_end = datetime.combine(hearing + timedelta(days=1), time(), zone)
        recorded = session.scalar(
            select(Activity.id)
            .where(
                Activity.docket_id == docket_id,
                Activity.kind.in_(("SERVICE", "ATTEMPT")),
                Activity.occurred_at < day_end,
            )
            .limit(1)
        )
        if recorded is None:
            found.append((hearing, court))
    return found
