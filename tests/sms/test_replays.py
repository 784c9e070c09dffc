"""A captured signed request replayed: re-split under a new id, or its signature on other
parameters, is refused with 403 and records nothing; Twilio's own retry gets the same answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Activity
from edge.signature import sign
from tests.conftest import PUBLIC_BASE, TWILIO_TOKEN, Wiring, redis_url
from tests.sms.conftest import TOBY, reply_of
from tests.twilio_ids import twilio_sid

INBOUND = "/sms/inbound"


def twilio_text(body: str, name: str) -> dict[str, str]:
    """A text exactly as Twilio posts it (the names it sends, sorted as it signs them)."""
    sid = twilio_sid("SM", name)
    return {
        "AccountSid": "ACtest",
        "ApiVersion": "2010-04-01",
        "Body": body,
        "From": TOBY,
        "MessageSid": sid,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsMessageSid": sid,
        "SmsSid": sid,
        "SmsStatus": "received",
        "To": "+18005550100",
    }


def post(client: FlaskClient, form: dict[str, str], signature: str | None = None) -> object:
    signature = signature or sign(PUBLIC_BASE + INBOUND, form, TWILIO_TOKEN)
    return client.post(INBOUND, data=form, headers={"X-Twilio-Signature": signature})


def re_split(form: dict[str, str]) -> dict[str, str]:
    """The issue's replay: NumMedia and NumSegments folded into MessageSid, same signature."""
    moved = {k: v for k, v in form.items() if k not in ("NumMedia", "NumSegments")}
    moved["MessageSid"] = (
        form["MessageSid"] + "NumMedia" + form["NumMedia"] + "NumSegments" + form["NumSegments"]
    )
    return moved


def activities(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Activity)) or 0


@pytest.fixture()
def recorded(
    client: FlaskClient, signed_in: Callable[[str], None]
) -> tuple[dict[str, str], dict[str, str]]:
    """A service texted and confirmed: the two captured requests."""
    signed_in(TOBY)
    report, ok = twilio_text("S 4012199 H", "report"), twilio_text("OK", "ok")
    for form in (report, ok):
        assert post(client, form).status_code == 200  # type: ignore[attr-defined]
    return report, ok


def test_a_re_split_replay_of_captured_texts_is_refused_and_records_nothing(
    client: FlaskClient, session: Session, recorded: tuple[dict[str, str], dict[str, str]]
) -> None:
    assert activities(session) == 1
    for captured in recorded:
        signature = sign(PUBLIC_BASE + INBOUND, captured, TWILIO_TOKEN)
        replay = re_split(captured)
        assert sign(PUBLIC_BASE + INBOUND, replay, TWILIO_TOKEN) == signature  # still valid
        assert post(client, replay, signature).status_code == 403  # type: ignore[attr-defined]
    assert activities(session) == 1


def test_a_signature_replayed_on_other_parameters_is_refused_even_with_well_shaped_ids(
    client: FlaskClient, session: Session, recorded: tuple[dict[str, str], dict[str, str]]
) -> None:
    _report, ok = recorded
    signature = sign(PUBLIC_BASE + INBOUND, ok, TWILIO_TOKEN)
    moved = {k: v for k, v in ok.items() if k != "From"}
    moved["Body"] = ok["Body"] + "From" + ok["From"]  # the Body/From boundary moved
    assert sign(PUBLIC_BASE + INBOUND, moved, TWILIO_TOKEN) == signature
    assert post(client, moved, signature).status_code == 403  # type: ignore[attr-defined]
    assert activities(session) == 1


def test_twilios_own_retry_of_a_text_gets_the_same_answer_and_records_once(
    client: FlaskClient, session: Session, signed_in: Callable[[str], None]
) -> None:
    signed_in(TOBY)
    assert post(client, twilio_text("S 4012199 H", "report")).status_code == 200  # type: ignore
    ok = twilio_text("OK", "ok")
    first, again = post(client, ok), post(client, ok)
    assert reply_of(first) == reply_of(again)  # type: ignore[arg-type]
    assert (reply_of(first) or "").startswith("Recorded")  # type: ignore[arg-type]
    assert activities(session) == 1


def test_a_re_split_call_sid_is_refused_at_the_phone_line(client: FlaskClient) -> None:
    form = {
        "AccountSid": "ACtest",
        "CallSid": twilio_sid("CA", "call"),
        "Digits": "1",
        "From": TOBY,
        "To": "+18005550100",
    }
    url = PUBLIC_BASE + "/ivr/step?n=3"
    signature = sign(url, form, TWILIO_TOKEN)
    moved = {k: v for k, v in form.items() if k != "Digits"}
    moved["CallSid"] = form["CallSid"] + "Digits1"
    answer = client.post("/ivr/step?n=3", data=moved, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 403


def test_a_request_for_another_twilio_account_is_refused(client: FlaskClient) -> None:
    form = {**twilio_text("HELP", "other-account"), "AccountSid": "AC" + "1" * 32}
    assert post(client, form).status_code == 403  # type: ignore[attr-defined]


@pytest.fixture()
def redis_app(wiring: Wiring) -> Iterator[Flask]:
    """The line with Redis configured: seen signatures are kept there."""
    keys = Redis.from_url(redis_url())
    yield wiring.app_with(redis_url=redis_url())
    for key in keys.scan_iter("serveline:signature:*"):
        keys.delete(key)


@pytest.mark.redis
def test_with_redis_the_seen_signatures_are_kept_there_and_a_replay_is_refused(
    redis_app: Flask,
) -> None:
    client = redis_app.test_client()
    form = twilio_text("HELP", "redis-help")
    signature = sign(PUBLIC_BASE + INBOUND, form, TWILIO_TOKEN)
    assert post(client, form).status_code == 200  # type: ignore[attr-defined]
    assert post(client, form).status_code == 200  # type: ignore[attr-defined]  (a retry)
    assert Redis.from_url(redis_url()).exists(f"serveline:signature:{signature}")
    moved = {k: v for k, v in form.items() if k != "From"}
    moved["Body"] = form["Body"] + "From" + form["From"]
    assert post(client, moved, signature).status_code == 403  # type: ignore[attr-defined]
