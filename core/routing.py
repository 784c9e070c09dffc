"""Which police departments a notice of service goes to, and the outbox rows that owe them a fax."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from core.models import Activity, Agency, AuditEvent, Docket, Notification, Town

NOTIFICATIONS = cast(Table, Notification.__table__)
AUDIT = cast(Table, AuditEvent.__table__)


def notice_town_ids(docket: Docket) -> list[int]:
    """The respondent's home town, the protected person's home and work towns (when known)."""
    towns = [
        docket.respondent_town_id,
        docket.protected_home_town_id,
        docket.protected_work_town_id,
    ]
    return list(dict.fromkeys(town for town in towns if town is not None))


def agencies_for(session: Session, town_ids: list[int]) -> tuple[list[Agency], list[str]]:
    """Distinct agencies covering the towns, and the towns no agency covers (one query)."""
    rows = session.execute(_AGENCIES_OF_TOWNS, {"town_ids": town_ids}).all()
    agencies: dict[int, Agency] = {}
    covered: dict[int, bool] = {}
    names: dict[int, str] = {}
    for town_id, name, agency in rows:
        names[town_id] = name
        covered[town_id] = covered.get(town_id, False) or agency is not None
        if agency is not None:
            agencies.setdefault(agency.id, agency)
    uncovered = [names[town] for town in town_ids if town in names and not covered[town]]
    return sorted(agencies.values(), key=lambda a: a.name), uncovered


# Built once with an expanding parameter (a notice of service names up to three towns).
_AGENCIES_OF_TOWNS = (
    select(Town.id, Town.name, Agency)
    .select_from(Town)
    .outerjoin(Town.agencies)
    .where(Town.id.in_(bindparam("town_ids", expanding=True)))
)


def notice_rows(
    session: Session, activity: Activity, docket: Docket
) -> tuple[list[tuple[Table, dict[str, Any]]], list[str]]:
    """The rows a notice of service adds, for the caller to insert with its own in one round
    trip (``core.db.add_rows``): an outbox row for each distinct agency, which owes it a fax, and
    an audit row for staff for each town no agency covers; and those towns' names."""
    agencies, uncovered = agencies_for(session, notice_town_ids(docket))
    rows: list[tuple[Table, dict[str, Any]]] = [
        (
            NOTIFICATIONS,
            {
                "activity_id": activity.id,
                "agency_id": agency.id,
                "fax_number": agency.fax,
                "status": "pending",
                "attempts": 0,
            },
        )
        for agency in agencies
    ]
    rows += [
        (
            AUDIT,
            {
                "kind": "town_without_agency",
                "activity_id": activity.id,
                "detail": {"town": town, "docket": docket.canonical},
            },
        )
        for town in uncovered
    ]
    return rows, uncovered
