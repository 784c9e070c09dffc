"""Which police departments a notice of service goes to, and the outbox rows that owe them a fax."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import insert_ignore
from core.models import Activity, Agency, AuditEvent, Docket, Notification, Town


def notice_towns(docket: Docket) -> list[Town]:
    """The respondent's home town, the protected person's home and work towns (when known)."""
    towns = [docket.respondent_town, docket.protected_home_town, docket.protected_work_town]
    unique: dict[int, Town] = {}
    for town in towns:
        if town is not None:
            unique.setdefault(town.id, town)
    return list(unique.values())


def agencies_for(towns: list[Town]) -> tuple[list[Agency], list[str]]:
    """Distinct agencies covering the towns, and the towns no agency covers."""
    agencies: dict[int, Agency] = {}
    uncovered: list[str] = []
    for town in towns:
        if not town.agencies:
            uncovered.append(town.name)
        for agency in town.agencies:
            agencies.setdefault(agency.id, agency)
    return sorted(agencies.values(), key=lambda a: a.name), uncovered


def write_notifications(
    session: Session, activity: Activity, docket: Docket
) -> tuple[list[int], list[str]]:
    """One outbox row per distinct agency (atomic; never twice); gaps are audited for staff."""
    agencies, uncovered = agencies_for(notice_towns(docket))
    for agency in agencies:
        insert_ignore(
            session,
            Notification.__table__,
            {"activity_id": activity.id, "agency_id": agency.id, "fax_number": agency.fax,
             "status": "pending", "attempts": 0},
        )
    for town in uncovered:
        session.add(AuditEvent(kind="town_without_agency", activity_id=activity.id,
                               detail={"town": town, "docket": docket.canonical}))
    ids = session.scalars(
        select(Notification.id).where(Notification.activity_id == activity.id)
    ).all()
    return list(ids), uncovered
