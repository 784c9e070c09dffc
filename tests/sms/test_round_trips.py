"""Round trips per text: a whole text conversation within a budget of statements per message."""

from __future__ import annotations

from sqlalchemy import Connection

from tests.round_trips import counting, jobs_on_redis
from tests.sms.conftest import Phone

# statements per text, BEGIN and COMMIT aside: 7 (the phone's session row made if need be and
# locked in one), and the signature kept against replays
BUDGET = 8
# A report also reads the activity on file (to warn of a service already recorded); OK records
# the activity, then its fax notifications, its audit and its state-file row in one statement.
BUDGETS = {"PIN": 10, "S": 10, "A": 10, "OK": 14}  # PIN: the guard row upserted (locked)
CONVERSATION = [
    "PIN 246810",
    "S 4012199 H 1430 P F=U",
    "OK",
    "LAST",
    "A 4012198 NH",
    "X",
    "HELP",
    "S 4012198 HND",
]


def test_every_text_of_a_whole_conversation_is_within_the_statement_budget(
    toby: Phone, connection: Connection
) -> None:
    replies = []
    with jobs_on_redis(), counting(connection) as trips:
        for body in CONVERSATION:
            with trips.step(body.split()[0] if body != "OK" else "OK"):
                replies.append(toby.send(body))
    assert (replies[0] or "").startswith("PIN accepted")
    assert (replies[2] or "").startswith("Recorded ")
    assert (replies[5] or "").startswith("Discarded ")
    report = "\n".join(str(step) for step in trips.steps)
    assert not trips.over(BUDGET, BUDGETS), report
    print(report)
