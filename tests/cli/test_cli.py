"""The serveline command: imports all or nothing with line and column, JSON reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import Result
from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import ActivityKind, Agency, Docket, Marshal
from core.registry import record_activity
from tests.core.helpers import marshal, report, this_year_docket
from web.cli import main

YY = date.today().year % 100
DAYBOOK_HEADER = (
    "docket,respondent_first,respondent_last,hearing_date,respondent_town,"
    "protected_home_town,protected_work_town\n"
)


def serveline(runner: FlaskCliRunner, args: list[str]) -> Result:
    """Run a serveline command against the test app."""
    return runner.invoke(main, args)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_daybook_import_adds_and_updates_dockets(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    csv = write(
        tmp_path,
        "daybook.csv",
        DAYBOOK_HEADER
        + f"HHD-FA{YY}-4999999-S,Bruce,Wayne,2026-12-01,Hartford,,\n"
        + f"HHD-FA{YY}-4012199-S,Edward,Riddler,,Hartford,West Hartford,\n",
    )
    result = serveline(runner, ["import-daybook", str(csv)])
    assert result.exit_code == 0, result.output
    assert "1 added, 1 updated" in result.output
    wayne = session.scalar(select(Docket).where(Docket.number == "4999999"))
    assert wayne is not None and wayne.hearing_date == date(2026, 12, 1)


def test_a_bad_row_names_file_line_and_column_and_imports_nothing(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    csv = write(
        tmp_path,
        "daybook.csv",
        DAYBOOK_HEADER
        + f"HHD-FA{YY}-4888888-S,Good,Row,,Hartford,,\n"
        + f"HHD-FA{YY}-4888889-S,Bad,Date,12/01/2026,Hartford,,\n",
    )
    result = serveline(runner, ["import-daybook", str(csv)])
    assert result.exit_code == 1
    assert f"{csv}: line 3, column hearing_date" in result.output
    assert "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert session.scalar(select(Docket).where(Docket.number == "4888888")) is None


def test_an_unknown_court_and_a_short_number_are_named(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    csv = write(tmp_path, "d.csv", DAYBOOK_HEADER + f"XYZ-FA{YY}-4888888-S,A,B,,,,\n")
    output = serveline(runner, ["import-daybook", str(csv)]).output
    assert "line 2, column docket: there is no court location XYZ" in output
    csv = write(tmp_path, "e.csv", DAYBOOK_HEADER + f"HHD-FA{YY}-48888-S,A,B,,,,\n")
    assert "line 2, column docket" in serveline(runner, ["import-daybook", str(csv)]).output


def test_a_missing_header_column_is_named(runner: FlaskCliRunner, tmp_path: Path) -> None:
    csv = write(tmp_path, "a.csv", "name,ori,towns\nX,CT1,Hartford\n")
    result = serveline(runner, ["import-agencies", str(csv)])
    assert result.exit_code == 1 and "line 1, column fax" in result.output


def test_marshals_get_deduplicated_userids_and_e164_phones(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    csv = write(
        tmp_path,
        "m.csv",
        "first_name,last_name,smc_number,email,phone,default_court\n"
        "Tina,Padegenis,950,tina@example.org,(860) 555-0177,HHD\n",
    )
    result = serveline(runner, ["import-marshals", str(csv)])
    assert result.exit_code == 0, result.output
    tina = session.scalar(select(Marshal).where(Marshal.smc_number == "950"))
    assert tina is not None and tina.userid == "tpadegenis2"
    assert [p.number for p in tina.phones] == ["+18605550177"]


def test_a_bad_phone_or_trivial_pin_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    header = "first_name,last_name,smc_number,email,phone,default_court,pin\n"
    csv = write(tmp_path, "m.csv", header + "A,B,951,a@example.org,12,HHD,\n")
    assert "line 2, column phone" in serveline(runner, ["import-marshals", str(csv)]).output
    csv = write(tmp_path, "n.csv", header + "A,B,951,a@example.org,,HHD,111111\n")
    assert "line 2, column pin" in serveline(runner, ["import-marshals", str(csv)]).output


def test_agencies_are_upserted_by_ori_with_their_towns(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    csv = write(
        tmp_path,
        "a.csv",
        "name,ori,fax,towns\nNorwich Police Department,CT0010400,860-555-0111,Norwich; Preston\n",
    )
    assert serveline(runner, ["import-agencies", str(csv)]).exit_code == 0
    agency = session.scalar(select(Agency).where(Agency.ori == "CT0010400"))
    assert agency is not None and agency.fax == "+18605550111"
    assert sorted(t.name for t in agency.towns) == ["Norwich", "Preston"]


def test_activities_json_lists_every_field_newest_first(
    runner: FlaskCliRunner, session: Session
) -> None:
    docket, toby = this_year_docket(session), marshal(session)
    record_activity(session, report(docket, toby, ActivityKind.RECEIPT))
    record_activity(session, report(docket, toby, police_assistance=True))
    result = serveline(runner, ["activities", docket.canonical, "--json"])
    rows = json.loads(result.output)
    assert [r["activity"] for r in rows] == ["SERVICE", "RECEIPT"]
    assert set(rows[0]) == {
        "activity",
        "method",
        "reason",
        "transfer_to_smc",
        "comment",
        "police_assistance",
        "firearms",
        "firearms_date",
        "occurred_at",
        "recorded_at",
        "channel",
        "marshal_smc",
        "confirmation",
        "late",
        "current",
        "id",
        "activity_words",
        "firearms_words",
        "channel_words",
    }
    assert rows[0]["police_assistance"] is True and rows[0]["marshal_smc"] == "903"
    assert rows[0]["occurred_at"][-6:] in {"-05:00", "-04:00"}


def test_faxes_json_shows_agency_number_and_status(
    runner: FlaskCliRunner, session: Session
) -> None:
    docket = this_year_docket(session, number="4012198")
    record_activity(session, report(docket, marshal(session)))
    rows = json.loads(serveline(runner, ["faxes", "--docket", docket.canonical, "--json"]).output)
    assert [(r["agency"], r["fax"]) for r in rows] == [
        ("Hartford Police Department", "+18605550101")
    ]
    assert rows[0]["status"] in {"pending", "sending", "delivered"}


def test_an_unknown_docket_is_a_clear_error(runner: FlaskCliRunner) -> None:
    result = serveline(runner, ["activities", "HHD-FA14-0000001-S", "--json"])
    assert result.exit_code == 1 and "is not in the registry" in result.output


def test_seeding_the_demo_twice_changes_nothing(runner: FlaskCliRunner, session: Session) -> None:
    before = session.scalar(select(Docket.id).order_by(Docket.id.desc()))
    assert serveline(runner, ["seed-demo"]).exit_code == 0
    assert session.scalar(select(Docket.id).order_by(Docket.id.desc())) == before


def test_activities_takes_a_bare_number_as_the_lines_do(
    runner: FlaskCliRunner, session: Session
) -> None:
    docket = this_year_docket(session, number="4012198")
    record_activity(session, report(docket, marshal(session), ActivityKind.RECEIPT))
    result = serveline(runner, ["activities", "4012198", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["activity"] for r in json.loads(result.output)] == ["RECEIPT"]


def test_activities_lists_the_matches_of_a_bare_number_on_several_cases(
    runner: FlaskCliRunner,
) -> None:
    result = serveline(runner, ["activities", "4012199", "--json"])
    assert result.exit_code == 1
    assert "4012199 matches 2 cases:" in result.output
    assert "HHD-FA" in result.output and "KNL-FA" in result.output
