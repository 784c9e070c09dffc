"""The docket page's faxes in words, the notice PDF for staff, and the Needs attention page."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import CallLog, Notification
from core.registry import record_activity
from speech.models import SpokenComment
from tests.core.helpers import marshal, report, this_year_docket
from tests.web.conftest import make_call


def fax_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="fax".*?</tr>', page, re.S)


def test_the_docket_page_has_one_row_per_notice_in_words_with_corrected_and_the_pdf(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session)
    first = record_activity(session, report(docket, marshal(session, "903")))
    again = record_activity(session, report(docket, marshal(session, "903"), re_record=True))
    busy = session.get(Notification, first.notification_ids[0])
    dead = session.get(Notification, again.notification_ids[0])
    assert busy is not None and dead is not None
    busy.status, busy.provider_status, busy.attempts = "failed", "busy", 1
    busy.next_attempt_at = utcnow() + timedelta(minutes=5)
    dead.status, dead.attempts, dead.last_error = "dead", 6, "no answer after 6 tries"
    session.commit()
    page = staff_client.get(f"/staff/dockets/{docket.id}").get_data(as_text=True)
    rows = fax_rows(page)
    assert len(rows) == len(first.notification_ids) + len(again.notification_ids)
    busy_row = next(r for r in rows if f'id="fax-{busy.id}"' in r)
    dead_row = next(r for r in rows if f'id="fax-{dead.id}"' in r)
    assert re.search(r"busy, next try \d{1,2}:\d\d [AP]M", busy_row)
    assert "Send again" not in busy_row and "CORRECTED" not in busy_row
    assert first.confirmation in busy_row and "Service in hand" in busy_row
    assert "dead after 6 tries" in dead_row and "Send again" in dead_row
    assert "CORRECTED" in dead_row and again.confirmation in dead_row
    pdf = staff_client.get(f"/staff/faxes/{dead.id}/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")


def test_the_notice_pdf_is_for_staff_only(marshal_client: FlaskClient, session: Session) -> None:
    docket = this_year_docket(session)
    recorded = record_activity(session, report(docket, marshal(session, "903")))
    session.commit()
    answer = marshal_client.get(f"/staff/faxes/{recorded.notification_ids[0]}/notice.pdf")
    assert answer.status_code in (302, 403, 404)
    assert not answer.data.startswith(b"%PDF")


def test_needs_attention_counts_failed_fetches_dead_faxes_and_towns_without_police(
    staff_client: FlaskClient, session: Session
) -> None:
    call = make_call(session, "CA-attention", marshal(session, "903"))
    call.recording_status, call.recording_tries = "failed", 6
    call.recording_error = "Twilio answered 404 for REgone"
    session.add(
        SpokenComment(
            call_id=call.id,
            recording_sid="REcomment-gone",
            status="failed",
            tries=6,
            error="Twilio could not be reached (ConnectionError)",
        )
    )
    docket = this_year_docket(session)
    dead = session.get(
        Notification,
        record_activity(session, report(docket, marshal(session, "903"))).notification_ids[0],
    )
    assert dead is not None
    dead.status, dead.attempts = "dead", 6
    record_activity(
        session, report(this_year_docket(session, "KNL", "4055555"), marshal(session, "417"))
    )
    session.commit()
    page = staff_client.get("/staff/attention").get_data(as_text=True)
    counts = dict(re.findall(r'>([^<>]+)</a></td><td class="count">(\d+)<', page))
    assert counts == {
        "Recordings that could not be fetched": "2",
        "Faxes dead or failed": "1",
        "Towns with no police agency": "1",
        "State-file messages rejected or dead": "0",
    }
    assert "Twilio answered 404 for REgone" in page and "dead after 6 tries" in page
    assert "Norwich" in page and f"/staff/calls/{call.id}" in page
    assert session.get(CallLog, call.id) is not None
    call_page = staff_client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert "could not be fetched from Twilio after 6 tries: Twilio answered 404" in call_page
