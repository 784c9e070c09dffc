"""Registry Section pages: a docket with its faxes, manual entry, statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.codes import ATTEMPT_REASONS
from core.db import session_scope, utcnow
from core.dockets import DocketError
from core.models import Activity, AuditEvent, Docket, Notification
from core.outbox import retry_notification
from core.registry import ActivityError, ReRecordRequired, ServiceOnFile, record_activity
from core.reports import activities_report, faxes_report
from fax.notice import notice_for, render
from statefile.reports import messages_report
from web import logs, manual, stats, texts
from web.security import found_or_404, page_blueprint, staff_only, viewer, whole_number
from web.staff import zone

blueprint = page_blueprint("records", __name__, url_prefix="/staff")


@blueprint.route("/dockets")
@staff_only
def dockets() -> Any:
    """Find a docket by its number (a bare seven-digit number searches every court)."""
    text = request.args.get("q", "").strip()
    if not text:
        return render_template("docket_search.html")
    with session_scope() as db:
        match, error = _find(db, text)
        if match is not None and match.docket is not None:
            return redirect(url_for("records.docket", docket_id=match.docket.id))
        candidates = match.candidates if match else []
        return render_template(
            "docket_search.html", q=text, error=error, candidates=candidates
        ), 404 if not candidates else 200


def _find(db: Session, text: str) -> tuple[Any, str | None]:
    try:
        match = manual.find_by_text(db, text, None, zone())
    except DocketError as error:
        return None, error.message
    return match, None if match.found or match.ambiguous else f"{text} is not in the registry"


@blueprint.route("/dockets/<int:docket_id>")
@staff_only
def docket(docket_id: int) -> Any:
    """All activities (superseded ones too), the faxes and their status, towns with no agency."""
    with session_scope() as db:
        found = found_or_404(db, Docket, docket_id)
        return render_template(
            "docket.html",
            docket=found,
            activities=activities_report(db, found, zone()),
            faxes=faxes_report(db, zone(), found),
            calls=_calls_by_confirmation(db, docket_id),
            gaps=_towns_without_agency(db, docket_id),
            state_file=messages_report(db, zone(), found),
        )


def _calls_by_confirmation(db: Session, docket_id: int) -> dict[str, int]:
    """The call that recorded each phone activity, for a link to its recording and comments."""
    phoned = list(db.scalars(select(Activity).where(Activity.docket_id == docket_id)))
    calls = logs.calls_of_activities(db, phoned)
    return {a.confirmation: calls[a.id] for a in phoned if a.id in calls}


@blueprint.route("/faxes/<int:notification_id>/notice.pdf")
@staff_only
def fax_notice(notification_id: int) -> Any:
    """The notice as it was (or will be) faxed: staff only."""
    settings = current_app.config["SERVELINE"]
    with session_scope() as db:
        notification = found_or_404(db, Notification, notification_id)
        pdf = render(notice_for(notification, settings, notification.sent_at or utcnow()))
    return Response(pdf, mimetype="application/pdf", headers={"Cache-Control": "private, no-store"})


def _towns_without_agency(db: Session, docket_id: int) -> list[AuditEvent]:
    statement = (
        select(AuditEvent)
        .join(Activity, AuditEvent.activity_id == Activity.id)
        .where(Activity.docket_id == docket_id, AuditEvent.kind == "town_without_agency")
        .order_by(AuditEvent.at.desc())
    )
    return list(db.scalars(statement))


@blueprint.route("/faxes/<int:notification_id>/retry", methods=["POST"])
@staff_only
def retry_fax(notification_id: int) -> Any:
    """Send a failed or dead fax again."""
    with session_scope() as db:
        notification = found_or_404(db, Notification, notification_id)
        docket_id, agency = notification.activity.docket_id, notification.agency.name
        retried = retry_notification(db, notification_id)
    flash(texts.FAX_RETRIED.format(agency=agency) if retried else texts.FAX_NOT_RETRIED)
    return redirect(url_for("records.docket", docket_id=docket_id))


def _manual_page(
    form: Any, error: str | None = None, previous: Any = None, served: Any = None
) -> Any:
    with session_scope() as db:
        people = [m for m in logs.marshals(db) if m.smc_number]
        return render_template(
            "manual.html",
            form=form,
            error=error,
            previous=previous,
            served=served,
            marshals=people,
            reasons=ATTEMPT_REASONS,
            source=form.get("source") or manual.new_form_token(),
        )


@blueprint.route("/manual", methods=["GET", "POST"])
@staff_only
def manual_entry() -> Any:
    """Record an activity on a marshal's behalf (channel STAFF, with the reason)."""
    if request.method == "GET":
        return _manual_page(request.args)
    current = viewer()
    assert current is not None
    try:
        with session_scope() as db:
            recorded = record_activity(db, manual.report_from(db, request.form, current.id, zone()))
            docket_id = db.get(Activity, recorded.activity_id).docket_id  # type: ignore[union-attr]
    except ActivityError as error:
        return _manual_page(request.form, error=error.message), 400
    except ReRecordRequired as asked:
        return _manual_page(request.form, previous=asked.previous), 409
    except ServiceOnFile as asked:
        return _manual_page(request.form, served=asked.service), 409
    flash(f"Recorded. Confirmation number {recorded.confirmation}.")
    return redirect(url_for("records.docket", docket_id=docket_id))


def _year() -> int:
    text = request.args.get("year", "")
    year = whole_number(text)
    return year if year is not None and 2000 <= year <= 2100 else datetime.now(zone()).year


@blueprint.route("/statistics")
@staff_only
def statistics() -> Any:
    """Service activities and police-assistance requests by month and court."""
    year = _year()
    with session_scope() as db:
        rows = stats.statistics(db, year, zone())
    return render_template("statistics.html", rows=rows, year=year)


@blueprint.route("/statistics.csv")
@staff_only
def statistics_csv() -> Any:
    """The same table as a CSV download."""
    year = _year()
    with session_scope() as db:
        body = stats.as_csv(stats.statistics(db, year, zone()))
    name = f"serveline-statistics-{year}.csv"
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"}
    )
