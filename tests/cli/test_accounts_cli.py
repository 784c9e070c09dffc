"""Accounts and court locations from the command line: create-account, accounts --json,
import-courts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import secret_matches
from core.codes import CONNECTICUT_COURTS
from core.models import AuditEvent, Court, Marshal
from web.cli import main


def create(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(main, ["create-account", *args])
    return result.exit_code, result.output


def test_create_account_prints_the_initial_password_email_without_a_mail_server(
    runner: FlaskCliRunner, session: Session
) -> None:
    code, output = create(
        runner,
        "aadmin",
        "--role",
        "admin",
        "--email",
        "ada@example.org",
        "--first",
        "Ada",
        "--last",
        "Admin",
    )
    assert code == 0, output
    assert "account aadmin created (admin)" in output
    assert "Sign in at https://serveline.test/sign-in" in output
    password = re.search(r"Initial password: (\S+)", output)
    assert password is not None
    ada = session.scalar(select(Marshal).where(Marshal.userid == "aadmin"))
    assert ada is not None and ada.role == "admin" and ada.must_change_password
    assert secret_matches(ada.password_hash, password.group(1))
    audit = session.scalar(
        select(AuditEvent).where(
            AuditEvent.kind == "account_created", AuditEvent.marshal_id == ada.id
        )
    )
    assert audit is not None and audit.detail["by"].startswith("command line")


def test_a_duplicate_userid_or_a_bad_role_is_a_clear_error_with_exit_code_1(
    runner: FlaskCliRunner,
) -> None:
    code, output = create(
        runner,
        "tpadegenis",
        "--role",
        "marshal",
        "--email",
        "t@example.org",
        "--first",
        "Toby",
        "--last",
        "Padegenis",
    )
    assert code == 1 and "there is already an account with userid tpadegenis" in output
    code, output = create(
        runner,
        "bboss",
        "--role",
        "boss",
        "--email",
        "b@example.org",
        "--first",
        "B",
        "--last",
        "Boss",
    )
    assert code == 1 and "'boss' is not a role: use marshal, staff, admin" in output
    assert "Traceback" not in output


def test_accounts_json_lists_every_account_and_no_secret(runner: FlaskCliRunner) -> None:
    result = runner.invoke(main, ["accounts", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["userid"]: row for row in json.loads(result.output)}
    assert rows["tpadegenis"] == {
        "userid": "tpadegenis",
        "role": "marshal",
        "first_name": "Toby",
        "last_name": "Padegenis",
        "smc_number": "903",
        "email": "toby.padegenis@example.org",
        "active": True,
        "locked": False,
        "must_change_password": True,
        "has_second_factor": False,
    }
    assert rows["registry"]["role"] == "admin"
    assert not re.search(r"hash|secret|\$argon2", result.output)


def test_the_connecticut_courts_come_with_the_migrations(session: Session) -> None:
    courts = {code: name for code, name in session.execute(select(Court.code, Court.name))}
    assert set(CONNECTICUT_COURTS) <= set(courts.items())
    assert courts["HHD"] == "Hartford" and courts["NNI"] == "Meriden"


def test_import_courts_adds_and_renames_all_or_nothing(
    runner: FlaskCliRunner, session: Session, tmp_path: Path
) -> None:
    good = tmp_path / "courts.csv"
    good.write_text("code,name\nnyk,New York County\nHHD,Hartford (Family)\n")
    result = runner.invoke(main, ["import-courts", str(good)])
    assert result.exit_code == 0 and "1 added, 1 updated" in result.output
    session.expire_all()
    assert session.get(Court, "NYK").name == "New York County"  # type: ignore[union-attr]
    assert session.get(Court, "HHD").name == "Hartford (Family)"  # type: ignore[union-attr]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nBOS,Boston\nLONG,Too long a code\n")
    result = runner.invoke(main, ["import-courts", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: line 3, column code: 'LONG' is not a court code of three letters" in (
        result.output
    )
    assert session.get(Court, "BOS") is None
