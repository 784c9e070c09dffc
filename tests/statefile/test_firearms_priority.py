"""A texted service with F=Y: faxes with the FIREARMS ALLEGED banner, one state-file message,
one priority mail; the ack read by `serveline state-file --json`."""

from __future__ import annotations

import json
import subprocess
from email import message_from_bytes
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from tests.conftest import reconfigure
from tests.sms.conftest import Phone
from tests.statefile.conftest import ack, spooled
from web.cli import main


def pdf_text(pdf: Path) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_a_texted_service_with_firearms_alleged_is_a_priority_everywhere(
    santos: Phone,
    state_spool: Path,
    runner: FlaskCliRunner,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert santos.send("PIN 135792") is not None
    assert "firearms YES" in (santos.send("S 4012199 H 9am P F=Y") or "")
    assert (santos.send("OK") or "").startswith("Recorded KNL-FA")

    faxes = sorted((state_spool.parent / "fax-spool").glob("*.pdf"))
    assert len(faxes) == 2  # New London PD and Groton Town PD
    for fax in faxes:
        text = pdf_text(fax)
        assert text.index("FIREARMS ALLEGED") < text.index("Notice of Service")
        assert "POLICE ASSISTANCE REQUESTED" in text

    [message] = spooled(state_spool).values()
    assert message["firearms"]["allegation"] == "YES"
    assert message["case"]["respondent"] == {"first_name": "Harvey", "last_name": "Dent"}

    [mail] = [
        message_from_bytes(p.read_bytes()) for p in (state_spool.parent / "outbox").glob("*.eml")
    ]
    assert mail["Subject"].startswith("PRIORITY - firearms alleged: KNL-FA")
    body = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Harvey Dent" in body and "Maria Santos (SMC 417)" in body

    ack(state_spool, message["message_id"], "accepted")
    listed = runner.invoke(main, ["state-file", "--json"])
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert (row["status"], row["firearms"], row["kind"]) == ("accepted", "YES", "service")


def test_the_priority_text_goes_to_priority_sms_to_when_set(
    santos: Phone, state_spool: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reconfigure(priority_sms_to="+18605550999", sms_outbox_dir=tmp_path / "texts")
    santos.send("PIN 135792")
    santos.send("S 4012199 AB F=Y")
    santos.send("OK")
    [text] = [json.loads(p.read_text()) for p in (tmp_path / "texts").glob("*.json")]
    assert text["to"] == "+18605550999"
    assert text["body"].startswith("PRIORITY firearms alleged: KNL-FA")
