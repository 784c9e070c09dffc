"""A PIN is checked against the hash as it is once its guard row is locked: a check that waits
for another's lock sees what that one committed, even when only the marshal's id was given."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

from core import guards
from core.accounts import check_pin, set_pin
from core.db import session_scope
from core.models import Marshal
from tests.conftest import worker_thread

OLD_PIN, NEW_PIN = "246810", "135792"


def _someone_waits_for_a_lock(engine: Engine) -> bool:
    """True once another connection of this database waits for a row lock (within 10 s)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock' AND query ILIKE '%sign_in_guard%'"
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with engine.connect() as connection:  # a new transaction: a fresh view of the activity
            if connection.scalar(waiting):
                return True
        time.sleep(0.02)
    return False


def test_a_pin_check_waiting_for_the_guard_row_checks_the_pin_committed_under_it(
    committed: Engine,
) -> None:
    with session_scope() as db:
        toby_id = db.query(Marshal).filter_by(userid="tpadegenis").one().id
    answers: list[bool] = []

    def check_the_new_pin() -> None:
        with session_scope() as db:
            answers.append(check_pin(db, toby_id, NEW_PIN, "PHONE", source=guards.OTHER_PHONE).ok)

    with session_scope() as db:
        assert check_pin(db, toby_id, OLD_PIN, "PHONE", source=guards.OTHER_PHONE).ok
        toby = db.get(Marshal, toby_id)
        assert toby is not None
        set_pin(toby, NEW_PIN)  # changed while this transaction holds the guard row
        db.flush()
        waiting = worker_thread(check_the_new_pin)
        waiting.start()
        assert _someone_waits_for_a_lock(committed)
    waiting.join(30)
    assert answers == [True]
