"""The one write path: validation, idempotency, re-recording, late flags, fax routing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.models import Activity, ActivityKind, AuditEvent, Firearms, Notification, Town
from core.registry import (
    ActivityError,
    ReRecordRequired,
    ServiceOnFile,
    current_activity,
    record_activity,
)
from tests.core.helpers import marshal, report, this_year_docket


def test_a_service_is_stored_with_every_field_and_a_confirmation_number(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    when = utcnow() - timedelta(minutes=30)
    done = record_activity(
        session,
        report(docket, toby, occurred_at=when, police_assistance=True, firearms=Firearms.YES),
    )
    stored = session.get(Activity, done.activity_id)
    assert stored is not None
    assert (stored.kind, stored.method, stored.police_assistance) == ("SERVICE", "HAND", True)
    assert stored.firearms == "YES" and stored.occurred_at == when
    assert done.confirmation.isdigit() and len(done.confirmation) == 7
    assert not done.late


def test_the_same_source_recorded_twice_gives_one_activity(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    first = record_activity(session, report(docket, toby, source_id="SM-duplicate"))
    again = record_activity(session, report(docket, toby, source_id="SM-duplicate"))
    assert again.already_recorded and again.activity_id == first.activity_id
    count = session.scalar(
        select(func.count()).select_from(Activity).where(Activity.source_id == "SM-duplicate")
    )
    assert count == 1


def test_recording_again_needs_the_re_record_flag_and_keeps_history(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    first = record_activity(session, report(docket, toby))
    with pytest.raises(ReRecordRequired) as caught:
        record_activity(session, report(docket, toby))
    assert caught.value.previous.marshal_name == "Toby Padegenis"
    second = record_activity(session, report(docket, toby, re_record=True))
    current = current_activity(session, docket.id, ActivityKind.SERVICE)
    assert current is not None and current.id == second.activity_id
    assert current.supersedes_id == first.activity_id


def test_a_service_recorded_more_than_two_hours_late_is_flagged(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    done = record_activity(
        session, report(docket, toby, occurred_at=utcnow() - timedelta(hours=2, minutes=5))
    )
    assert done.late


def test_a_time_in_the_future_is_refused(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    with pytest.raises(ActivityError) as caught:
        record_activity(session, report(docket, toby, occurred_at=utcnow() + timedelta(hours=1)))
    assert caught.value.field == "occurred_at"


def test_a_time_before_the_docket_was_entered_is_refused(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    with pytest.raises(ActivityError) as caught:
        record_activity(session, report(docket, toby, occurred_at=datetime(2001, 1, 1, tzinfo=UTC)))
    assert "before the docket" in caught.value.message


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (ActivityKind.SERVICE, {"method": None}, "method"),
        (ActivityKind.ATTEMPT, {"attempt_reason": "ZZ"}, "reason"),
        (ActivityKind.OTHER, {"comment": "   "}, "comment"),
        (ActivityKind.TRANSFER, {"transfer_to_smc": None}, "transfer_to"),
        (ActivityKind.TRANSFER, {"transfer_to_smc": "99999"}, "transfer_to"),
        (ActivityKind.TRANSFER, {"transfer_to_smc": "903"}, "transfer_to"),
    ],
)
def test_each_activity_refuses_what_it_lacks(
    session: Session, kind: ActivityKind, fields: dict[str, object], field: str
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    with pytest.raises(ActivityError) as caught:
        record_activity(session, report(docket, toby, kind, **fields))
    assert caught.value.field == field


def test_every_kind_of_activity_can_be_recorded(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    record_activity(session, report(docket, toby, ActivityKind.RECEIPT))
    record_activity(session, report(docket, toby, ActivityKind.ATTEMPT, attempt_reason="NH"))
    done = record_activity(
        session,
        report(
            docket, toby, ActivityKind.TRANSFER, transfer_to_smc="417", comment="covering for me"
        ),
    )
    record_activity(session, report(docket, toby, ActivityKind.OTHER, comment="DOB looks wrong"))
    transfer = session.get(Activity, done.activity_id)
    assert transfer is not None and transfer.transfer_to is not None
    assert transfer.transfer_to.smc_number == "417"
    assert transfer.police_assistance is None


def test_a_service_owes_one_fax_per_distinct_agency(session: Session) -> None:
    # Riddler: respondent Hartford, protected home West Hartford, work Wethersfield.
    docket, toby = this_year_docket(session), marshal(session)
    done = record_activity(session, report(docket, toby))
    agencies = session.scalars(
        select(Notification.fax_number).where(Notification.activity_id == done.activity_id)
    ).all()
    assert sorted(agencies) == ["+18605550101", "+18605550102", "+18605550103"]


def test_one_agency_covering_several_towns_gets_one_fax(session: Session) -> None:
    docket = this_year_docket(session, number="4012198")  # Joker: Hartford, Hartford
    done = record_activity(session, report(docket, marshal(session)))
    assert len(done.notification_ids) == 1


def test_a_town_without_an_agency_is_reported_not_skipped(session: Session) -> None:
    docket = this_year_docket(session, court="KNL", number="4055555")  # Norwich: no demo agency
    done = record_activity(session, report(docket, marshal(session)))
    assert done.towns_without_agency == ["Norwich"]
    gap = session.scalar(
        select(AuditEvent).where(
            AuditEvent.kind == "town_without_agency", AuditEvent.activity_id == done.activity_id
        )
    )
    assert gap is not None and gap.detail["town"] == "Norwich"


def test_a_service_with_covered_towns_and_one_without_gives_its_faxes_and_its_gap(
    session: Session,
) -> None:
    # Riddler's work town moved to Norwich, which no demo agency covers: the notices, the gap's
    # audit, the activity's audit and its state-file row are written in one statement.
    docket = this_year_docket(session)
    norwich = session.scalar(select(Town).where(Town.name == "Norwich"))
    assert norwich is not None
    docket.protected_work_town_id = norwich.id
    done = record_activity(session, report(docket, marshal(session)))
    owed = session.execute(
        select(Notification.id, Notification.fax_number, Notification.status)
        .where(Notification.activity_id == done.activity_id)
        .order_by(Notification.id)
    ).all()
    assert [fax for _id, fax, _status in owed] == ["+18605550101", "+18605550102"]
    assert done.notification_ids == [row_id for row_id, _fax, _status in owed]
    assert {status for _id, _fax, status in owed} == {"pending"}
    assert done.towns_without_agency == ["Norwich"]
    kinds = session.scalars(
        select(AuditEvent.kind)
        .where(AuditEvent.activity_id == done.activity_id)
        .order_by(AuditEvent.id)
    ).all()
    assert kinds == ["activity_recorded", "town_without_agency"]


def test_attempts_and_receipts_owe_no_fax(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    done = record_activity(session, report(docket, toby, ActivityKind.ATTEMPT, attempt_reason="MV"))
    assert done.notification_ids == []


def test_an_audit_event_is_written_for_each_activity(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    done = record_activity(session, report(docket, toby))
    event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.activity_id == done.activity_id, AuditEvent.kind == "activity_recorded"
        )
    )
    assert event is not None and event.detail["kind"] == "SERVICE"


@pytest.mark.parametrize("kind", [ActivityKind.ATTEMPT, ActivityKind.RECEIPT])
def test_an_activity_after_a_service_on_file_needs_a_confirmation_naming_the_service(
    session: Session, kind: ActivityKind
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    record_activity(session, report(docket, toby))
    extra = {"attempt_reason": "NH"} if kind == ActivityKind.ATTEMPT else {}
    with pytest.raises(ServiceOnFile) as asked:
        record_activity(session, report(docket, toby, kind, **extra))
    assert (asked.value.service.kind, asked.value.service.method) == ("SERVICE", "HAND")
    assert asked.value.service.marshal_last_name == "Padegenis"
    done = record_activity(session, report(docket, toby, kind, after_service=True, **extra))
    assert session.get(Activity, done.activity_id) is not None


def test_a_time_still_to_come_is_refused_by_name(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    with pytest.raises(ActivityError) as caught:
        record_activity(session, report(docket, toby, occurred_at=utcnow() + timedelta(days=3)))
    assert caught.value.message.endswith(
        "is still to come: a service cannot be recorded before it happens"
    )


def test_a_source_sent_again_after_its_entry_was_re_recorded_is_still_already_recorded(
    session: Session,
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    first = record_activity(session, report(docket, toby, source_id="SM-first"))
    record_activity(session, report(docket, toby, source_id="SM-second", re_record=True))
    again = record_activity(session, report(docket, toby, source_id="SM-first"))
    assert again.already_recorded and again.activity_id == first.activity_id


def test_a_marshal_no_longer_active_or_not_on_file_records_nothing(session: Session) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    toby.active = False
    session.flush()
    with pytest.raises(ActivityError) as refused:
        record_activity(session, report(docket, toby))
    assert refused.value.field == "marshal" and "not an active account" in refused.value.message
    ghost = report(docket, toby, source_id="test-ghost")
    with pytest.raises(ActivityError) as unknown:
        record_activity(session, replace(ghost, marshal_id=10**9))
    assert unknown.value.field == "marshal"
    assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_a_docket_not_on_file_is_refused_by_name(session: Session) -> None:
    toby = marshal(session)
    missing = replace(report(this_year_docket(session), toby), docket_id=10**9)
    with pytest.raises(ActivityError) as refused:
        record_activity(session, missing)
    assert refused.value.field == "docket" and "not in the registry" in refused.value.message
