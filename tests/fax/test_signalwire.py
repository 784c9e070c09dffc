"""SignalWire at the HTTP edge: signed PDF links, signed callbacks, retries, reconciliation."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy import Connection, update

from core.db import session_scope, utcnow
from core.models import Notification
from core.registry import record_activity
from core.settings import Settings
from edge.signature import sign
from fax.jobs import reconcile, send_notification
from fax.notice import notice_for, render
from fax.providers import media_url
from tests.core.helpers import marshal, report, this_year_docket
from tests.fax.conftest import PROJECT, SIGNALWIRE, SIGNING_KEY, RecordingQueue

FAXES = f"{SIGNALWIRE}/api/laml/2010-04-01/Accounts/{PROJECT}/Faxes"
STATUS_URL = "https://serveline.test/fax/status"
OTHER = "https://files.signalwire.test"


@pytest.fixture()
def signalwire(
    signalwire_settings: Settings, connection: Connection
) -> Iterator[responses.RequestsMock]:
    """SignalWire's API faked at the HTTP edge; the test's data in a rolled-back transaction."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def accepts(mock: responses.RequestsMock, sid: str) -> None:
    mock.post(f"{FAXES}.json", json={"sid": sid, "status": "queued"}, status=201)


def owed_fax(asked: RecordingQueue) -> int:
    """A service on the Joker's docket: one fax owed, to Hartford PD."""
    with session_scope() as session:
        docket = this_year_docket(session, number="4012198")
        [owed] = record_activity(session, report(docket, marshal(session))).notification_ids
    asked.asked.clear()
    return owed


def row(notification_id: int) -> Notification:
    with session_scope() as session:
        found = session.get(Notification, notification_id)
        assert found is not None
        return found


def callback(
    client: FlaskClient, sid: str, status: str, key: str = SIGNING_KEY, **extra: str
) -> tuple[int, str]:
    form = {"FaxSid": sid, "FaxStatus": status, "AccountSid": PROJECT, **extra}
    signature = sign(STATUS_URL, form, key)
    answer = client.post("/fax/status", data=form, headers={"X-SignalWire-Signature": signature})
    return answer.status_code, (answer.get_json() or {}).get("outcome", "")


