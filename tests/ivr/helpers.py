"""Reading what a test call left behind."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Activity, CallLog

# A returning marshal records a first in-hand service by keypad, from the PIN to "another?":
# (step, keys). Tests count its round trips; the benches time it.
KEYPAD_SERVICE = [
    ("pin", "246810"),
    ("docket", "4012199"),
    ("docket_confirm", "1"),
    ("activity", "1"),
    ("method", "1"),
    ("when", "1"),
    ("police", "2"),
    ("firearms", "3"),
    ("review", "1"),
    ("another", "2"),
]


class Call(Protocol):
    call_sid: str


def activities_of(session: Session, phone: Call) -> list[Activity]:
    """What this call recorded."""
    session.expire_all()
    statement = select(Activity).where(Activity.source_id.like(f"{phone.call_sid}-%"))
    return list(session.scalars(statement.order_by(Activity.id)))


def call_log(session: Session, phone: Call) -> CallLog:
    session.expire_all()
    found = session.scalar(select(CallLog).where(CallLog.call_sid == phone.call_sid))
    assert found is not None
    return found
