"""Registry Section pages: firearms allegations of the last 30 days, orders still unserved
before their hearing. (Rejected and dead state-file messages are on Needs attention.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import render_template, request

from core.db import session_scope, utcnow
from core.priority import recent_allegations
from core.unserved import unserved as unserved_rows
from web.security import page_blueprint, staff_only
from web.staff import zone

blueprint = page_blueprint("priority", __name__, url_prefix="/staff")
ALLEGATION_DAYS = 30


@blueprint.route("/firearms")
@staff_only
def firearms() -> Any:
    """Every activity with a firearms allegation recorded in the last 30 days, newest first."""
    with session_scope() as db:
        found = recent_allegations(db, utcnow() - timedelta(days=ALLEGATION_DAYS))
        return render_template("firearms.html", activities=found, days=ALLEGATION_DAYS)


def _days() -> int:
    text = request.args.get("days", "")
    return int(text) if text.isdigit() and int(text) <= 366 else 7


@blueprint.route("/unserved")
@staff_only
def unserved() -> Any:
    """Dockets whose hearing is near or just past with no service and no attempt recorded."""
    days, court = _days(), request.args.get("court", "").strip().upper()[:3] or None
    newest_first = request.args.get("sort") == "latest"
    with session_scope() as db:
        rows = unserved_rows(db, datetime.now(zone()).date(), days, zone(), court, newest_first)
    return render_template(
        "unserved.html", rows=rows, days=days, court=court or "", newest_first=newest_first
    )
