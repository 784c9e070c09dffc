"""Manual entry: the staff form turned into an ActivityReport for ``record_activity``."""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.dockets import DocketError, parse_docket
from core.models import ActivityKind, Channel, Firearms, Marshal, ServiceMethod
from core.registry import (
    ActivityError,
    ActivityReport,
    DocketMatch,
    find_docket,
    match_from,
    open_dockets_numbered,
)
from web.security import whole_number


def new_form_token() -> str:
    """A fresh source id for one manual-entry form: a double submit records once."""
    return f"staff-form-{secrets.token_urlsafe(16)}"


def _choice(enum: Any, text: str | None, field: str) -> Any:
    try:
        return enum(text) if text else None
    except ValueError as error:
        raise ActivityError(field, f"choose a {field} from the list") from error


def _kind(text: str | None) -> ActivityKind:
    kind = _choice(ActivityKind, text, "activity")
    if kind is None:
        raise ActivityError("activity", "choose the activity")
    return kind


def _marshal(db: Session, text: str) -> Marshal:
    number = whole_number(text)
    marshal = db.get(Marshal, number) if number is not None else None
    if marshal is None:
        raise ActivityError("marshal", "choose the marshal who did it")
    return marshal


def find_by_text(db: Session, text: str, default_court: str | None, zone: ZoneInfo) -> DocketMatch:
    """The docket staff typed; a bare seven-digit number is looked up across courts."""
    if default_court is None and re.fullmatch(r"\s*\d{7}\s*", text):
        return match_from(open_dockets_numbered(db, text.strip()))
    return find_docket(db, parse_docket(text, default_court, datetime.now(zone).year))


def _docket_id(db: Session, text: str, default_court: str | None, zone: ZoneInfo) -> int:
    try:
        match = find_by_text(db, text, default_court, zone)
    except DocketError as error:
        raise ActivityError("docket", f"docket number: {error.message}") from error
    if match.docket is None:
        raise ActivityError("docket", f"{text} is not in the registry (or matches several)")
    return match.docket.id


def _occurred_at(form: Any, zone: ZoneInfo) -> datetime | None:
    day, clock = form.get("occurred_date", ""), form.get("occurred_time", "")
    if not day and not clock:
        return None
    try:
        return datetime.fromisoformat(f"{day}T{clock or '00:00'}").replace(tzinfo=zone)
    except ValueError as error:
        raise ActivityError("occurred_at", "give the date and time it happened") from error


def _firearms_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError as error:
        raise ActivityError("firearms_date", "the allegation date is not a date") from error


def report_from(db: Session, form: Any, staff_id: int, zone: ZoneInfo) -> ActivityReport:
    """The report staff entered, or ActivityError naming what is missing or wrong."""
    reason = (form.get("entry_reason") or "").strip()
    if not reason:
        raise ActivityError("entry_reason", "say why this is entered by hand")
    marshal = _marshal(db, form.get("marshal", ""))
    return ActivityReport(
        docket_id=_docket_id(db, form.get("docket", ""), marshal.default_court, zone),
        marshal_id=marshal.id,
        kind=_kind(form.get("kind")),
        channel=Channel.STAFF,
        source_id=form.get("source") or new_form_token(),
        occurred_at=_occurred_at(form, zone),
        method=_choice(ServiceMethod, form.get("method"), "method"),
        attempt_reason=form.get("reason") or None,
        transfer_to_smc=(form.get("transfer_to") or "").strip() or None,
        comment=form.get("comment") or None,
        police_assistance=form.get("police") == "yes",
        firearms=_choice(Firearms, form.get("firearms") or "UNKNOWN", "firearms"),
        firearms_date=_firearms_date(form.get("firearms_date", "")),
        re_record=form.get("re_record") == "yes",
        after_service=form.get("after_service") == "yes",
        entered_by_id=staff_id,
        entry_reason=reason,
    )
