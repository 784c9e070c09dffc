"""Registry Section pages: firearms allegations of the last 30 days, state-file messages that
need attention (rejected or dead)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template

from core.db import session_scope, utcnow
from core.priority import recent_allegations
from statefile.reports import needs_attention
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


@blueprint.route("/state-file")
@staff_only
def state_file() -> Any:
    """State-file messages the state rejected, or that could not be delivered (dead)."""
    with session_scope() as db:
        return render_template("state_file.html", messages=needs_attention(db, zone()))
