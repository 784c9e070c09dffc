"""The flow's table and its menus agree, and a call's stored state reads back as it was."""

from __future__ import annotations

from core.models import ActivityKind
from ivr.flow import STEPS
from ivr.state import Activity, CallState
from speech import menus
from speech.grammar import GRAMMARS


def test_every_key_of_every_menu_leads_to_a_step_of_the_flow() -> None:
    for menu in menus.MENUS:
        for option in menu.options:
            assert option.next is None or option.next in STEPS, (menu.name, option.key)


def test_every_menu_that_listens_has_a_grammar() -> None:
    assert {m.grammar for m in menus.MENUS if m.grammar} <= set(GRAMMARS)


def test_a_call_stored_before_the_typed_state_reads_as_it_was_written() -> None:
    stored = {
        "seq": 7,
        "at": "review",
        "history": ["firearms"],
        "marshal_id": 3,
        "signed_in": True,
        "docket_id": 12,
        "parts": {"year": 25},
        "kind": "SERVICE",
        "method": "HAND",
        "police": False,
        "firearms": "UNKNOWN",
        "occurred_at": None,
        "recorded": [4],
        "a_key_no_longer_used": 1,
    }
    state = CallState.read(stored)
    assert state.activity.kind is ActivityKind.SERVICE and state.activity.method == "HAND"
    assert state.activity.when_given and state.activity.occurred_at is None
    assert state.docket.docket_id == 12 and state.docket.parts == {"year": 25}
    assert state.stored() == {k: v for k, v in stored.items() if k != "a_key_no_longer_used"}


def test_the_next_activity_starts_from_nothing_and_keeps_the_docket() -> None:
    state = CallState.read({"docket_id": 12, "kind": "ATTEMPT", "reason": "NH", "date": "x"})
    state.activity = Activity()
    assert state.stored() == {"at": "marshal", "seq": 0, "docket_id": 12}
