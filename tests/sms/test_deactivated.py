"""A deactivated account cannot sign in by text: its phone is answered as a stranger's."""

from __future__ import annotations

from sqlalchemy.orm import Session

from core.account_admin import set_active
from tests.core.helpers import marshal
from tests.sms.conftest import Phone


def test_a_deactivated_marshal_cannot_open_a_text_session(
    toby: Phone, stranger: Phone, session: Session
) -> None:
    set_active(session, marshal(session, "903"), False, "registry", "WEB")
    session.commit()
    answer = toby.send("PIN 246810")
    assert answer is None or not answer.startswith("PIN accepted")
    assert answer == stranger.send("PIN 246810")
