"""Rate limits (#14 item 2): the web gets a plain 429 page, a text flood silence (logged once),
a caller over the limit a polite goodbye; each limit is a setting."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import AuditEvent
from core.settings import Settings, load_settings
from tests.conftest import redis_url, wiring_now
from tests.ivr.driver import Phone as Caller
from tests.sms.conftest import Phone as Texter
from tests.sms.conftest import reply_of
from tests.web.conftest import STAFF_PASSWORD, give_password, post_form, sign_in


def _limited(settings: Settings, connection: Any, **changes: Any) -> Flask:
    return wiring_now().app_with(**changes)


def test_sign_in_past_its_limit_gets_a_plain_429_page(app: Flask) -> None:
    browser = app.test_client()
    codes = [sign_in(browser, "tpadegenis", "Wrong2026pass").status_code for _ in range(11)]
    assert codes[:10] == [401] * 10 and codes[10] == 429
    page = post_form(browser, "/sign-in", {"userid": "x", "password": "y"})
    text = page.get_data(as_text=True)
    assert page.status_code == 429 and "Too many requests" in text and "Traceback" not in text
    assert page.headers.get("Retry-After")


def test_a_limit_is_a_setting(settings: Settings, connection: Any) -> None:
    assert load_settings({"RATE_LIMIT_SIGN_IN": "2 per minute"}).rate_sign_in == "2 per minute"
    app = _limited(settings, connection, rate_sign_in="2 per minute")
    browser = app.test_client()
    codes = [sign_in(browser, "tpadegenis", "Wrong2026pass").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_forgot_password_is_limited_and_mails_one_reset_per_few_minutes(
    app: Flask, settings: Settings
) -> None:
    browser, before = app.test_client(), len(list(settings.mail_outbox_dir.glob("*.eml")))
    codes = [
        post_form(browser, "/forgot-password", {"email": "maria.santos@example.org"}).status_code
        for _ in range(6)
    ]
    assert codes == [200] * 5 + [429]
    assert len(list(settings.mail_outbox_dir.glob("*.eml"))) == before + 1


def test_second_factor_entry_is_limited(app: Flask, session: Session) -> None:
    give_password(session, "registry", STAFF_PASSWORD)
    browser = app.test_client()
    sign_in(browser, "registry", STAFF_PASSWORD)
    codes = []
    for _ in range(12):
        page = browser.get("/two-factor")
        if page.status_code != 200:
            sign_in(browser, "registry", STAFF_PASSWORD)
        codes.append(post_form(browser, "/two-factor", {"code": "000000"}).status_code)
    assert 429 in codes


def test_pin_changes_are_limited(marshal_client: FlaskClient) -> None:
    codes = [
        post_form(
            marshal_client,
            "/pin",
            {"current_password": "Serve2026order", "pin": "1", "confirm": "1"},
        ).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [400] * 10 and codes[10] == 429


def test_a_text_flood_is_answered_a_few_times_then_dropped_and_logged_once(
    settings: Settings, connection: Any, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    client = _limited(settings, connection, rate_sms=Settings.rate_sms).test_client()
    phone = Texter(client, "+18605550190")
    with caplog.at_level(logging.WARNING):
        replies = [reply_of(phone.post("HELP")) for _ in range(20)]
    assert all(replies[:6]) and replies[6:] == [None] * 14
    assert sum("rate limit" in r.getMessage() for r in caplog.records) == 1
    assert (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.kind == "rate_limited", AuditEvent.channel == "SMS")
        )
        == 1
    )


def test_a_caller_over_the_limit_hears_a_polite_goodbye(
    settings: Settings, connection: Any
) -> None:
    client = _limited(settings, connection, rate_ivr=Settings.rate_ivr).test_client()
    calls = [Caller(client, caller="+15555550199", verstat="").dial() for _ in range(7)]
    assert not calls[5].hung_up
    last = calls[6]
    assert last.hung_up and "too many calls from your number" in last.text
    assert last.document is not None and last.document.tag == "Response"


@pytest.mark.redis
def test_limits_are_kept_in_redis_when_it_is_configured(
    settings: Settings, connection: Any, queue: Any
) -> None:
    from redis import Redis

    Redis.from_url(redis_url()).flushdb()  # our own test Redis database only
    first = _limited(settings, connection, redis_url=redis_url(), rate_sign_in="1 per minute")
    assert sign_in(first.test_client(), "tpadegenis", "Wrong2026pass").status_code == 401
    # another web process (another app, the same Redis) sees the same count
    second = _limited(settings, connection, redis_url=redis_url(), rate_sign_in="1 per minute")
    assert sign_in(second.test_client(), "tpadegenis", "Wrong2026pass").status_code == 429
