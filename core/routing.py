"""Which police departments a notice of service goes to, and the outbox rows that owe them a fax."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.db import insert_many_ignore
from core.models import Activity, Agency, AuditEvent, Docket, Notification, Town


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


def write_notifications(
    session: Session, activity: Activity, docket: Docket
) -> tuple[list[int], list[str]]:
    """One outbox row per distinct agency (atomic; never twice); gaps are audited for staff."""
    agencies, uncovered = agencies_for(session, notice_town_ids(docket))
    ids = insert_many_ignore(
        session,
        Notification.__table__,
        [
            {
                "activity_id": activity.id,
                "agency_id": agency.id,
                "fax_number": agency.fax,
                "status": "pending",
                "attempts": 0,
            }
            for agency in agencies
        ],
    )
    for town in uncovered:
        session.add(
            AuditEvent(
                kind="town_without_agency",
                activity_id=activity.id,
                detail={"town": town, "docket": docket.canonical},
            )
        )
    return ids, uncovered
