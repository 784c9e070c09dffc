"""Small builders for core tests, over the demo data the conftest loads."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.dockets import parse_canonical
from core.models import ActivityKind, Channel, Docket, Marshal, ServiceMethod
from core.registry import ActivityReport, docket_by_canonical

_sources = count(1)


def this_year_docket(session: Session, court: str = "HHD", number: str = "4012199") -> Docket:
    yy = date.today().year % 100
    docket = docket_by_canonical(session, parse_canonical(f"{court}-FA{yy:02d}-{number}-S"))
    assert docket is not None
    return docket


def marshal(session: Session, smc: str = "903") -> Marshal:
    found = session.scalar(select(Marshal).where(Marshal.smc_number == smc))
    assert found is not None
    return found


def report(
    docket: Docket, by: Marshal, kind: ActivityKind = ActivityKind.SERVICE, **fields: object
) -> ActivityReport:
    defaults: dict[str, object] = {"channel": Channel.SMS, "source_id": f"test-{next(_sources)}"}
    if kind == ActivityKind.SERVICE:
        defaults["method"] = ServiceMethod.HAND
    defaults.update(fields)
    return ActivityReport(docket_id=docket.id, marshal_id=by.id, kind=kind, **defaults)  # type: ignore[arg-type]
