"""Small clients for the live server: pages with their CSRF token, signed Twilio webhooks."""

from __future__ import annotations

import re
from typing import Any

import requests
from sqlalchemy import func, select

from core.db import session_scope
from core.models import AuditEvent, Marshal
from edge.signature import sign
from tests.conftest import PUBLIC_BASE, TWILIO_TOKEN

TOBY_PHONE = "+18605550190"
VERIFIED = "TN-Validation-Passed-A"


def page_token(browser: requests.Session, url: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(url, timeout=30).text)
    assert found, "the page has no CSRF token"
    return found.group(1)


def signed_post(base: str, path: str, form: dict[str, str], **headers: str) -> requests.Response:
    """A webhook as Twilio sends it: signed for PUBLIC_BASE_URL, posted to the live server."""
    signature = sign(PUBLIC_BASE + path, form, TWILIO_TOKEN)
    return requests.post(
        base + path, data=form, timeout=30, headers={"X-Twilio-Signature": signature, **headers}
    )


def call_form(
    sid: str, caller: str = TOBY_PHONE, verstat: str = VERIFIED, **more: str
) -> dict[str, str]:
    form = {"CallSid": sid, "From": caller, "To": "+18005550100", "AccountSid": "ACtest", **more}
    if verstat:
        form["StirVerstat"] = verstat
    return form


def events(kind: str, source: str | None = None, userid: str = "tpadegenis") -> int:
    """How many audit events of this kind the person has (of this source, if given)."""
    with session_scope() as db:
        marshal_id = db.scalar(select(Marshal.id).where(Marshal.userid == userid))
        rows = db.scalars(
            select(AuditEvent).where(AuditEvent.kind == kind, AuditEvent.marshal_id == marshal_id)
        ).all()
        return sum(1 for r in rows if source is None or r.detail.get("source") == source)


def count(model: Any) -> int:
    with session_scope() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)
