"""A deactivated account cannot sign in by phone: its caller ID is not known, its number and
PIN are refused."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from core.account_admin import set_active
from tests.core.helpers import marshal
from tests.ivr.driver import Phone


def test_a_deactivated_marshal_cannot_sign_in_by_phone(
    phone: Callable[..., Phone], session: Session
) -> None:
    set_active(session, marshal(session, "903"), False, "registry", "WEB")
    session.commit()
    call = phone()  # from Toby's registered phone
    assert "Marshal Padegenis" not in call.text and "Your marshal number" in call.text
    call.press("903").press("246810")
    assert "You are signed in." not in call.text
