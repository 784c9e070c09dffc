"""The state-file outbox: one message written with the activity, in its transaction."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import jsonschema
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import session_scope
from core.models import ActivityKind, Firearms
from core.registry import record_activity
from core.settings import PROJECT_ROOT
from core.state_file import StateFileMessage
from tests.conftest import Wiring
from tests.core.helpers import marshal, report, this_year_docket

SCHEMA = json.loads((PROJECT_ROOT / "statefile/schema/state-file-message-v1.json").read_text())


class Asked:
    """The job-queue port, keeping the job ids asked for instead of running them."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        self.ids.append(job_id)


@pytest.fixture()
def asked(wiring: Wiring) -> Asked:
    recording = Asked()
    wiring.change(queue=recording)
    return recording


def messages(session: Session, docket_id: int) -> list[StateFileMessage]:
    return list(
        session.scalars(
            select(StateFileMessage)
            .where(StateFileMessage.docket_id == docket_id)
            .order_by(StateFileMessage.id)
        )
    )


def test_a_recorded_service_writes_one_message_the_schema_accepts(
    session: Session, asked: Asked
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    done = record_activity(
        session,
        report(
            docket,
            toby,
            police_assistance=True,
            firearms=Firearms.YES,
            firearms_date=date(2026, 11, 18),
        ),
    )
    [message] = messages(session, docket.id)
    jsonschema.validate(message.payload, SCHEMA)
    assert (message.kind, message.status, message.activity_id) == (
        "service",
        "pending",
        done.activity_id,
    )
    payload = message.payload
    assert payload["case"]["docket"] == docket.canonical
    assert payload["case"]["respondent"] == {"first_name": "The", "last_name": "Riddler"}
    assert payload["serving_officer"] == {"name": "Toby Padegenis", "smc_number": "903"}
    assert payload["service"]["method"] == "HAND"
    assert payload["police_assistance"] is True
    assert payload["firearms"] == {"allegation": "YES", "alleged_on": "2026-11-18"}
    assert payload["confirmation"] == done.confirmation and payload["corrects"] is None


def test_the_message_rolls_back_with_the_activity(engine: object, asked: Asked) -> None:
    with pytest.raises(RuntimeError), session_scope() as session:
        docket = this_year_docket(session, number="4012198")
        record_activity(session, report(docket, marshal(session)))
        assert len(messages(session, docket.id)) == 1
        raise RuntimeError("the request failed after recording")
    with session_scope() as session:
        assert messages(session, this_year_docket(session, number="4012198").id) == []
    assert asked.ids == []


def test_a_re_recorded_service_is_a_correction_naming_the_first_message(
    session: Session, asked: Asked
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    record_activity(session, report(docket, toby))
    again = record_activity(session, report(docket, toby, re_record=True))
    first, correction = messages(session, docket.id)
    jsonschema.validate(correction.payload, SCHEMA)
    assert correction.corrects_id == first.id
    assert correction.payload["corrects"] == {
        "message_id": first.message_id,
        "confirmation": first.payload["confirmation"],
    }
    assert correction.payload["confirmation"] == again.confirmation


def test_an_attempt_with_no_service_on_file_is_an_unsuccessful_service(
    session: Session, asked: Asked
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    record_activity(session, report(docket, toby, ActivityKind.RECEIPT))
    record_activity(session, report(docket, toby, ActivityKind.ATTEMPT, attempt_reason="NH"))
    [message] = messages(session, docket.id)
    jsonschema.validate(message.payload, SCHEMA)
    assert message.kind == "unsuccessful"
    assert message.payload["service"]["attempt_reason"] == "NH"
    record_activity(session, report(docket, toby))
    record_activity(
        session,
        report(
            docket,
            toby,
            ActivityKind.ATTEMPT,
            attempt_reason="NH",
            re_record=True,
            after_service=True,
        ),
    )
    assert [m.kind for m in messages(session, docket.id)] == ["unsuccessful", "service"]


def test_a_firearms_allegation_queues_the_priority_alert(session: Session, asked: Asked) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    with session_scope() as scope:
        record_activity(scope, report(docket, toby, firearms=Firearms.YES, re_record=True))
    assert [j for j in asked.ids if j.startswith("firearms-")]
    with session_scope() as scope:
        record_activity(
            scope,
            report(
                this_year_docket(scope, number="4012198"),
                toby,
                firearms=Firearms.NO,
                re_record=True,
            ),
        )
    assert len([j for j in asked.ids if j.startswith("firearms-")]) == 1
    assert len([j for j in asked.ids if j.startswith("state-file-")]) == 2
