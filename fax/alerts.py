"""The mail that tells the Registry Section a police notice could not be delivered."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.models import Notification
from fax.notice import fax_words, when

SUBJECT = "Fax not delivered: {docket} to {agency}"
BODY = """A notice of service could not be faxed to a police department.

Docket: {docket}
Confirmation number: {confirmation}
Agency: {agency} (ORI {ori})
Fax number: {fax}
Status: {status} after {attempts} attempt(s)
Reason: {reason}
Last attempt: {last}

Please reach the agency another way, then send the notice again from the staff page
or mark it handled. `serveline faxes --json` lists every notice that failed.
"""


def alert_mail(notification: Notification, zone: ZoneInfo) -> tuple[str, str]:
    """Subject and body of the alert for one failed or dead notification."""
    activity = notification.activity
    words = {
        "docket": activity.docket.canonical,
        "confirmation": activity.confirmation,
        "agency": notification.agency.name,
        "ori": notification.agency.ori,
        "fax": fax_words(notification.fax_number),
        "status": notification.status,
        "attempts": notification.attempts,
        "reason": notification.last_error or "none given",
        "last": when(notification.sent_at, zone) if notification.sent_at else "never",
    }
    return SUBJECT.format(**words), BODY.format(**words)
