"""Round trips per webhook step: a whole keypad call within a budget of statements per step."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import Connection

from tests.ivr.driver import Phone
from tests.ivr.helpers import KEYPAD_SERVICE
from tests.round_trips import counting, jobs_on_redis

# statements per webhook step, BEGIN and COMMIT aside (in production the checkout's ping also
# bounds the transaction): 5, and the signature kept against replays. The call row is locked and
# read with the answer the step may already have (a retry), once; the step row and the call row
# are written in one statement at the end. The docket step also reads the docket and what is on
# file (the marshal's default court is kept in the call's state when he is chosen).
BUDGET = 5
# The step that records reads the docket (locked) with the marshal, the source's twin or
# current entry and the towns' agencies, then writes the activity (no savepoint), and its fax
# notifications, its audit and its state-file rows in one statement.
# (pin and review keep one statement to spare, as before: edge.signature deletes old signatures
# on about one request in a hundred)
BUDGETS = {"pin": 7, "review": 9}  # pin: the guard row upserted (locked), the marshal read after


def test_every_step_of_a_whole_keypad_call_is_within_the_statement_budget(
    client: FlaskClient, connection: Connection, phone: Callable[..., Phone]
) -> None:
    with jobs_on_redis(), counting(connection) as trips:
        with trips.step("voice"):
            call = Phone(client).dial()
        for name, keys in KEYPAD_SERVICE:
            with trips.step(name):
                call.press(keys)
        with trips.step("status"):
            call.hang_up()
    assert "Goodbye" in call.text
    report = "\n".join(str(step) for step in trips.steps)
    assert not trips.over(BUDGET, BUDGETS), report
    print(report)
