"""The unserved report against a hand-built daybook: which dockets, in which order, held by whom;
and the statistics' count of hearings reached with nothing recorded."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from core.dockets import parse_canonical
from core.models import ActivityKind
from core.registry import docket_by_canonical, record_activity
from tests.core.helpers import marshal, report
from web.cli import main
from web.stats import statistics

ZONE = ZoneInfo("America/New_York")
YY = date.today().year % 100
TODAY = date.today()
ON = ("--on", TODAY.isoformat())  # the daybook's dates count from the machine's day


def daybook(tmp_path: Path) -> Path:
    rows = [
        ("4700001", "Ann", "One", 1, "903", "HHD"),
        ("4700002", "Bob", "Two", 3, "903", "HHD"),
        ("4700003", "Cy", "Three", -2, "", "HHD"),
        ("4700004", "Di", "Four", 2, "417", "KNL"),
        ("4700005", "Ed", "Five", 2, "417", "KNL"),
        ("4700006", "Fi", "Six", 20, "903", "HHD"),
        ("4700007", "Gus", "Seven", 5, "", "HHD"),
    ]
    lines = [
        "docket,respondent_first,respondent_last,hearing_date,respondent_town,"
        "protected_home_town,protected_work_town,assigned_smc"
    ]
    for number, first, last, days, smc, court in rows:
        hearing = (TODAY + timedelta(days=days)).isoformat()
        lines.append(f"{court}-FA{YY:02d}-{number}-S,{first},{last},{hearing},Hartford,,,{smc}")
    path = tmp_path / "daybook.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def docket(session: Session, court: str, number: str) -> object:
    found = docket_by_canonical(session, parse_canonical(f"{court}-FA{YY:02d}-{number}-S"))
    assert found is not None
    return found


def test_the_report_lists_what_is_near_with_nothing_recorded_by_hearing_date(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    imported = runner.invoke(main, ["import-daybook", str(daybook(tmp_path))])
    assert imported.exit_code == 0, imported.output
    record_activity(session, report(docket(session, "KNL", "4700004"), marshal(session, "417")))
    record_activity(
        session,
        report(
            docket(session, "KNL", "4700005"),
            marshal(session, "417"),
            ActivityKind.ATTEMPT,
            attempt_reason="MV",
        ),
    )
    record_activity(
        session,
        report(docket(session, "HHD", "4700007"), marshal(session, "522"), ActivityKind.RECEIPT),
    )
    session.commit()

    listed = runner.invoke(main, ["unserved", "--days", "7", "--json", *ON])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [
        (r["docket"][-9:-2], r["days_to_hearing"], r["holder_smc"], r["last_activity"])
        for r in rows
    ] == [
        ("4700003", -2, None, None),
        ("4700001", 1, "903", None),
        ("4700002", 3, "903", None),
        ("4700007", 5, "522", "RECEIPT"),
    ]
    assert rows[1]["holder"] == "Toby Padegenis" and rows[1]["reminded_at"] is None

    knl = runner.invoke(main, ["unserved", "--court", "KNL", "--json", *ON])
    assert json.loads(knl.output) == []
    two = json.loads(runner.invoke(main, ["unserved", "--days", "2", "--json", *ON]).output)
    assert [r["docket"][-9:-2] for r in two] == ["4700003", "4700001"]
    as_csv = runner.invoke(main, ["unserved", "--csv", *ON]).output
    table = list(csv.DictReader(io.StringIO(as_csv)))
    assert [r["docket"][-9:-2] for r in table] == ["4700003", "4700001", "4700002", "4700007"]
    assert table[0]["holder"] == "" and table[3]["last_activity"] == "RECEIPT"


def test_the_statistics_count_hearings_reached_with_nothing_recorded(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    runner.invoke(main, ["import-daybook", str(daybook(tmp_path))])
    passed = TODAY - timedelta(days=2)
    rows = statistics(session, passed.year, ZONE)
    month = next(r for r in rows if r.month == f"{passed:%Y-%m}" and r.court == "HHD")
    assert month.hearings_with_nothing_recorded == 1  # Cy Three's hearing, two days ago
    cy = docket(session, "HHD", "4700003")
    cy.entered_at -= timedelta(days=5)  # type: ignore[attr-defined]
    before_hearing = datetime.combine(passed - timedelta(days=1), time(10), ZONE)
    record_activity(
        session,
        report(
            cy,
            marshal(session),
            ActivityKind.ATTEMPT,  # type: ignore[arg-type]
            attempt_reason="NH",
            occurred_at=before_hearing,
        ),
    )
    rows = statistics(session, passed.year, ZONE)
    assert all(r.hearings_with_nothing_recorded == 0 for r in rows)
