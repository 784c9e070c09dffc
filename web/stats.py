"""Statistics for Public Act 2016-034 §5: service activities and police-assistance requests."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Activity, ActivityKind, Docket
from core.unserved import hearings_with_nothing_recorded

COLUMNS = (
    "month",
    "court",
    "services",
    "attempts",
    "police_assistance_requests",
    "hearings_with_nothing_recorded",
)


@dataclass(frozen=True)
class Row:
    month: str
    court: str
    services: int
    attempts: int
    police_assistance_requests: int
    hearings_with_nothing_recorded: int = 0


def _year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def statistics(db: Session, year: int, zone: ZoneInfo) -> list[Row]:
    """Current (not superseded) activities of the year by month and court, in local time."""
    start, end = _year_bounds(year, zone)
    replaced = select(Activity.supersedes_id).where(Activity.supersedes_id.is_not(None))
    statement = (
        select(Activity.occurred_at, Docket.court_code, Activity.kind, Activity.police_assistance)
        .join(Docket, Activity.docket_id == Docket.id)
        .where(
            Activity.occurred_at >= start, Activity.occurred_at < end, Activity.id.not_in(replaced)
        )
    )
    counts: Counter[tuple[str, str, str]] = Counter()
    for occurred, court, kind, police in db.execute(statement):
        key = (occurred.astimezone(zone).strftime("%Y-%m"), court)
        counts[(*key, kind)] += 1
        counts[(*key, "police")] += bool(police)
    _count_unserved_hearings(db, year, zone, counts)
    return _rows(counts)


def _count_unserved_hearings(
    db: Session, year: int, zone: ZoneInfo, counts: Counter[tuple[str, str, str]]
) -> None:
    """Hearings reached with no service and no attempt recorded (PA 2016-034 §5)."""
    today = datetime.now(zone).date()
    for hearing, court in hearings_with_nothing_recorded(
        db, date(year, 1, 1), date(year + 1, 1, 1), today, zone
    ):
        counts[(hearing.strftime("%Y-%m"), court, "unserved")] += 1


def _rows(counts: Counter[tuple[str, str, str]]) -> list[Row]:
    keys = sorted({(month, court) for month, court, _ in counts})
    return [
        Row(
            month,
            court,
            counts[(month, court, ActivityKind.SERVICE.value)],
            counts[(month, court, ActivityKind.ATTEMPT.value)],
            counts[(month, court, "police")],
            counts[(month, court, "unserved")],
        )
        for month, court in keys
    ]


def as_csv(rows: list[Row]) -> str:
    """The table as CSV, one header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, c) for c in COLUMNS])
    return out.getvalue()
