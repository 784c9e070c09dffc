"""Shared set-up for the benchmarks: a fresh PostgreSQL database, migrated, with the demo data."""

from __future__ import annotations

import os
import statistics
from datetime import date

from sqlalchemy import create_engine, make_url, text

from core.db import db, session_scope
from core.demo import seed_demo
from web.migrate import upgrade


def bench_url(name: str) -> str:
    return os.environ.get("BENCH_DATABASE_URL",
                          f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database, migrate it and load the demo data."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    upgrade(url)
    db.configure(url)
    with session_scope() as session:
        seed_demo(session, date.today())


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, "
            f"max {ordered[-1]:.2f} ms (n={len(ordered)})")
