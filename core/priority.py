"""A firearms allegation is a priority: the Registry Section hears of it at once, by mail and
(when PRIORITY_SMS_TO is set) by text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import jobs, services
from core.db import session_scope
from core.models import Activity, Firearms

ALERT_JOB = "core.priority.firearms_alert"
TEXT_JOB = "sms.outbound.send_text"
SUBJECT = "PRIORITY - firearms alleged: {docket} {respondent}"
BODY = """A marshal recorded a firearms allegation.

Docket: {docket}
Respondent: {respondent}
Activity: {activity}, {occurred}
Marshal: {marshal} (SMC {smc})
Firearms alleged on: {alleged}
Confirmation number: {confirmation}

The notice of service faxed to the police carries a FIREARMS ALLEGED banner;
the state-file message carries the flag.
"""
TEXT = (
    "PRIORITY firearms alleged: {docket} {respondent}, marshal {marshal} SMC {smc}, "
    "alleged {alleged}. Conf {confirmation}."
)


def alert_after_commit(session: Session, activity_id: int) -> None:
    """Queue the priority alert once the activity is safely stored."""
    jobs.enqueue_after_commit(session, ALERT_JOB, activity_id, job_id=f"firearms-{activity_id}")


def local(moment: datetime, zone: ZoneInfo) -> str:
    """12/01/2026 9:42 PM EST."""
    at = moment.astimezone(zone)
    return f"{at:%m/%d/%Y} {at.strftime('%I:%M %p').lstrip('0')} {at.tzname()}"


def words(activity: Activity, zone: ZoneInfo) -> dict[str, str]:
    """What the mail and the text say, in the clerk's words."""
    docket, marshal = activity.docket, activity.marshal
    alleged = (
        activity.firearms_date.strftime("%m/%d/%Y") if activity.firearms_date else "date not given"
    )
    return {
        "docket": docket.canonical,
        "respondent": docket.respondent_name,
        "activity": activity.kind.lower(),
        "occurred": local(activity.occurred_at, zone),
        "marshal": marshal.display_name,
        "smc": marshal.smc_number or "-",
        "alleged": alleged,
        "confirmation": activity.confirmation,
    }


def firearms_alert(activity_id: int) -> None:
    """The job: mail the Registry Section, and queue the text when a number is set."""
    running = services.current()
    settings = running.settings
    with session_scope() as session:
        activity = session.get(Activity, activity_id)
        assert activity is not None
        said = words(activity, settings.zone)
    running.mailer.send(
        settings.registry_section_email, SUBJECT.format(**said), BODY.format(**said)
    )
    if settings.priority_sms_to:
        jobs.current().enqueue(
            TEXT_JOB,
            settings.priority_sms_to,
            TEXT.format(**said),
            job_id=f"firearms-text-{activity_id}",
        )


def recent_allegations(session: Session, since: datetime) -> list[Activity]:
    """Activities recorded since ``since`` with a firearms allegation, newest first."""
    statement = (
        select(Activity)
        .where(Activity.firearms == Firearms.YES.value, Activity.recorded_at >= since)
        .order_by(Activity.recorded_at.desc(), Activity.id.desc())
    )
    return list(session.scalars(statement))
