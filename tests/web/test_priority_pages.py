"""The staff pages for what cannot wait: firearms allegations, the state file's refusals, and
orders still unserved before their hearing."""

from __future__ import annotations

from datetime import date, timedelta

from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from core.models import ActivityKind, Docket, Firearms
from core.registry import record_activity
from core.state_file import StateFileMessage
from tests.core.helpers import marshal, report, this_year_docket


def test_the_firearms_page_lists_the_allegations_of_the_last_30_days(
    staff_client: FlaskClient, session: Session
) -> None:
    record_activity(
        session,
        report(
            this_year_docket(session),
            marshal(session),
            firearms=Firearms.YES,
            firearms_date=date(2026, 11, 18),
        ),
    )
    record_activity(
        session,
        report(this_year_docket(session, number="4012198"), marshal(session), firearms=Firearms.NO),
    )
    session.commit()
    page = staff_client.get("/staff/firearms").get_data(as_text=True)
    assert "The Riddler" in page and "2026-11-18" in page and "Toby Padegenis" in page
    assert "The Joker" not in page


def test_needs_attention_lists_rejected_and_dead_state_file_messages_only(
    staff_client: FlaskClient, session: Session
) -> None:
    record_activity(session, report(this_year_docket(session), marshal(session)))
    record_activity(session, report(this_year_docket(session, number="4012198"), marshal(session)))
    session.flush()
    first, second = session.query(StateFileMessage).order_by(StateFileMessage.id).all()
    session.execute(
        update(StateFileMessage)
        .where(StateFileMessage.id == first.id)
        .values(status="rejected", reason="no such order in File 20")
    )
    session.commit()
    page = staff_client.get("/staff/attention").get_data(as_text=True)
    assert "State-file messages rejected or dead" in page
    assert "no such order in File 20" in page and f"#state-file-{first.id}" in page
    assert f"#state-file-{second.id}" not in page


def test_the_unserved_page_lists_near_hearings_with_nothing_recorded_either_way_round(
    staff_client: FlaskClient, session: Session
) -> None:
    joker = this_year_docket(session, number="4012198")
    session.execute(update(Docket).values(hearing_date=date.today() + timedelta(days=3)))
    joker.hearing_date = date.today() + timedelta(days=1)
    record_activity(
        session,
        report(
            this_year_docket(session), marshal(session), ActivityKind.ATTEMPT, attempt_reason="NH"
        ),
    )
    session.commit()
    page = staff_client.get("/staff/unserved?days=5").get_data(as_text=True)
    assert "The Joker" in page and "The Riddler" not in page
    assert page.index("The Joker") < page.index("Harvey Dent")
    latest = staff_client.get("/staff/unserved?days=5&sort=latest").get_data(as_text=True)
    assert latest.index("The Joker") > latest.index("Harvey Dent")
    assert "Harvey Dent" not in staff_client.get("/staff/unserved?days=5&court=HHD").get_data(
        as_text=True
    )
