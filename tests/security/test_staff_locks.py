"""Staff see every source's lock, and an admin unlocks each path (#14 item 1)."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import guards
from core.accounts import check_pin
from core.models import AuditEvent, Role
from tests.web.conftest import by_userid, post_form


def _lock_other_phones(session: Session) -> int:
    toby = by_userid(session, "tpadegenis")
    for n in range(5):
        check_pin(session, toby, f"10000{n}", "PHONE", source=guards.OTHER_PHONE)
    session.commit()
    return toby.id


def test_staff_see_which_source_is_locked(staff_client: FlaskClient, session: Session) -> None:
    _lock_other_phones(session)
    page = staff_client.get("/staff/sign-in-locks").get_data(as_text=True)
    assert "other phones" in page and "locked until" in page and "sign_in_locked" in page
    assert "Unlock" not in page  # staff see; only an admin unlocks


def test_an_admin_unlocks_each_path_and_it_is_audited(
    staff_client: FlaskClient, session: Session
) -> None:
    toby_id = _lock_other_phones(session)
    by_userid(session, "registry").role = Role.ADMIN.value
    session.commit()
    for kind in guards.KINDS:
        answer = post_form(
            staff_client,
            "/staff/sign-in-locks/unlock",
            {"marshal": str(toby_id), "kind": kind},
            page="/staff/sign-in-locks",
        )
        assert answer.status_code == 302
    page = staff_client.get("/staff/sign-in-locks").get_data(as_text=True)
    assert "locked until" not in page.split("<h2>")[0]
    unlocked = session.scalars(select(AuditEvent).where(AuditEvent.kind == "sign_in_unlocked"))
    assert {e.detail["source"] for e in unlocked} == set(guards.KINDS)


def test_a_staff_member_who_is_not_admin_cannot_unlock(
    staff_client: FlaskClient, session: Session
) -> None:
    toby_id = _lock_other_phones(session)
    answer = post_form(
        staff_client,
        "/staff/sign-in-locks/unlock",
        {"marshal": str(toby_id), "kind": guards.OTHER_PHONE},
        page="/staff/sign-in-locks",
    )
    assert answer.status_code == 403
