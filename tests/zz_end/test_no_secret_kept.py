"""After the whole suite (this package runs last): no value written to the database, no row
left in it and no log line holds a PIN or a password the suite used."""

from __future__ import annotations

import re

from sqlalchemy import Engine, String, Text, select
from sqlalchemy.types import JSON

from core.db import Base
from core.demo import DEMO_PINS
from tests.conftest import WATCH
from tests.security.test_pins_never_stored import SEEN
from tests.web.conftest import MARSHAL_PASSWORD, STAFF_PASSWORD

PASSWORDS = [
    MARSHAL_PASSWORD,
    STAFF_PASSWORD,
    "Registry2026demo",
    "Reset2026pass",
    "Mine2026pass",
    "Initial7pass",
    "Correct1horse",
    "Wrong2026pass",
    "Wrong1horse",
    "Initial7pass",
]
PINS = [*DEMO_PINS.values(), "999888", "100001", "864209", *SEEN]


def _holding(text: str) -> list[str]:
    found = [p for p in PASSWORDS if p in text]
    return found + [p for p in PINS if re.search(rf"(?<!\d){p}(?!\d)", text)]


def test_no_value_written_during_the_suite_held_a_pin_or_password() -> None:
    assert WATCH.written, "the watch saw no writes: run the whole suite"
    leaks = {value[:120]: _holding(value) for value in WATCH.written if _holding(value)}
    assert not leaks


def test_no_log_line_of_the_suite_held_a_pin_or_password() -> None:
    leaks = [line[:200] for line in WATCH.logged if _holding(line)]
    assert not leaks


def test_no_row_left_in_the_database_holds_a_pin_or_password(engine: Engine) -> None:
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in connection.execute(select(*columns)) if columns else ():
                assert not _holding(" ".join(str(v) for v in row)), table.name
