"""Reset links that hold (#14 item 4) and sessions that end (item 5): links from PUBLIC_BASE_URL
only, mails by job, one safe ``next``, a copied cookie that stops working."""

from __future__ import annotations

import re
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from core.settings import Settings
from tests.conftest import wiring_now
from tests.web.conftest import MARSHAL_PASSWORD, by_userid, csrf_from, give_password, sign_in
from web.security import end_sessions_of, safe_next

OFF_SITE = [
    "/\t/evil.example/x",
    "%2F%09%2Fevil.example%2Fx",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example",
    "https://evil.example/x",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "/\n/evil.example",
    " //evil.example",
    "/%252F%252Fevil.example",
    "http:/x",
    "//",
    "evil.example",
    "/\x00/evil.example",
    "%09//evil.example",
]


class RecordingQueue:
    """The job-queue port, keeping what was asked (a fake of the port, as for RQ's)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, tuple[Any, ...]]] = []

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        self.asked.append((job, args))


def _mails(outbox: Path) -> list[str]:
    texts = []
    for path in sorted(outbox.glob("*.eml")):
        payload = message_from_bytes(path.read_bytes()).get_payload(decode=True)
        assert isinstance(payload, bytes)
        texts.append(payload.decode())
    return texts


def _forgot(client: FlaskClient, email: str, host: str = "localhost") -> Any:
    base = f"http://{host}"
    token = csrf_from(client.get("/forgot-password", base_url=base).get_data(as_text=True))
    return client.post(
        "/forgot-password",
        base_url=base,
        headers={"Host": host},
        data={"email": email, "csrf_token": token},
    )


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_open_redirect_shape_leaves_the_site(target: str) -> None:
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/staff/calls?page=2", "/profile", "/staff/calls?q=a%20b"])
def test_a_path_on_this_site_is_followed(target: str) -> None:
    assert safe_next(target) == target


def test_signing_in_with_a_tab_in_next_stays_on_the_site(
    client: FlaskClient, session: Session
) -> None:
    give_password(session, "tpadegenis")
    page = client.get("/sign-in?next=%2F%09%2Fevil.example%2Fx").get_data(as_text=True)
    client.post(
        "/sign-in?next=%2F%09%2Fevil.example%2Fx",
        data={"csrf_token": csrf_from(page), "userid": "tpadegenis", "password": MARSHAL_PASSWORD},
    )
    landing = client.get("/")
    assert landing.headers["Location"] == "/profile"


def test_a_forged_host_header_never_reaches_a_mailed_link(
    client: FlaskClient, settings: Settings
) -> None:
    before = len(_mails(settings.mail_outbox_dir))
    _forgot(client, "maria.santos@example.org", host="evil.example")
    (mail,) = _mails(settings.mail_outbox_dir)[before:]
    assert "evil.example" not in mail
    assert re.search(r"https://serveline\.test/reset/\S+", mail)


def test_forgot_password_does_the_same_work_whether_or_not_the_address_is_known(
    client: FlaskClient, settings: Settings
) -> None:
    before = len(_mails(settings.mail_outbox_dir))
    recording = RecordingQueue()
    with wiring_now().parts(queue=recording):
        known = _forgot(client, "maria.santos@example.org")
        unknown = _forgot(client, "nobody@example.org")
    assert known.get_data() == unknown.get_data()
    assert [job for job, _ in recording.asked] == ["web.mails.mail_reset_link"] * 2
    assert len(_mails(settings.mail_outbox_dir)) == before  # the job mails, never the request


def test_no_link_is_mailed_without_public_base_url(settings: Settings, connection: Any) -> None:
    from web.mails import NoPublicBaseUrl, mail_reset_link

    before = len(_mails(settings.mail_outbox_dir))
    with pytest.raises(NoPublicBaseUrl):
        mail_reset_link("maria.santos@example.org", settings.but(public_base_url=None))
    assert len(_mails(settings.mail_outbox_dir)) == before


def test_a_copied_cookie_stops_working_at_sign_out(app: Flask, session: Session) -> None:
    give_password(session, "tpadegenis")
    mine, copy = app.test_client(), app.test_client()
    sign_in(mine, "tpadegenis", MARSHAL_PASSWORD)
    cookie = mine.get_cookie("session")
    assert cookie is not None
    copy.set_cookie("session", cookie.value)
    assert copy.get("/profile").status_code == 200
    token = csrf_from(mine.get("/profile").get_data(as_text=True))
    mine.post("/sign-out", data={"csrf_token": token})
    assert copy.get("/profile").status_code == 302


def test_deactivation_ends_every_session_of_the_person(app: Flask, session: Session) -> None:
    give_password(session, "tpadegenis")
    browser = app.test_client()
    sign_in(browser, "tpadegenis", MARSHAL_PASSWORD)
    end_sessions_of(session, by_userid(session, "tpadegenis").id)
    session.commit()
    assert browser.get("/profile").status_code == 302
