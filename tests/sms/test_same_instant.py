"""Two texts from one phone in the same instant: answered one after the other, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from core.accounts import marshal_by_phone
from core.settings import Settings
from sms.conversation import Inbound, Outcome, decide
from sms.models import PendingReport, SmsSession
from tests.conftest import is_postgres, worker_thread
from tests.sms.conftest import TOBY


def test_two_reports_from_one_phone_at_once_wait_for_each_other(
    committed: Engine, settings: Settings
) -> None:
    if not is_postgres(str(committed.url)):
        pytest.skip("SQLite takes one writer at a time anyway")
    now = datetime.now(UTC)
    with Session(committed) as first:
        marshal = marshal_by_phone(first, TOBY)
        assert marshal is not None
        first.add(
            SmsSession(
                phone=TOBY,
                marshal_id=marshal.id,
                opened_at=now,
                expires_at=now + timedelta(minutes=30),
            )
        )
        first.commit()
    second_answer: list[object] = []

    def second_text() -> None:
        with Session(committed) as second:
            try:
                second_answer.append(decide(second, text("SM2", "S 4012198 H"), settings, now))
                second.commit()
            except Exception as error:  # noqa: BLE001 - what the webhook would have answered 500 to
                second_answer.append(error)

    with Session(committed) as first:
        decide(first, text("SM1", "S 4012199 H"), settings, now)  # holds the phone until commit
        waiting = worker_thread(second_text)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive()  # the second text waits for the first
        first.commit()
    waiting.join(timeout=10)
    [answer] = second_answer
    assert isinstance(answer, Outcome), answer
    assert answer.outcome == "read_back" and "JOKER" in (answer.reply or "")
    with Session(committed) as check:
        pending = check.scalar(select(PendingReport).where(PendingReport.phone == TOBY))
        assert pending is not None and pending.message_sid == "SM2"  # the later one waits for OK


def text(sid: str, body: str) -> Inbound:
    return Inbound(message_sid=sid, from_number=TOBY, to_number="+18005550100", body=body)
