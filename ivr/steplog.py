"""What the line understood from one answer, in words, for the call's step log.

Read from what the answer changed in the call's state ("firearms: unknown", "docket
HHD-FA26-4012199-S, The Riddler"), or, for a menu that changes nothing but where the call goes,
from the key's meaning ("right", "end the call"). Never the PIN.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import words
from core.models import Activity, Docket, Marshal
from ivr.machine import Input, Reply
from speech import menus

CHOICES = {menu.name: {o.key: o.logged for o in menu.options if o.logged} for menu in menus.MENUS}
YES_NO = {True: "yes", False: "no"}


def understood(
    session: Session,
    zone: ZoneInfo,
    before: dict[str, Any],
    after: dict[str, Any],
    given: Input,
    reply: Reply,
) -> str:
    """The answer in words."""
    if given.empty:
        return "nothing: asked again" if not reply.hangup else "nothing: the line hung up"
    if reply.dial:
        return "the Registry Section: put through"
    found = _changes(session, zone, before, after)
    if found:
        return "; ".join(found)
    if given.digits == "*" and after.get("at") != before.get("at"):
        return "back one step"
    choice = CHOICES.get(str(before.get("at")), {}).get(given.digits)
    if choice:
        return choice
    if after.get("at") == before.get("at"):
        return "not accepted: asked again" if not reply.hangup else "not accepted: the line hung up"
    return f"key {given.digits}" if given.digits else "understood"


def _changes(
    session: Session, zone: ZoneInfo, before: dict[str, Any], after: dict[str, Any]
) -> list[str]:
    said: list[str] = []
    for name, describe in FIELDS.items():
        value = after.get(name)
        if value != before.get(name) and value not in (None, [], ""):
            said.append(describe(session, value))
    moment = after.get("occurred_at")
    if moment and moment != before.get("occurred_at"):
        said.append(f"when: {words.short_time(datetime.fromisoformat(moment), zone)}")
    if len(after.get("recorded", [])) > len(before.get("recorded", [])):
        said.append(_recorded(session, after["recorded"][-1]))
    return said


def _marshal(session: Session, marshal_id: Any) -> str:
    found = session.get(Marshal, marshal_id)
    return f"marshal {found.display_name}" if found else "a marshal"


def _docket(session: Session, docket_id: Any) -> str:
    found = session.get(Docket, docket_id)
    return f"docket {found.canonical}, {found.respondent_name}" if found else "a docket"


def _recorded(session: Session, activity_id: int) -> str:
    found = session.get(Activity, activity_id)
    return f"recorded, confirmation {found.confirmation}" if found else "recorded"


def _time(value: list[int]) -> str:
    return f"time: {value[0] or 12}:{value[1]:02d}"


FIELDS: dict[str, Any] = {
    "marshal_id": _marshal,
    "signed_in": lambda s, v: "PIN accepted",
    "docket_id": _docket,
    "kind": lambda s, v: f"activity: {words.word(words.KINDS, v).lower()}",
    "method": lambda s, v: f"method: {words.word(words.METHODS, v)}",
    "reason": lambda s, v: f"attempt: {words.word(words.REASONS, v)}",
    "transfer_smc": lambda s, v: f"to marshal {v}",
    "comment_sid": lambda s, v: f"spoken comment {v}",
    "date": lambda s, v: f"date: {date.fromisoformat(v):%m/%d/%Y}",
    "time": lambda s, v: _time(v),
    "police": lambda s, v: f"police assistance: {YES_NO[bool(v)]}",
    "firearms": lambda s, v: f"firearms: {v.lower()}",
}
