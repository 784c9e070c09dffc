"""Statistics for Public Act 2016-034 §5: service activities and police-assistance requests."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Activity, ActivityKind, Docket

COLUMNS = ("month", "court", "services", "attempts", "police_assistance_requests")


@dataclass(frozen=True)
class Row:
    month: str
    court: str
    services: int
    attempts: int
    police_assistance_requests: int


def _year_bounds(year: int, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def statistics(db: Session, year: int, zone: ZoneInfo) -> list[Row]:
    """Current (not superseded) activities of the year by month and court, in local time."""
    start, end = _year_bounds(year, zone)
    replaced = select(Activity.supersedes_id).where(Activity.supersedes_id.is_not(None))
    statement = (select(Activity.occurred_at, Docket.court_code, Activity.kind,
                        Activity.police_assistance)
                 .join(Docket, Activity.docket_id == Docket.id)
                 .where(Activity.occurred_at >= start, Activity.occurred_at < end,
                        Activity.id.not_in(replaced)))
    counts: Counter[tuple[str, str, str]] = Counter()
    for occurred, court, kind, police in db.execute(statement):
        key = (occurred.astimezone(zone).strftime("%Y-%m"), court)
        counts[(*key, kind)] += 1
        counts[(*key, "police")] += bool(police)
    return _rows(counts)


def _rows(counts: Counter[tuple[str, str, str]]) -> list[Row]:
    keys = sorted({(month, court) for month, court, _ in counts})
    return [Row(month, court, counts[(month, court, ActivityKind.SERVICE.value)],
                counts[(month, court, ActivityKind.ATTEMPT.value)],
                counts[(month, court, "police")]) for month, court in keys]


def as_csv(rows: list[Row]) -> str:
    """The table as CSV, one header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, c) for c in COLUMNS])
    return out.getvalue()
