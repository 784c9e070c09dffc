"""Staff review of a whole call: every activity it recorded, found by any of its dockets, and a
step log whose every row pairs the answer with the prompt the caller heard before giving it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ivr import prompts
from speech import menus
from tests.ivr.driver import Phone
from tests.ivr.helpers import activities_of, call_log
from web.logs import exchanges

OWN_PROMPT = {
    "pin": "your PIN",
    "docket": "docket number",
    "docket_confirm": menus.DOCKET_CONFIRM.prompt,
    "activity": menus.ACTIVITY.prompt,
    "method": menus.METHOD.prompt,
    "reason": "Bad address",
    "when": menus.WHEN.prompt,
    "when_date": prompts.WHEN_DATE,
    "when_time": prompts.WHEN_TIME,
    "am_pm": menus.AM_PM.prompt,
    "police": menus.POLICE.prompt,
    "firearms": menus.FIREARMS.prompt,
    "review": menus.REVIEW.prompt,
    "rerecord": menus.RERECORD.prompt,
    "another": menus.ANOTHER.prompt,
}


def an_hour_ago() -> datetime:
    return datetime.now(ZoneInfo("America/New_York")) - timedelta(hours=1)


def whole_call(client: FlaskClient, then: datetime) -> Phone:
    """A service at another time (``then``), the same service recorded again, an attempt on
    another docket, then goodbye."""
    call = Phone(client).dial().press("246810").press("4012199").press("1")
    call.press("1").press("1").press("2").press(then.strftime("%m%d"))
    call.press(f"{then.hour % 12 or 12:02d}{then.minute:02d}").press("1" if then.hour < 12 else "2")
    call.press("2").press("3").press("1")  # no police, firearms unknown, record it
    call.press("1").press("4012199").press("1").press("1").press("1").press("1")
    call.press("2").press("3").press("1").press("1")  # ... record it, yes record it again
    call.press("1").press("4012198").press("1").press("2").press("1").press("1")
    call.press("2").press("2").press("1").press("2")  # attempt: not at home, ... end the call
    call.hang_up()
    return call


def test_every_step_log_row_pairs_the_answer_with_its_own_prompt(
    staff_client: FlaskClient, session: Session
) -> None:
    then = an_hour_ago()  # once: the call keys this minute, the checks read the same one
    call = whole_call(staff_client, then)
    rows = exchanges(call_log(session, call).steps)
    answered = [r for r in rows if r.answer]
    assert len(answered) == 32
    for row in answered:
        assert OWN_PROMPT[row.step] in row.heard, (row.step, row.heard, row.answer)
    by_step: dict[str, list[str]] = {}
    for row in answered:
        by_step.setdefault(row.step, []).append(f"{row.answer} -> {row.understood}")
    assert by_step["pin"] == ["PIN withheld -> PIN accepted"]
    assert by_step["when_date"] == [f"{then:%m%d} -> date: {then:%m/%d/%Y}"]
    assert by_step["when_time"][0].startswith(
        f"{then.hour % 12 or 12:02d}{then.minute:02d} -> time: "
    )
    assert by_step["firearms"] == [
        "3 -> firearms: unknown",
        "3 -> firearms: unknown",
        "2 -> firearms: no",
    ]
    assert by_step["police"] == ["2 -> police assistance: no"] * 3
    assert by_step["reason"] == ["1 -> attempt: not at home"]
    assert by_step["another"] == [
        "1 -> another activity",
        "1 -> another activity",
        "2 -> end the call",
    ]
    assert re.fullmatch(r"1 -> recorded, confirmation \d{7}", by_step["rerecord"][0])
    assert by_step["docket"][0].startswith("4012199 -> docket HHD-FA")
    assert by_step["docket"][0].endswith("-4012199-S, The Riddler")
    assert rows[-1].step == "call ended" and prompts.GOODBYE in rows[-1].heard
    assert all(row.at.second == row.at.replace(microsecond=0).second for row in rows)


def test_the_call_page_shows_every_activity_and_the_rows_to_the_second(
    staff_client: FlaskClient, session: Session
) -> None:
    call = whole_call(staff_client, an_hour_ago())
    log = call_log(session, call)
    first, again, attempt = activities_of(session, call)
    page = staff_client.get(f"/staff/calls/{log.id}").get_data(as_text=True)
    for activity in (first, again, attempt):
        assert f"#c{activity.confirmation}" in page and activity.confirmation in page
    assert "Service in hand" in page and "Attempt: not at home" in page
    assert f"yes, replaces confirmation {first.confirmation}" in page
    assert first.docket.canonical in page and attempt.docket.canonical in page
    row = re.search(
        r'<tr class="step">(?:(?!</tr>).)*Firearms alleged\?(?:(?!</tr>).)*</tr>', page, re.S
    )
    assert row and "firearms: unknown" in row.group(0)
    assert re.search(r"\d\d:\d\d:\d\d</td>", page)
    listed = staff_client.get("/staff/calls").get_data(as_text=True)
    assert "3 activities" in listed


def test_the_docket_filter_finds_a_call_by_any_docket_it_recorded_or_looked_up(
    staff_client: FlaskClient, session: Session
) -> None:
    call = whole_call(staff_client, an_hour_ago())
    log = call_log(session, call)
    for docket in ("4012199", "4012198"):
        found = staff_client.get(f"/staff/calls?docket={docket}").get_data(as_text=True)
        assert f"/staff/calls/{log.id}" in found, docket
    assert f"/staff/calls/{log.id}" not in staff_client.get("/staff/calls?docket=4100001").get_data(
        as_text=True
    )


def test_the_docket_page_links_every_phone_activity_to_its_call(
    staff_client: FlaskClient, session: Session
) -> None:
    call = whole_call(staff_client, an_hour_ago())
    log = call_log(session, call)
    first, _again, _attempt = activities_of(session, call)
    page = staff_client.get(f"/staff/dockets/{first.docket_id}").get_data(as_text=True)
    assert page.count(f'href="/staff/calls/{log.id}"') == 2