def test_a_fax_is_handed_to_signalwire_with_a_signed_link_and_delivered_on_its_callback(
    fax_client: FlaskClient,
    asked: RecordingQueue,
    signalwire: responses.RequestsMock,
    signalwire_settings: Settings,
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    assert send_notification(owed) == "sending"
    sent = parse_qs(str(signalwire.calls[0].request.body))
    assert sent["To"] == ["+18605550101"] and sent["From"] == ["+18605550100"]
    assert sent["StatusCallback"] == [STATUS_URL]
    auth = signalwire.calls[0].request.headers["Authorization"]
    assert base64.b64decode(auth.split()[1]).decode() == f"{PROJECT}:PTtest-token"
    link = urlsplit(sent["MediaUrl"][0])
    assert link.netloc == "serveline.test" and link.path == f"/fax/media/{owed}-1.pdf"

    page = fax_client.get(f"{link.path}?{link.query}")
    assert page.status_code == 200 and page.mimetype == "application/pdf"
    stored = row(owed)
    assert stored.sent_at is not None
    with session_scope() as session:
        notification = session.get(Notification, owed)
        assert notification is not None
        expected = render(notice_for(notification, signalwire_settings, stored.sent_at))
    assert page.data == expected

    assert (row(owed).status, row(owed).provider_id) == ("sending", "FX1")
    assert callback(fax_client, "FX1", "delivered") == (200, "delivered")
    assert row(owed).status == "delivered"


def test_a_pdf_link_that_is_forged_or_expired_is_refused(
    fax_client: FlaskClient,
    asked: RecordingQueue,
    signalwire: responses.RequestsMock,
    signalwire_settings: Settings,
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    send_notification(owed)
    expired = urlsplit(media_url(signalwire_settings, owed, 1, now=time.time() - 7200))
    assert fax_client.get(f"{expired.path}?{expired.query}").status_code == 403
    good = urlsplit(media_url(signalwire_settings, owed, 1))
    assert fax_client.get(f"{good.path}?{good.query}").status_code == 200
    forged = good.query.replace("signature=", "signature=0")
    assert fax_client.get(f"{good.path}?{forged}").status_code == 403
    assert fax_client.get(f"/fax/media/{owed}-2.pdf?{good.query}").status_code == 403


def test_a_forged_callback_is_refused_and_changes_nothing(
    fax_client: FlaskClient, asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    send_notification(owed)
    assert callback(fax_client, "FX1", "delivered", key="someone-else")[0] == 403
    unsigned = fax_client.post("/fax/status", data={"FaxSid": "FX1", "FaxStatus": "delivered"})
    assert unsigned.status_code == 403
    form = {"FaxSid": "FX1", "FaxStatus": "failed", "AccountSid": PROJECT}
    tampered = sign(STATUS_URL, form, SIGNING_KEY)
    form["FaxStatus"] = "delivered"
    answer = fax_client.post("/fax/status", data=form, headers={"X-SignalWire-Signature": tampered})
    assert answer.status_code == 403
    assert row(owed).status == "sending"


def test_a_busy_fax_is_retried_once_even_when_the_callback_comes_twice_then_delivered(
    fax_client: FlaskClient, asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    send_notification(owed)
    assert callback(fax_client, "FX1", "busy") == (200, "retry")
    assert callback(fax_client, "FX1", "busy") == (200, "ignored")
    assert asked.asked == [("fax.jobs.send_notification", (owed,), f"fax-{owed}-attempt-2", 300.0)]
    busy = row(owed)
    assert (busy.status, busy.attempts, busy.last_error) == ("failed", 1, "busy")
    assert send_notification(owed) == "not-owed"  # not due for five minutes

    with session_scope() as session:
        session.execute(
            update(Notification)
            .where(Notification.id == owed)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    accepts(signalwire, "FX2")
    assert send_notification(owed) == "sending"
    assert callback(fax_client, "FX1", "no-answer") == (200, "ignored")  # the old attempt
    assert callback(fax_client, "FX2", "delivered") == (200, "delivered")
    done = row(owed)
    assert (done.status, done.attempts, done.provider_id) == ("delivered", 2, "FX2")


def test_callbacks_twice_or_out_of_order_never_undo_delivered(
    fax_client: FlaskClient, asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    send_notification(owed)
    assert callback(fax_client, "FX1", "processing") == (200, "sending")
    assert callback(fax_client, "FX1", "delivered") == (200, "delivered")
    delivered_at = row(owed).delivered_at
    assert callback(fax_client, "FX1", "delivered") == (200, "ignored")
    assert callback(fax_client, "FX1", "sending") == (200, "ignored")
    assert callback(fax_client, "FX1", "failed") == (200, "ignored")
    assert callback(fax_client, "FX-unknown", "delivered") == (200, "ignored")
    final = row(owed)
    assert (final.status, final.delivered_at, final.provider_status) == (
        "delivered",
        delivered_at,
        "delivered",
    )
    assert asked.asked == []


def test_a_failed_fax_keeps_the_providers_reason_and_alerts_the_registry_section(
    fax_client: FlaskClient, asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    send_notification(owed)
    outcome = callback(
        fax_client,
        "FX1",
        "failed",
        ErrorCode="15001",
        ErrorMessage="Remote fax machine did not respond",
    )
    assert outcome == (200, "failed")
    failed = row(owed)
    assert (failed.status, failed.last_error) == ("failed", "Remote fax machine did not respond")
    assert [job for job, *_ in asked.asked] == ["fax.jobs.alert_registry"]


def test_a_fax_the_provider_refuses_is_failed_with_its_reason(
    asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    signalwire.post(f"{FAXES}.json", json={"code": 21211, "message": "invalid To"}, status=400)
    assert send_notification(owed) == "failed"
    assert "HTTP 400" in (row(owed).last_error or "")


def test_reconciliation_asks_about_a_fax_whose_callback_never_came(
    asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    accepts(signalwire, "FX1")
    send_notification(owed)
    assert reconcile() == 0  # not quiet for ten minutes yet
    signalwire.get(f"{FAXES}/FX1.json", json={"sid": "FX1", "status": "delivered"})
    assert reconcile(quiet_after_seconds=0) == 1
    assert row(owed).status == "delivered"


def test_a_send_whose_worker_died_before_recording_the_id_is_found_not_sent_again(
    asked: RecordingQueue, signalwire: responses.RequestsMock
) -> None:
    owed = owed_fax(asked)
    with session_scope() as session:  # claimed and handed over; the worker died there
        session.execute(
            update(Notification)
            .where(Notification.id == owed)
            .values(status="sending", attempts=1, sent_at=utcnow())
        )
    listing = {
        "faxes": [
            {"sid": "FX8", "status": "delivered", "media_url": f"{OTHER}/fax/media/{owed}9-1.pdf"},
            {"sid": "FX9", "status": "sending", "media_url": f"{OTHER}/fax/media/{owed}-1.pdf"},
        ]
    }
    signalwire.get(f"{FAXES}.json", json=listing)
    assert reconcile(quiet_after_seconds=0) == 1
    found = row(owed)
    assert (found.status, found.provider_id, found.attempts) == ("sending", "FX9", 1)
    assert [c.request.method for c in signalwire.calls] == ["GET"]
    assert asked.asked == []
