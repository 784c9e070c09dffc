"""The Accounts page is the administrators': create, change a role, unlock, reset the second
factor, deactivate; each change audited with the administrator's userid."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import AuditEvent, Marshal
from core.settings import Settings
from tests.web.conftest import (
    MARSHAL_PASSWORD,
    STAFF_SECRET,
    by_userid,
    give_password,
    post_form,
    sign_in,
)


def change(client: FlaskClient, account: Marshal, action: str, **form: str) -> str:
    answer = post_form(
        client, f"/staff/accounts/{account.id}", {"action": action, **form}, page="/staff/accounts"
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client.get("/staff/accounts").get_data(as_text=True)


def audited(session: Session, kind: str, account: Marshal) -> AuditEvent:
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.kind == kind, AuditEvent.marshal_id == account.id)
    )
    assert event is not None, kind
    return event


def test_staff_and_marshals_get_403_on_the_accounts_page(staff_client: FlaskClient) -> None:
    assert staff_client.get("/staff/accounts").status_code == 403
    assert staff_client.get("/staff/calls").status_code == 200
    assert "Accounts" not in staff_client.get("/staff/calls").get_data(as_text=True)


def test_an_admin_creates_a_staff_account_that_gets_its_initial_password_by_mail(
    admin_client: FlaskClient, session: Session, settings: Settings
) -> None:
    created = post_form(
        admin_client,
        "/staff/accounts/new",
        {
            "userid": "cclerk",
            "role": "staff",
            "first_name": "Carla",
            "last_name": "Clerk",
            "email": "carla.clerk@example.org",
            "smc_number": "",
        },
        page="/staff/accounts",
    )
    assert created.status_code == 302
    page = admin_client.get("/staff/accounts").get_data(as_text=True)
    assert "Account cclerk created" in page and "cclerk" in page
    carla = by_userid(session, "cclerk")
    assert carla.role == "staff" and carla.must_change_password and carla.smc_number is None
    assert audited(session, "account_created", carla).detail == {"by": "registry", "role": "staff"}
    mail = message_from_bytes(sorted(settings.mail_outbox_dir.glob("*.eml"))[-1].read_bytes())
    assert mail["To"] == "carla.clerk@example.org"
    assert re.search(r"Initial password: \S+", mail.get_payload(decode=True).decode())


def test_a_duplicate_userid_is_refused_on_the_page_and_the_form_is_kept(
    admin_client: FlaskClient,
) -> None:
    answer = post_form(
        admin_client,
        "/staff/accounts/new",
        {
            "userid": "msantos",
            "role": "marshal",
            "first_name": "Maria",
            "last_name": "Santos",
            "email": "other@example.org",
        },
        page="/staff/accounts",
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "There is already an account with userid msantos." in text
    assert 'value="other@example.org"' in text


def test_an_admin_changes_a_role_unlocks_and_resets_a_second_factor(
    admin_client: FlaskClient, session: Session
) -> None:
    maria = by_userid(session, "msantos")
    maria.locked_until, maria.failed_attempts = utcnow() + timedelta(minutes=10), 3
    maria.totp_secret = STAFF_SECRET
    session.commit()
    assert "msantos is now staff." in change(admin_client, maria, "role", role="staff")
    assert "msantos is unlocked" in change(admin_client, maria, "unlock")
    assert "second factor is reset" in change(admin_client, maria, "reset_second_factor")
    session.expire_all()
    assert maria.role == "staff" and maria.locked_until is None and maria.failed_attempts == 0
    assert maria.totp_secret is None
    assert audited(session, "role_changed", maria).detail == {
        "by": "registry",
        "role": "staff",
        "was": "marshal",
    }
    for kind in ("account_unlocked", "second_factor_reset"):
        assert audited(session, kind, maria).detail == {"by": "registry"}


def test_after_a_second_factor_reset_the_person_enrols_again(
    admin_client: FlaskClient, client: FlaskClient, session: Session, app: object
) -> None:
    maria = give_password(session, "msantos")
    maria.role, maria.totp_secret = "staff", STAFF_SECRET
    session.commit()
    change(admin_client, maria, "reset_second_factor")
    other = admin_client.application.test_client()
    assert sign_in(other, "msantos", MARSHAL_PASSWORD).status_code == 302
    assert "Key:" in other.get("/two-factor").get_data(as_text=True)  # a new enrolment


def test_a_deactivated_account_cannot_sign_in_and_its_history_stays(
    admin_client: FlaskClient, session: Session
) -> None:
    toby = give_password(session, "tpadegenis")
    marshal_client = admin_client.application.test_client()
    assert sign_in(marshal_client, "tpadegenis", MARSHAL_PASSWORD).status_code == 302
    assert "deactivated" in change(admin_client, toby, "deactivate")
    assert marshal_client.get("/profile").status_code == 302  # the open session ends too
    refused = sign_in(admin_client.application.test_client(), "tpadegenis", MARSHAL_PASSWORD)
    assert refused.status_code == 401
    session.expire_all()
    assert by_userid(session, "tpadegenis").active is False
    assert audited(session, "account_deactivated", toby).detail == {"by": "registry"}


def test_an_admin_cannot_demote_or_deactivate_themselves(
    admin_client: FlaskClient, session: Session
) -> None:
    me = by_userid(session, "registry")
    answer = post_form(
        admin_client, f"/staff/accounts/{me.id}", {"action": "deactivate"}, page="/staff/accounts"
    )
    assert answer.status_code == 400 and "ask another administrator" in answer.get_data(
        as_text=True
    )
    session.expire_all()
    assert me.active and me.role == "admin"
