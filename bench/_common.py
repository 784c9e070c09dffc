"""Shared set-up for the benchmarks: a fresh PostgreSQL database, migrated, with the demo data."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session

from core import accounts
from core.db import session_scope
from core.demo import seed_demo
from core.models import Docket, Marshal, MarshalPhone, Town
from core.services import Services, enter
from core.settings import PROJECT_ROOT, Settings, load_settings
from web import services
from web.migrate import upgrade

# Benchmarks are development runs: the servers and workers they start use development secrets.
os.environ.setdefault("SERVELINE_ENV", "development")


def bench_url(name: str) -> str:
    return os.environ.get(
        "BENCH_DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    )


def run_with(settings: Settings, **parts: Any) -> Services:
    """This benchmark's services (it is its own composition root), entered for the rest of
    its run; a later call replaces them."""
    built = services.build(settings, **parts)
    enter(built)
    return built


def fresh_database(url: str) -> Services:
    """Drop and create the benchmark database, migrate it and load the demo data."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    upgrade(url)
    built = run_with(load_settings().but(database_url=url, redis_url=None))
    with session_scope() as session:
        seed_demo(session, date.today())
    return built


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, "
        f"max {ordered[-1]:.2f} ms (n={len(ordered)})"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


GUNICORN = ["-w", "2", "-k", "gthread", "--threads", "16", "--log-level", "warning"]


def start_gunicorn(
    base: str, port: int, env: dict[str, str], app: str = "web.app:create_app()"
) -> subprocess.Popen[bytes]:
    """gunicorn (2 workers x 16 threads) serving the app on loopback; waits for /healthz."""
    command = [str(PROJECT_ROOT / ".venv/bin/gunicorn"), *GUNICORN, "-b", f"127.0.0.1:{port}", app]
    server = subprocess.Popen(command, env={**os.environ, **env}, cwd=PROJECT_ROOT)
    for _ in range(300):
        try:
            requests.get(f"{base}/healthz", timeout=5)
            return server
        except requests.RequestException:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def add_bench_marshal(
    session: Session, userid: str, smc: str, phone: str, number: str, pin: str
) -> Marshal:
    """A marshal with a PIN and a phone of their own, and a docket of their own (HHD, this year,
    entered two days ago: a first service, no re-record question), whose service owes two
    faxes as most do: the respondent in Hartford, the protected person at home in West Hartford
    (the demo's towns and police departments)."""
    marshal = Marshal(
        userid=userid,
        first_name="Bench",
        last_name=userid.capitalize(),
        smc_number=smc,
        default_court="HHD",
    )
    accounts.set_pin(marshal, pin)
    marshal.phones.append(MarshalPhone(number=phone))
    session.add(marshal)
    now = datetime.now(UTC)
    session.add(
        Docket(
            court_code="HHD",
            case_type="FA",
            year=now.year % 100,
            number=number,
            suffix="S",
            respondent_first="Bench",
            respondent_last=number,
            respondent_town_id=_town_id(session, "Hartford"),
            protected_home_town_id=_town_id(session, "West Hartford"),
            entered_at=now - timedelta(days=2),
        )
    )
    return marshal


def _town_id(session: Session, name: str) -> int:
    found = session.scalar(select(Town.id).where(Town.name == name))
    if found is None:
        raise SystemExit(f"the demo data has no town {name!r}")
    return found
