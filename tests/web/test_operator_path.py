"""The operator's path, as the README's "Set up a registry" gives it, on a fresh PostgreSQL
database with no demo data and production settings: db upgrade, the imports, the first admin
with create-account; then, in Chromium against gunicorn, that admin signs in, chooses a password,
enrols a second factor and creates a staff account on the Accounts page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, make_url, text

from tests.conftest import database_url, is_postgres
from tests.web.test_browser import browser, choose_password, free_port, page, shot, sign_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]
BIN = Path(sys.executable).parent
YY = date.today().year % 100
AGENCIES = "name,ori,fax,towns\nHartford Police Department,CT0006400,+1 860 555 0101,Hartford\n"
MARSHALS = (
    "first_name,last_name,smc_number,email,phone,default_court\n"
    "Lena,Okonkwo,611,lena.okonkwo@example.org,+1 860 555 0170,HHD\n"
)
DAYBOOK = (
    "docket,respondent_first,respondent_last,hearing_date,respondent_town,"
    "protected_home_town,protected_work_town\n"
    f"HHD-FA{YY:02d}-4700001-S,Arthur,Fleck,{date.today() + timedelta(days=9)},Hartford,"
    "Hartford,\n"
)


@pytest.fixture()
def fresh_database() -> Iterator[str]:
    """A new, empty PostgreSQL database beside the test one, dropped afterwards."""
    if not is_postgres(database_url()):
        pytest.skip("the operator's path is checked on PostgreSQL")
    url = make_url(database_url())
    url = url.set(database=f"{url.database}_ops")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def operator_env(url: str, instance: Path) -> dict[str, str]:
    """Production (SERVELINE_ENV unset) with its secrets set; http cookies for the loopback."""
    env = {k: v for k, v in os.environ.items() if k not in ("SERVELINE_ENV", "REDIS_URL")}
    env.update(
        DATABASE_URL=url,
        INSTANCE_DIR=str(instance),
        SECRET_KEY="operator-path-secret-0123456789abcdef",
        TWILIO_AUTH_TOKEN="operator-path-twilio-token",
        PIN_PEPPER="operator-path-pin-pepper-0123456789abcdef",
        PUBLIC_BASE_URL="https://serveline.registry.example",
        SESSION_COOKIE_SECURE="0",
    )
    return env


def serveline(env: dict[str, str], *args: str | Path) -> str:
    done = subprocess.run(
        [str(BIN / "serveline"), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture()
def served(fresh_database: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str], str]]:
    """The registry set up as the README says, served by gunicorn: (url, env, admin password)."""
    env = operator_env(fresh_database, tmp_path / "instance")
    for name, rows in (("agencies", AGENCIES), ("marshals", MARSHALS), ("daybook", DAYBOOK)):
        (tmp_path / f"{name}.csv").write_text(rows)
    assert "database is up to date" in serveline(env, "db", "upgrade")
    assert "1 added" in serveline(env, "import-agencies", tmp_path / "agencies.csv")
    assert "1 added" in serveline(env, "import-marshals", tmp_path / "marshals.csv")
    assert "1 added" in serveline(env, "import-daybook", tmp_path / "daybook.csv")
    created = serveline(
        env,
        "create-account",
        "rchief",
        "--role",
        "admin",
        "--email",
        "rosa.chief@example.org",
        "--first",
        "Rosa",
        "--last",
        "Chief",
    )
    password = re.search(r"Initial password: (\S+)", created)
    assert password is not None, created
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "web.app:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz", server)
        yield f"http://127.0.0.1:{port}", env, password.group(1)
    finally:
        server.terminate()
        server.wait(30)


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pytest.fail("gunicorn did not answer in time")


def test_the_first_admin_signs_in_enrols_and_creates_a_staff_account(
    served: tuple[str, dict[str, str], str],
    page: Page,  # noqa: F811
) -> None:
    live, env, initial = served
    sign_in(page, live, "rchief", initial)
    choose_password(page, "Harbor7tulip9lantern")
    shot(page, "operator-enrol")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Calls")).to_be_visible()
    page.get_by_role("link", name="Accounts").click()
    page.get_by_label("Userid").fill("dclerk")
    page.locator("form[action$='/accounts/new'] select[name=role]").select_option("staff")
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Clerk")
    page.get_by_label("Email").fill("dana.clerk@example.org")
    shot(page, "operator-new-account")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Account dclerk created")
    expect(page.locator("#account-dclerk")).to_contain_text("Dana Clerk")
    shot(page, "operator-accounts")
    rows = {row["userid"]: row for row in json.loads(serveline(env, "accounts", "--json"))}
    assert rows["dclerk"]["role"] == "staff" and rows["dclerk"]["must_change_password"]
    assert rows["rchief"]["has_second_factor"] and not rows["rchief"]["must_change_password"]
    assert set(rows) == {"rchief", "lokonkwo", "dclerk"}  # no demo accounts anywhere
