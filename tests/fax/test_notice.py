"""The notice a police department prints: every field readable, nothing on the protected person."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ActivityKind, Firearms, Notification
from core.registry import record_activity
from core.settings import Settings
from fax.notice import notice_for, render, wrap
from tests.core.helpers import marshal, report, this_year_docket

SERVED = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)  # 9:05 AM in Connecticut
SENT = datetime(2026, 11, 20, 14, 40, tzinfo=UTC)


def hartford_notice(session: Session, **fields: object) -> Notification:
    """The Riddler served; the notice to Hartford PD (the respondent's town)."""
    docket, toby = this_year_docket(session), marshal(session)
    docket.entered_at = SERVED - timedelta(days=1)  # the fixed service date follows the entry
    done = record_activity(
        session, report(docket, toby, ActivityKind.SERVICE, occurred_at=SERVED, **fields), now=SENT
    )
    return notice_to(session, done.activity_id, "Hartford Police Department")


def notice_to(session: Session, activity_id: int, agency: str) -> Notification:
    rows = session.scalars(select(Notification).where(Notification.activity_id == activity_id))
    return next(n for n in rows if n.agency.name == agency)


def as_text(pdf: bytes, folder: Path) -> str:
    """What a person reads: the page rendered to PNG, and its text read back."""
    (folder / "notice.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-singlefile",
            str(folder / "notice.pdf"),
            str(folder / "notice"),
        ],
        check=True,
    )
    assert (folder / "notice.png").stat().st_size > 10_000
    pages = subprocess.run(
        ["pdfinfo", str(folder / "notice.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert pages.split("Pages:")[1].split()[0] == "1"
    return subprocess.run(
        ["pdftotext", "-layout", str(folder / "notice.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_notice_shows_every_field_a_police_department_needs(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    notification = hartford_notice(
        session, police_assistance=True, firearms=Firearms.YES, firearms_date=date(2026, 11, 18)
    )
    text = as_text(render(notice_for(notification, settings, SENT)), tmp_path)
    activity = notification.activity
    for expected in (
        "Protection Order Registry — Notice of Service",
        "Hartford (HHD)",
        activity.docket.canonical,
        "The Riddler",
        "Service",
        "In hand",
        "11/20/2026 9:05 AM EST",
        "State Marshal Toby Padegenis, SMC number 903",
        "Police assistance requested:",
        "Yes",
        "Firearms allegation:",
        "Yes (alleged 11/18/2026)",
        "Date and time recorded:",
        "11/20/2026 9:40 AM EST",
        activity.confirmation,
        "Sent 11/20/2026 9:40 AM EST",
        "From: State of Connecticut Judicial Branch",
        "Sending fax +1 860-555-0100",
        "Page 1 of 1",
        "To: Hartford Police Department",
    ):
        assert expected in text, expected
    assert "CORRECTED" not in text


def test_the_notice_never_names_the_protected_persons_towns(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    notification = hartford_notice(session)
    docket = notification.activity.docket
    assert docket.protected_home_town and docket.protected_work_town
    text = as_text(render(notice_for(notification, settings, SENT)), tmp_path)
    for town in (docket.protected_home_town.name, docket.protected_work_town.name):
        assert town not in text
    assert "Protected" not in text and "protected" not in text


def test_the_same_notice_renders_to_the_same_bytes(session: Session, settings: Settings) -> None:
    notification = hartford_notice(session)
    first = render(notice_for(notification, settings, SENT))
    assert render(notice_for(notification, settings, SENT)) == first
    later = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    assert render(notice_for(notification, settings, later)) != first


def test_a_re_recorded_service_is_faxed_as_corrected_and_says_what_it_replaces(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    first = hartford_notice(session).activity
    again = record_activity(
        session,
        report(first.docket, marshal(session), occurred_at=SERVED, re_record=True),
        now=SENT,
    )
    notification = notice_to(session, again.activity_id, "Hartford Police Department")
    text = as_text(render(notice_for(notification, settings, SENT)), tmp_path)
    assert "CORRECTED" in text
    assert f"confirmation number {first.confirmation}" in " ".join(text.split())
    assert again.confirmation in text


def notice_of_today(session: Session, **fields: object) -> Notification:
    """The Riddler served just now; the notice to Hartford PD."""
    done = record_activity(
        session, report(this_year_docket(session), marshal(session), ActivityKind.SERVICE, **fields)
    )
    return notice_to(session, done.activity_id, "Hartford Police Department")


def test_a_firearms_allegation_puts_a_banner_at_the_top_and_police_assistance_a_box(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    notification = notice_of_today(
        session, police_assistance=True, firearms=Firearms.YES, firearms_date=date(2026, 11, 18)
    )
    text = as_text(render(notice_for(notification, settings, SENT)), tmp_path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    banner = lines.index("FIREARMS ALLEGED")
    assert banner == 3  # right under the fax header's three lines, above everything else
    assert lines[banner + 1] == "Firearms allegation dated 11/18/2026"
    assert lines[banner + 2] == "POLICE ASSISTANCE REQUESTED"
    assert lines[banner + 3] == "Protection Order Registry — Notice of Service"


def test_without_an_allegation_or_police_request_there_is_no_banner(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    notification = notice_of_today(session, police_assistance=False, firearms=Firearms.NO)
    text = as_text(render(notice_for(notification, settings, SENT)), tmp_path)
    assert "FIREARMS ALLEGED" not in text and "POLICE ASSISTANCE REQUESTED" not in text


def test_a_long_value_is_broken_between_words_into_lines_that_fit() -> None:
    text = "this replaces the service recorded 11/20/2026 9:05 AM EST, confirmation number 42"
    lines = wrap(text, 60, lambda words: 2.0 * len(words))  # two points a character
    assert " ".join(lines) == text
    assert all(len(line) * 2.0 <= 60 for line in lines)
    assert len(lines) > 1
    # greedy: the next line's first word would not have fitted on the line before it
    pairs = zip(lines, lines[1:], strict=False)
    assert all(2.0 * len(f"{a} {b.split()[0]}") > 60 for a, b in pairs)


def test_a_word_longer_than_a_line_stands_alone_and_an_empty_value_keeps_its_line() -> None:
    assert wrap("a verylongword b", 10, len) == ["a", "verylongword", "b"]
    assert wrap("", 10, len) == [""]
