"""core.db's one-round-trip writes, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from core.db import (
    add_rows,
    claim_row,
    insert_new,
    made_and_locked,
    update_if_inserted,
    utcnow,
)
from core.models import AuditEvent, CallLog, CallStep, Marshal, SignInGuard
from tests.conftest import WATCH

LOGS = cast(Table, CallLog.__table__)
STEPS = cast(Table, CallStep.__table__)
AUDIT = cast(Table, AuditEvent.__table__)
SET_LAST_STEP = update(LOGS).where(LOGS.c.id == bindparam("row_id")).values(last_step="docket")


def a_call(session: Session, sid: str) -> int:
    new = insert_new(
        session, LOGS, {"call_sid": sid, "started_at": utcnow(), "state": {}}, ("id", "state")
    )
    assert new is not None and new.state == {}
    return int(new.id)


def test_insert_new_gives_the_new_row_once_and_none_when_it_is_there(session: Session) -> None:
    values = {"call_sid": "CAwrites1", "started_at": utcnow(), "state": {"seq": 0}}
    first = insert_new(session, LOGS, values, ("id", "call_sid", "recording_tries"))
    assert first is not None and first.call_sid == "CAwrites1"
    assert insert_new(session, LOGS, values, ("id",)) is None
    assert claim_row(session, LOGS, values) is None


def test_the_update_runs_only_when_its_row_was_inserted(session: Session) -> None:
    call_id = a_call(session, "CAwrites2")
    step = {"call_id": call_id, "step_key": "1", "created_at": utcnow(), "prompt": "Hello"}
    assert update_if_inserted(session, STEPS, step, SET_LAST_STEP, {"row_id": call_id})
    assert session.scalar(select(LOGS.c.last_step).where(LOGS.c.id == call_id)) == "docket"
    session.execute(update(LOGS).where(LOGS.c.id == call_id).values(last_step="pin"))
    again = {**step, "prompt": "Hello again"}
    assert not update_if_inserted(session, STEPS, again, SET_LAST_STEP, {"row_id": call_id})
    assert session.scalar(select(LOGS.c.last_step).where(LOGS.c.id == call_id)) == "pin"
    prompts = select(STEPS.c.prompt).where(STEPS.c.call_id == call_id)
    assert list(session.scalars(prompts)) == ["Hello"]


def test_made_and_locked_makes_the_row_once_and_then_gives_it_as_it_is(session: Session) -> None:
    marshal = session.scalars(select(Marshal).limit(1)).one()
    values = {"marshal_id": marshal.id, "source": "text", "failures": 0, "lock_level": 0}
    key = ("marshal_id", "source")
    made = made_and_locked(session, SignInGuard, {**values, "day_failures": 0}, key)
    assert (made.marshal_id, made.source, made.failures) == (marshal.id, "text", 0)
    made.failures = 3
    session.flush()
    again = made_and_locked(session, SignInGuard, {**values, "day_failures": 0}, key)
    assert again is made and again.failures == 3  # the row as it is, not the values given


def test_add_rows_writes_rows_of_several_tables_with_their_defaults_and_gives_their_ids(
    session: Session,
) -> None:
    before = utcnow()
    first_id, second_id = add_rows(
        session,
        [
            (AUDIT, {"kind": "test_rows", "detail": {"n": 1}}),
            (AUDIT, {"kind": "test_rows", "detail": {"n": 2}, "channel": "sms"}),
        ],
    )
    assert second_id > first_id
    rows = session.execute(
        select(AUDIT.c.id, AUDIT.c.at, AUDIT.c.detail, AUDIT.c.channel).where(
            AUDIT.c.kind == "test_rows"
        )
    ).all()
    assert [(r.id, r.detail, r.channel) for r in rows] == [
        (first_id, {"n": 1}, None),
        (second_id, {"n": 2}, "sms"),
    ]
    assert all(r.at is not None and r.at >= before for r in rows)  # the Python-side default


def test_the_end_of_suite_secret_watch_sees_the_writes_made_in_a_with(session: Session) -> None:
    """tests/zz_end searches every value written: those of the one-round-trip writes too."""
    call_id = a_call(session, "CAwrites4")
    step = {"call_id": call_id, "step_key": "1", "created_at": utcnow(), "prompt": "watched-7731"}
    assert update_if_inserted(session, STEPS, step, SET_LAST_STEP, {"row_id": call_id})
    add_rows(session, [(AUDIT, {"kind": "watched-5520", "detail": {}})])
    assert {"watched-7731", "watched-5520"} <= WATCH.written
