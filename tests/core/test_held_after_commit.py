"""Work left for after the commit, held by a webhook until its answer is sent (core.db)."""

from __future__ import annotations

import contextvars

import pytest

from core import services
from core.db import after_commit, held_after_commit, session_scope


def test_held_work_waits_for_its_holder_and_keeps_the_services_it_was_left_with(
    connection: object,
) -> None:
    ran: list[object] = []
    with held_after_commit() as held:
        with session_scope() as session:
            after_commit(session, lambda: ran.append(services.current()))
        assert ran == [] and len(held) == 1  # committed, and held
        running = services.current()
    contextvars.Context().run(held[0])  # as after the request, its services left
    assert ran == [running]


def test_a_scope_that_rolls_back_holds_nothing(connection: object) -> None:
    with held_after_commit() as held, pytest.raises(RuntimeError), session_scope() as session:
        after_commit(session, lambda: None)
        raise RuntimeError("the step failed")
    assert held == []


def test_outside_a_holder_the_work_runs_at_the_commit(connection: object) -> None:
    ran: list[str] = []
    with session_scope() as session:
        after_commit(session, lambda: ran.append("sent"))
        assert ran == []
    assert ran == ["sent"]
