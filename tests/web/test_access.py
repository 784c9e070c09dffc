"""Who may open what: signed out, a marshal, staff; CSRF; no leak of which emails exist."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from core.models import SignInGuard
from tests.web.conftest import (
    MARSHAL_PASSWORD,
    STAFF_PASSWORD,
    by_userid,
    give_password,
    make_call,
    post_form,
)

STAFF_PAGES = [
    "/staff/calls",
    "/staff/calls/1",
    "/staff/calls/1/recording",
    "/staff/texts",
    "/staff/texts/1",
    "/staff/dockets",
    "/staff/dockets/1",
    "/staff/manual",
    "/staff/statistics",
    "/staff/statistics.csv",
    "/staff/accounts",
    "/staff/firearms",
    "/staff/unserved",
]
MARSHAL_PAGES = ["/", "/profile", "/password", "/pin"]


@pytest.mark.parametrize("path", STAFF_PAGES + MARSHAL_PAGES)
def test_a_signed_out_request_gets_the_sign_in_page(client: FlaskClient, path: str) -> None:
    response = client.get(path, follow_redirects=True)
    assert response.request.path == "/sign-in"
    assert "Sign in" in response.get_data(as_text=True)


def test_a_marshal_gets_403_on_every_staff_page_and_recording(
    marshal_client: FlaskClient, session: Session
) -> None:
    call = make_call(session, "CA-access", recording_path="call.wav")
    pages = [p.replace("/calls/1", f"/calls/{call.id}") for p in STAFF_PAGES]
    for path in pages:
        assert marshal_client.get(path).status_code == 403, path
    token_page = marshal_client.get("/profile").get_data(as_text=True)
    assert "csrf_token" in token_page
    assert marshal_client.post("/staff/faxes/1/retry").status_code in (400, 403)


def test_a_marshal_cannot_post_a_manual_entry(marshal_client: FlaskClient) -> None:
    response = post_form(marshal_client, "/staff/manual", {"docket": "4012199"}, page="/pin")
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path", ["/sign-in", "/forgot-password", "/password", "/pin", "/staff/manual", "/sign-out"]
)
def test_a_form_without_its_csrf_token_is_refused(staff_client: FlaskClient, path: str) -> None:
    response = staff_client.post(path, data={"userid": "registry", "email": "x@example.org"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_a_form_with_another_sessions_token_is_refused(
    client: FlaskClient, session: Session
) -> None:
    give_password(session, "tpadegenis")
    response = client.post(
        "/sign-in",
        data={
            "userid": "tpadegenis",
            "password": MARSHAL_PASSWORD,
            "csrf_token": "forged-token-from-elsewhere",
        },
    )
    assert response.status_code == 400


def test_forgot_password_answers_the_same_whether_or_not_the_email_exists(
    client: FlaskClient,
) -> None:
    known = post_form(client, "/forgot-password", {"email": "toby.padegenis@example.org"})
    unknown = post_form(client, "/forgot-password", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert "If that address is on file" in known.get_data(as_text=True)


def test_sign_in_answers_the_same_for_an_unknown_userid_and_a_wrong_password(
    client: FlaskClient, session: Session
) -> None:
    give_password(session, "tpadegenis")
    wrong = post_form(client, "/sign-in", {"userid": "tpadegenis", "password": "Wrong12345"})
    unknown = post_form(client, "/sign-in", {"userid": "nobody", "password": "Wrong12345"})
    assert wrong.status_code == unknown.status_code == 401
    assert "The userid or password is not right" in wrong.get_data(as_text=True)
    assert "The userid or password is not right" in unknown.get_data(as_text=True)
    toby = by_userid(session, "tpadegenis")
    guard = session.get(SignInGuard, (toby.id, "web@127.0.0.1"))
    assert guard is not None and guard.failures == 1


def test_staff_must_give_a_totp_code_before_any_staff_page(
    client: FlaskClient, session: Session
) -> None:
    give_password(session, "registry", STAFF_PASSWORD)
    post_form(client, "/sign-in", {"userid": "registry", "password": STAFF_PASSWORD})
    response = client.get("/staff/calls")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/two-factor")
    assert "Key:" in client.get("/two-factor").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient) -> None:
    response = client.get("/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # 30 minutes, renewed on each request


def test_a_session_idle_for_30_minutes_is_signed_out(marshal_client: FlaskClient) -> None:
    with marshal_client.session_transaction() as flask_session:
        flask_session["seen"] = float(flask_session["seen"]) - 31 * 60
    response = marshal_client.get("/profile", follow_redirects=True)
    assert response.request.path == "/sign-in"
    assert "30 minutes without activity" in response.get_data(as_text=True)
