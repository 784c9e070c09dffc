"""The staff "Needs attention" page: everything that went wrong and will not fix itself.

Each kind of trouble is one ``Kind``: a heading and a function listing its items, newest first.
Add a kind by appending to ``KINDS`` (one function from a session and the time zone to items).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import session_scope
from core.models import Activity, AuditEvent, CallLog, Notification
from core.reports import fax_status_words
from fax.reports import GAP_KIND
from speech.models import FAILED, SpokenComment
from statefile.reports import needs_attention as state_file_needs_attention
from web.security import page_blueprint, staff_only
from web.staff import zone

blueprint = page_blueprint("attention", __name__, url_prefix="/staff")


@dataclass(frozen=True)
class Item:
    """One thing to look at: what, when, and where to go for it."""

    at: datetime | None
    text: str
    link: str
    link_text: str


@dataclass(frozen=True)
class Kind:
    title: str
    items: Callable[[Session, ZoneInfo], list[Item]]


def failed_fetches(db: Session, zone: ZoneInfo) -> list[Item]:
    """Call recordings and spoken comments Twilio never handed over."""
    calls = db.scalars(select(CallLog).where(CallLog.recording_status == FAILED))
    items = [
        Item(
            call.started_at,
            f"The recording of the call from {call.from_number or '?'} "
            f"could not be fetched: {call.recording_error}",
            url_for("staff.call", call_id=call.id),
            "the call",
        )
        for call in calls
    ]
    comments = db.scalars(select(SpokenComment).where(SpokenComment.status == FAILED))
    items += [
        Item(
            c.created_at,
            f"Spoken comment {c.recording_sid} could not be fetched: {c.error}",
            url_for("staff.call", call_id=c.call_id) + f"#comment-{c.id}",
            "the call",
        )
        for c in comments
    ]
    return _newest_first(items)


def troubled_faxes(db: Session, zone: ZoneInfo) -> list[Item]:
    """Faxes dead after their last try, or failed with no retry scheduled."""
    statement = select(Notification).where(
        (Notification.status == "dead")
        | ((Notification.status == "failed") & Notification.next_attempt_at.is_(None))
    )
    return _newest_first(
        [
            Item(
                n.updated_at,
                f"Fax to {n.agency.name} ({n.fax_number}) for "
                f"{n.activity.docket.canonical}, confirmation {n.activity.confirmation}: "
                f"{fax_status_words(n, zone)}",
                url_for("records.docket", docket_id=n.activity.docket_id) + f"#fax-{n.id}",
                "the docket",
            )
            for n in db.scalars(statement)
        ]
    )


def towns_without_agency(db: Session, zone: ZoneInfo) -> list[Item]:
    """Services whose town no police department on file covers: no fax went there."""
    statement = (
        select(AuditEvent, Activity)
        .join(Activity, AuditEvent.activity_id == Activity.id)
        .where(AuditEvent.kind == GAP_KIND)
    )
    return _newest_first(
        [
            Item(
                event.at,
                f"No police agency on file for {event.detail.get('town')}: no fax was "
                f"sent there for {activity.docket.canonical}",
                url_for("records.docket", docket_id=activity.docket_id),
                "the docket",
            )
            for event, activity in db.execute(statement)
        ]
    )


def state_file_troubles(db: Session, zone: ZoneInfo) -> list[Item]:
    """State-file messages the state rejected, or that could not be delivered (dead)."""
    return [
        Item(
            datetime.fromisoformat(m["updated_at"]) if m.get("updated_at") else None,
            f"State-file message for {m['docket']} ({m['kind']}), confirmation "
            f"{m['confirmation']}: {m['status']}, {m['reason'] or 'no reason given'}",
            url_for("records.docket", docket_id=m["docket_id"]) + f"#state-file-{m['id']}",
            "the docket",
        )
        for m in state_file_needs_attention(db, zone)
    ]


def _newest_first(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: item.at.timestamp() if item.at else 0, reverse=True)


KINDS: list[Kind] = [
    Kind("Recordings that could not be fetched", failed_fetches),
    Kind("Faxes dead or failed", troubled_faxes),
    Kind("Towns with no police agency", towns_without_agency),
    Kind("State-file messages rejected or dead", state_file_troubles),
]


def needing_attention(db: Session, zone: ZoneInfo) -> list[tuple[Kind, list[Item]]]:
    """Every kind with its items (kinds with none are listed too, as zero)."""
    return [(kind, kind.items(db, zone)) for kind in KINDS]


@blueprint.route("/attention")
@staff_only
def attention() -> Any:
    """What needs a person: counts by kind, then the items."""
    with session_scope() as db:
        found = needing_attention(db, zone())
        return render_template(
            "attention.html", kinds=found, total=sum(len(items) for _, items in found)
        )
