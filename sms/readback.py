"""The read-back of a report waiting for OK: what is already on file, the docket, the respondent,
what will be recorded, and how to confirm it (naming the service when one is on file)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from core.accounts import marshal_by_smc
from core.models import Docket
from core.registry import PreviousActivity
from sms import replies


def read_back(
    session: Session,
    docket: Docket,
    details: dict[str, Any],
    served: PreviousActivity | None,
    local_now: datetime,
) -> str:
    """What is on file, the docket, the respondent and what will be recorded, then how to
    confirm (naming the service when one is on file)."""
    local = datetime.fromisoformat(details["occurred_at"]).astimezone(local_now.tzinfo)
    head = f"{docket.canonical} {docket.respondent_last.upper()}:"
    target = marshal_by_smc(session, details["transfer_to"]) if details["transfer_to"] else None
    when = replies.clock(local, with_year=local.year != local_now.year)
    what = replies.what_text(
        details["kind"], details["method"], details["reason"], replies.target_text(target), when
    )
    extras = replies.extras_text(details["kind"], details["police"], details["firearms"])
    return replies.read_back(
        head, what + extras, details["comment"], *_on_file(local_now, details["kind"], served)
    )


def _on_file(local_now: datetime, kind: str, served: PreviousActivity | None) -> tuple[str, str]:
    if served is None:
        return "", replies.READ_BACK_TAIL
    local = served.occurred_at.astimezone(local_now.tzinfo)
    first = replies.ON_FILE.format(
        how=replies.METHOD_WORDS.get(served.method or "", ""),
        when=replies.clock(local).split()[0],
        who=served.marshal_name,
    )
    if kind == "SERVICE":
        return first, replies.RE_RECORD_TAIL
    if kind == "OTHER":
        return first, replies.READ_BACK_TAIL
    return first, replies.AFTER_SERVICE_TAIL.format(kind=replies.KIND_NOUNS[kind])
