"""A town no police department covers is shown to staff, not silently skipped."""

from __future__ import annotations

import json

from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from core.registry import record_activity
from tests.core.helpers import marshal, report, this_year_docket
from web.cli import main


def test_serveline_routing_gaps_lists_a_service_in_a_town_without_an_agency(
    session: Session, runner: FlaskCliRunner
) -> None:
    docket = this_year_docket(session, court="KNL", number="4055555")  # Norwich: no agency
    done = record_activity(session, report(docket, marshal(session, "417")))
    session.flush()
    assert done.notification_ids == [] and done.towns_without_agency == ["Norwich"]

    rows = json.loads(runner.invoke(main, ["routing-gaps", "--json"]).output)
    assert [(r["town"], r["docket"]) for r in rows] == [("Norwich", docket.canonical)]
    text = runner.invoke(main, ["routing-gaps"]).output
    assert "Norwich" in text and "serveline import-agencies" in text


def test_serveline_routing_gaps_says_so_when_every_town_had_an_agency(
    runner: FlaskCliRunner,
) -> None:
    assert "every town" in runner.invoke(main, ["routing-gaps"]).output
