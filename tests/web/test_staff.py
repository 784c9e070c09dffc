"""Staff pages: calls and their recordings, texts, a docket and its faxes, manual entry, figures."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Activity, ActivityKind, Channel, MessageLog, Notification
from core.registry import record_activity
from core.settings import Settings
from speech.models import SpokenComment
from tests.core.helpers import marshal, report, this_year_docket
from tests.web.conftest import csrf_from, make_call, make_wav, post_form


def test_calls_are_listed_newest_first_25_a_page(
    staff_client: FlaskClient, session: Session
) -> None:
    toby = marshal(session, "903")
    for n in range(27):
        make_call(session, f"CA-page-{n:02d}", toby, minutes_ago=n + 1, docket_text="4012199")
    first = staff_client.get("/staff/calls").get_data(as_text=True)
    assert "27 found · page 1 of 2" in first
    assert first.count('href="/staff/calls/') == 25
    second = staff_client.get("/staff/calls?page=2").get_data(as_text=True)
    assert second.count('href="/staff/calls/') == 2


def test_calls_filter_by_marshal_docket_and_outcome(
    staff_client: FlaskClient, session: Session, settings: Settings
) -> None:
    toby = make_call(
        session,
        "CA-toby",
        marshal(session, "903"),
        docket_text="HHD-FA26-4012199-S",
        outcome="recorded",
    )
    make_call(session, "CA-maria", marshal(session, "417"), docket_text="4055555", outcome="locked")
    maria_id = marshal(session, "417").id
    by_marshal = staff_client.get(f"/staff/calls?marshal={maria_id}").get_data(as_text=True)
    assert "1 found" in by_marshal and "4055555" in by_marshal
    by_docket = staff_client.get("/staff/calls?docket=hhd fa26 4012199").get_data(as_text=True)
    assert "1 found" in by_docket and "HHD-FA26-4012199-S" in by_docket
    by_outcome = staff_client.get("/staff/calls?outcome=locked").get_data(as_text=True)
    assert "1 found" in by_outcome
    day = toby.started_at.astimezone(settings.zone).date().isoformat()  # the registry's day
    assert "2 found" in staff_client.get(f"/staff/calls?since={day}&until={day}").get_data(
        as_text=True
    )


def test_a_call_shows_its_steps_and_says_when_no_transcript_exists(
    staff_client: FlaskClient, session: Session
) -> None:
    call = make_call(session, "CA-steps", marshal(session, "903"), last_step="docket")
    page = staff_client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert "transcript unavailable" in page
    assert "Say or key the docket number." in page and "H H D F A 26 4012199 S" in page
    assert "0.91" in page and "******" in page and "ended at step docket" in page


def test_a_recording_is_served_with_range_support(
    staff_client: FlaskClient, session: Session, settings: Settings
) -> None:
    make_wav(settings.recordings_dir / "CA-audio.wav")
    call = make_call(
        session, "CA-audio", recording_path="CA-audio.wav", transcript={"text": "one two three"}
    )
    page = staff_client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert re.findall(r"<span>(\w+)</span>", page) == ["one", "two", "three"]
    with staff_client.get(f"/staff/calls/{call.id}/recording") as whole:
        assert whole.status_code == 200 and whole.mimetype in ("audio/wav", "audio/x-wav")
    with staff_client.get(
        f"/staff/calls/{call.id}/recording", headers={"Range": "bytes=0-99"}
    ) as part:
        assert part.status_code == 206 and len(part.get_data()) == 100
        assert part.headers["Content-Range"].startswith("bytes 0-99/")


def test_a_spoken_comment_is_shown_with_its_audio_and_transcript_and_found_by_its_words(
    staff_client: FlaskClient, session: Session, settings: Settings
) -> None:
    make_wav(settings.recordings_dir / "CA-other" / "RE77.wav")
    call = make_call(session, "CA-other", docket_text="HHD-FA26-4012199-S")
    other = make_call(session, "CA-quiet")
    words = [
        {"word": "dog", "start": 0.4, "end": 0.7, "conf": 0.93},
        {"word": "loose", "start": 0.8, "end": 1.2, "conf": 0.31},
    ]
    session.add_all(
        [
            SpokenComment(
                call_id=call.id,
                recording_sid="RE77",
                status="kept",
                recording_path="CA-other/RE77.wav",
                words_said="dog loose",
                transcript={"text": "dog loose", "words": words},
            ),
            SpokenComment(call_id=call.id, recording_sid="RE78"),
        ]
    )
    session.commit()
    page = staff_client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert 'title="at 0.4 s, confidence 0.93">dog</span>' in page
    assert 'class="unsure">loose</span>' in page
    assert "The audio is still at Twilio, being fetched." in page  # RE78
    [audio] = re.findall(r'src="(/staff/calls/\d+/comments/\d+/recording)"', page)
    with staff_client.get(audio) as sound:
        assert sound.status_code == 200 and sound.mimetype in ("audio/wav", "audio/x-wav")
    assert (
        staff_client.get(audio.replace(f"/calls/{call.id}/", f"/calls/{other.id}/")).status_code
        == 404
    )  # a comment is served under its own call only
    found = staff_client.get("/staff/calls?words=LOOSE+dog&docket=4012199").get_data(as_text=True)
    assert "1 found" in found and f"/staff/calls/{call.id}" in found
    assert "0 found" in staff_client.get("/staff/calls?words=loo").get_data(as_text=True)


def test_a_recording_outside_the_recordings_folder_is_not_served(
    staff_client: FlaskClient, session: Session
) -> None:
    call = make_call(session, "CA-escape", recording_path="../../etc/passwd")
    assert staff_client.get(f"/staff/calls/{call.id}/recording").status_code == 404


def test_texts_list_and_show_the_exchange(staff_client: FlaskClient, session: Session) -> None:
    session.add(
        MessageLog(
            message_sid="SM-1",
            from_number="+18605550190",
            marshal_id=marshal(session, "903").id,
            body_redacted="S 4012199 H",
            reply="Reply YES to record service",
            outcome="asked",
        )
    )
    session.commit()
    listing = staff_client.get("/staff/texts").get_data(as_text=True)
    assert "S 4012199 H" in listing
    link = re.search(r'href="(/staff/texts/\d+)"', listing)
    assert link is not None
    assert "Reply YES to record service" in staff_client.get(link.group(1)).get_data(as_text=True)


def test_a_docket_shows_superseded_activities_faxes_and_a_retry(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session)
    first = record_activity(session, report(docket, marshal(session, "903")))
    record_activity(session, report(docket, marshal(session, "903"), re_record=True))
    failed = session.get(Notification, first.notification_ids[0])
    assert failed is not None
    failed.status, failed.last_error = "failed", "busy line"
    session.commit()
    page = staff_client.get(f"/staff/dockets/{docket.id}").get_data(as_text=True)
    assert "superseded" in page and "busy line" in page and "Send again" in page
    retry = staff_client.post(
        f"/staff/faxes/{failed.id}/retry",
        data={"csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert "queued to be sent again" in retry.get_data(as_text=True)
    session.refresh(failed)
    assert failed.status in ("pending", "delivered")


def test_a_fax_whose_next_try_is_scheduled_is_not_sent_again_from_a_stale_page(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session)
    recorded = record_activity(session, report(docket, marshal(session, "903")))
    busy = session.get(Notification, recorded.notification_ids[0])
    assert busy is not None
    busy.status, busy.last_error, busy.attempts = "dead", "no answer", 6
    session.commit()
    stale = staff_client.get(f"/staff/dockets/{docket.id}").get_data(as_text=True)
    assert "Send again" in stale
    # meanwhile the fax went out again by itself, was busy, and has its next try on the clock
    busy.status, busy.provider_status, busy.attempts = "failed", "busy", 7
    busy.next_attempt_at = datetime.now(UTC) + timedelta(minutes=5)
    session.commit()
    answer = staff_client.post(
        f"/staff/faxes/{busy.id}/retry",
        data={"csrf_token": csrf_from(stale)},
        follow_redirects=True,
    )
    assert "its next try is already scheduled, so it was not sent again" in answer.get_data(
        as_text=True
    )
    session.refresh(busy)
    assert (busy.status, busy.attempts) == ("failed", 7) and busy.next_attempt_at is not None


def test_a_docket_links_an_activity_recorded_by_phone_to_its_call(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session)
    by_phone = record_activity(
        session, report(docket, marshal(session, "903"), channel=Channel.PHONE)
    )
    record_activity(session, report(docket, marshal(session, "903"), re_record=True))
    call = make_call(session, "CA-linked", activity_id=by_phone.activity_id)
    page = staff_client.get(f"/staff/dockets/{docket.id}").get_data(as_text=True)
    assert page.count(f'href="/staff/calls/{call.id}"') == 1  # the text's activity has no call


def test_a_docket_shows_towns_with_no_police_agency(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session, "KNL", "4055555")
    record_activity(session, report(docket, marshal(session, "417")))
    session.commit()
    found = staff_client.get(f"/staff/dockets?q={docket.canonical}", follow_redirects=True)
    assert "Norwich" in found.get_data(as_text=True)


def _manual_form(session: Session, docket: str, source: str) -> dict[str, str]:
    return {
        "docket": docket,
        "marshal": str(marshal(session, "903").id),
        "kind": "SERVICE",
        "method": "HAND",
        "entry_reason": "system unavailable",
        "source": source,
        "police": "yes",
    }


def test_manual_entry_records_once_on_a_double_submit(
    staff_client: FlaskClient, session: Session
) -> None:
    page = staff_client.get("/staff/manual").get_data(as_text=True)
    source = re.search(r'name="source" value="([^"]+)"', page)
    assert source is not None
    form = {**_manual_form(session, "4012198", source.group(1)), "csrf_token": csrf_from(page)}
    assert staff_client.post("/staff/manual", data=form).status_code == 302
    assert staff_client.post("/staff/manual", data=form).status_code == 302
    rows = session.scalars(select(Activity).where(Activity.source_id == source.group(1))).all()
    assert len(rows) == 1
    assert rows[0].channel == Channel.STAFF.value and rows[0].entry_reason == "system unavailable"
    assert rows[0].entered_by is not None and rows[0].entered_by.userid == "registry"
    assert rows[0].police_assistance is True


def test_manual_entry_asks_before_recording_again(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session)
    record_activity(session, report(docket, marshal(session, "903")))
    session.commit()
    asked = post_form(
        staff_client, "/staff/manual", _manual_form(session, docket.canonical, "staff-form-again")
    )
    assert asked.status_code == 409 and "Record it again?" in asked.get_data(as_text=True)
    again = post_form(
        staff_client,
        "/staff/manual",
        {**_manual_form(session, docket.canonical, "staff-form-again"), "re_record": "yes"},
    )
    assert again.status_code == 302
    assert len(session.scalars(select(Activity).where(Activity.docket_id == docket.id)).all()) == 2


def test_manual_entry_explains_what_is_missing(staff_client: FlaskClient, session: Session) -> None:
    form = {**_manual_form(session, "4012199", "staff-form-x"), "method": ""}
    response = post_form(staff_client, "/staff/manual", form)
    assert response.status_code == 400 and "in hand or abode" in response.get_data(as_text=True)
    form = {**_manual_form(session, "4012199", "staff-form-y"), "entry_reason": " "}
    assert "say why" in post_form(staff_client, "/staff/manual", form).get_data(as_text=True)


def test_statistics_count_services_and_police_requests_by_month_and_court(
    staff_client: FlaskClient, session: Session
) -> None:
    toby = marshal(session, "903")
    record_activity(session, report(this_year_docket(session), toby, police_assistance=True))
    record_activity(
        session,
        report(
            this_year_docket(session, number="4012198"),
            toby,
            kind=ActivityKind.ATTEMPT,
            attempt_reason="NH",
        ),
    )
    record_activity(session, report(this_year_docket(session, "KNL"), marshal(session, "417")))
    session.commit()
    response = staff_client.get("/staff/statistics.csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    hartford = next(r for r in rows if r["court"] == "HHD")
    assert (hartford["services"], hartford["attempts"], hartford["police_assistance_requests"]) == (
        "1",
        "1",
        "1",
    )
    assert next(r for r in rows if r["court"] == "KNL")["services"] == "1"
    assert "Police assistance requests" in staff_client.get("/staff/statistics").get_data(
        as_text=True
    )


def test_an_admin_can_send_a_marshal_an_initial_password(
    admin_client: FlaskClient, settings: Settings
) -> None:
    page = admin_client.get("/staff/accounts").get_data(as_text=True)
    assert "jokafor" in page
    marshal_id = re.findall(r'name="marshal" value="(\d+)"', page)[0]
    sent = admin_client.post(
        "/staff/accounts",
        data={"marshal": marshal_id, "csrf_token": csrf_from(page)},
        follow_redirects=True,
    )
    assert "Initial passwords sent: 1" in sent.get_data(as_text=True)
    assert list(settings.mail_outbox_dir.glob("*.eml"))


def test_manual_entry_refuses_a_day_still_to_come_by_the_lines_own_rule(
    staff_client: FlaskClient, session: Session
) -> None:
    ahead = datetime.now() + timedelta(days=2)
    form = {
        **_manual_form(session, "4012198", "staff-form-future"),
        "occurred_date": ahead.date().isoformat(),
        "occurred_time": "09:00",
    }
    response = post_form(staff_client, "/staff/manual", form)
    assert response.status_code == 400
    assert "is still to come: a service cannot be recorded before it happens" in response.get_data(
        as_text=True
    )


def test_manual_entry_asks_before_an_attempt_after_a_service_on_file(
    staff_client: FlaskClient, session: Session
) -> None:
    docket = this_year_docket(session)
    record_activity(session, report(docket, marshal(session, "903")))
    session.commit()
    attempt = {
        **_manual_form(session, docket.canonical, "staff-form-after"),
        "kind": "ATTEMPT",
        "method": "",
        "reason": "NH",
        "police": "",
    }
    asked = post_form(staff_client, "/staff/manual", attempt)
    assert asked.status_code == 409
    assert "Record this attempt anyway?" in asked.get_data(as_text=True)
    done = post_form(staff_client, "/staff/manual", {**attempt, "after_service": "yes"})
    assert done.status_code == 302
    kinds = session.scalars(select(Activity.kind).where(Activity.docket_id == docket.id)).all()
    assert sorted(kinds) == ["ATTEMPT", "SERVICE"]
