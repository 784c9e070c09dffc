"""The activity INSERT … ON CONFLICT DO NOTHING: when no row comes back, which unique column was
taken decides the answer (a twin, a current entry, a re-record, a confirmation number drawn)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import Activity
from core.registry import (
    ActivityError,
    Recorded,
    ReRecordRequired,
    _insert,
    record_activity,
)
from tests.conftest import is_postgres, worker_thread
from tests.core.helpers import marshal, report, this_year_docket


def row_like(activity: Activity, **changes: Any) -> dict[str, Any]:
    """Every column of ``activity`` but its id and confirmation, with ``changes``."""
    skipped = ("id", "confirmation")
    row = {c.name: getattr(activity, c.name) for c in Activity.__table__.columns}
    return {name: value for name, value in row.items() if name not in skipped} | changes


def draws(*numbers: str) -> Callable[[], str]:
    return iter(numbers).__next__


def recorded(session: Session, **fields: Any) -> Activity:
    done = record_activity(session, report(this_year_docket(session), marshal(session), **fields))
    stored = session.get(Activity, done.activity_id)
    assert stored is not None
    return stored


def test_a_confirmation_number_already_taken_is_drawn_again(session: Session) -> None:
    first = recorded(session)
    row = row_like(first, source_id="conflict-other", kind="OTHER", method=None, comment="x")
    stored, inserted = _insert(session, row, draws(first.confirmation, "7654321"))
    assert inserted and stored.confirmation == "7654321" and stored.id != first.id
    assert session.get(Activity, stored.id) is stored  # in the session, usable afterwards


def test_eight_taken_numbers_in_a_row_give_up(session: Session) -> None:
    first = recorded(session)
    row = row_like(first, source_id="conflict-unlucky", kind="OTHER", method=None, comment="x")
    with pytest.raises(RuntimeError):
        _insert(session, row, draws(*[first.confirmation] * 8))


def test_a_twin_from_the_same_source_that_got_in_first_is_given_back(session: Session) -> None:
    first = recorded(session)
    stored, inserted = _insert(session, row_like(first, kind="OTHER"), draws("7654322"))
    assert not inserted and stored.id == first.id


def test_a_first_entry_that_got_in_first_asks_to_re_record(session: Session) -> None:
    first = recorded(session)
    with pytest.raises(ReRecordRequired) as caught:
        _insert(session, row_like(first, source_id="conflict-second"), draws("7654323"))
    assert caught.value.previous.activity_id == first.id


def test_a_re_record_of_what_someone_re_recorded_a_moment_ago_is_refused(
    session: Session,
) -> None:
    first = recorded(session)
    recorded(session, re_record=True)
    row = row_like(first, source_id="conflict-third", supersedes_id=first.id)
    with pytest.raises(ActivityError) as caught:
        _insert(session, row, draws("7654324"))
    assert caught.value.field == "re_record"


def test_a_twin_another_writer_commits_while_we_insert_is_found_not_an_error(
    committed: Engine,
) -> None:
    """Their row (same source, another docket: its lock is not ours) is not there when we look,
    and is when we insert: the INSERT waits for their transaction, then does nothing."""
    if not is_postgres(str(committed.url)):
        pytest.skip("SQLite takes one writer at a time")
    answers: list[Recorded | Exception] = []

    def ours() -> None:
        with Session(committed) as session:
            docket, toby = this_year_docket(session), marshal(session)
            try:
                answers.append(record_activity(session, report(docket, toby, source_id="ours")))
                session.commit()
            except Exception as error:  # noqa: BLE001 - the test reports what it got
                answers.append(error)

    with Session(committed) as other:
        docket, toby = this_year_docket(other, number="4012198"), marshal(other)
        now = utcnow()
        theirs = Activity(
            docket_id=docket.id,
            marshal_id=toby.id,
            kind="SERVICE",
            method="HAND",
            occurred_at=now,
            recorded_at=now,
            channel="SMS",
            source_id="ours",
            confirmation="7654325",
        )
        other.add(theirs)
        other.flush()
        their_id = theirs.id
        writer = worker_thread(ours)
        writer.start()
        writer.join(timeout=1.0)
        assert writer.is_alive()  # our INSERT waits on their source id
        other.commit()
    writer.join(timeout=10)
    [answer] = answers
    assert isinstance(answer, Recorded), answer
    assert answer.already_recorded and answer.activity_id == their_id
