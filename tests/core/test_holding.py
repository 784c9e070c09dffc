"""Who holds an order: the daybook's marshal, then the RECEIPT, a TRANSFER, until a SERVICE."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import ActivityKind
from core.registry import record_activity
from core.reminders import holder
from tests.core.helpers import marshal, report, this_year_docket


def test_the_daybook_names_the_holder_until_someone_records_a_receipt(session: Session) -> None:
    docket = this_year_docket(session)  # the demo daybook assigns it to 903
    assert holder(session, docket) == marshal(session, "903")
    record_activity(session, report(docket, marshal(session, "417"), ActivityKind.RECEIPT))
    assert holder(session, docket) == marshal(session, "417")


def test_a_transfer_hands_the_order_on_and_a_service_ends_the_holding(session: Session) -> None:
    docket, santos, okafor = (
        this_year_docket(session),
        marshal(session, "417"),
        marshal(session, "522"),
    )
    hour = utcnow() - timedelta(hours=3)
    record_activity(session, report(docket, santos, ActivityKind.RECEIPT, occurred_at=hour))
    record_activity(
        session,
        report(
            docket,
            santos,
            ActivityKind.TRANSFER,
            transfer_to_smc="522",
            occurred_at=hour + timedelta(hours=1),
        ),
    )
    assert holder(session, docket) == okafor
    record_activity(session, report(docket, okafor, ActivityKind.ATTEMPT, attempt_reason="NH"))
    assert holder(session, docket) == okafor  # an attempt does not end the holding
    record_activity(session, report(docket, okafor))
    assert holder(session, docket) is None


def test_nobody_holds_an_order_the_daybook_assigns_to_no_one(session: Session) -> None:
    docket = this_year_docket(session)
    docket.assigned_smc = None
    assert holder(session, docket) is None
