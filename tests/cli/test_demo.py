"""The demo stays demo: loading it again keeps what people chose; it prints what a newcomer
needs; production will not load it."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy.orm import Session

from core.accounts import hash_secret, pin_matches, secret_matches, set_pin
from core.demo import STAFF_PASSWORD, seed_demo
from tests.web.conftest import by_userid
from web.cli import main


def test_seed_demo_again_keeps_a_pin_and_a_password_a_person_chose(session: Session) -> None:
    toby, registry = by_userid(session, "tpadegenis"), by_userid(session, "registry")
    set_pin(toby, "402918")
    registry.password_hash, registry.must_change_password = hash_secret("Chosen2026pw"), False
    session.commit()
    seed_demo(session, date.today())
    session.commit()
    session.expire_all()
    assert pin_matches(by_userid(session, "tpadegenis").pin_hash, "402918")
    assert secret_matches(by_userid(session, "registry").password_hash, "Chosen2026pw")


def test_the_demo_staff_account_must_change_its_printed_password(session: Session) -> None:
    registry = by_userid(session, "registry")
    assert registry.must_change_password and registry.role == "admin"
    assert secret_matches(registry.password_hash, STAFF_PASSWORD)


def test_seed_demo_prints_the_dockets_the_marshals_and_the_staff_sign_in(
    runner: FlaskCliRunner,
) -> None:
    result = runner.invoke(main, ["seed-demo", "--url", "http://127.0.0.1:5055"])
    assert result.exit_code == 0, result.output
    yy = date.today().year % 100
    assert f"HHD-FA{yy:02d}-4012199-S  The Riddler" in result.output
    assert (
        "SMC 903  Toby Padegenis   phone +18605550190  userid tpadegenis  PIN 246810"
        in result.output
    )
    assert (
        f"Staff pages: http://127.0.0.1:5055/sign-in  userid registry, password {STAFF_PASSWORD}"
    ) in result.output


def test_production_will_not_load_the_demo(app: Flask, runner: FlaskCliRunner) -> None:
    app.config["SERVELINE"] = app.config["SERVELINE"].but(environment="production")
    result = runner.invoke(main, ["seed-demo"])
    assert result.exit_code == 1 and "only for a development run" in result.output
