"""Benchmark: docket look-up latency with 1,000,000 dockets in PostgreSQL.

Run: .venv/bin/python bench/docket_lookup.py [COUNT]   (database sl_bench_lookup; dropped first)
Loads COUNT dockets with COPY across the demo courts and ten years, then times find_docket for
exact dockets, bare numbers (looked up across courts and years) and unknown numbers.
"""

from __future__ import annotations

import io
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text

from bench._common import bench_url, fresh_database, percentiles
from core.codes import CONNECTICUT_COURTS
from core.db import session_scope
from core.dockets import DocketNumber
from core.registry import find_docket
from core.services import current

COURTS = [code for code, _ in CONNECTICUT_COURTS]


def load(count: int) -> None:
    """COPY the dockets in: number i lives in court i % 15, year 16 + i % 10."""
    buffer = io.StringIO()
    entered = datetime(2016, 1, 1, tzinfo=UTC).isoformat()
    for i in range(count):
        buffer.write(
            f"{COURTS[i % len(COURTS)]}\tFA\t{16 + i % 10}\t{1_000_000 + i:07d}\tS\t"
            f"First{i}\tLast{i}\t{'t' if i % 3 else 'f'}\t{entered}\n"
        )
    buffer.seek(0)
    engine = current().database.engine
    assert engine is not None
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            copy_sql = (
                "COPY docket (court_code, case_type, year, number, suffix, "
                "respondent_first, respondent_last, is_open, entered_at) FROM STDIN"
            )
            with cursor.copy(copy_sql) as copy:
                copy.write(buffer.getvalue())
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as connection:
        connection.execute(text("ANALYZE docket"))
        connection.commit()


def docket_for(i: int) -> DocketNumber:
    return DocketNumber(COURTS[i % len(COURTS)], "FA", 16 + i % 10, f"{1_000_000 + i:07d}", "S")


def bare(number: str) -> DocketNumber:
    return DocketNumber("HHD", "FA", 26, number, "S", given=frozenset({"number"}))


def time_lookups(label: str, wanted: Callable[[int], DocketNumber], count: int, n: int) -> None:
    samples: list[float] = []
    rng = random.Random(7)
    with session_scope() as session:
        for _ in range(n):
            target = wanted(rng.randrange(count))
            t0 = time.perf_counter()
            find_docket(session, target)
            samples.append((time.perf_counter() - t0) * 1000)
    print(f"{label:<40} {percentiles(samples)}")


def main(count: int) -> None:
    fresh_database(bench_url("sl_bench_lookup"))
    t0 = time.perf_counter()
    load(count)
    print(f"loaded {count:,} dockets in {time.perf_counter() - t0:.1f} s")
    time_lookups("exact docket", docket_for, count, 2000)
    time_lookups(
        "bare number, found across courts/years",
        lambda i: bare(f"{1_000_000 + i:07d}"),
        count,
        2000,
    )
    time_lookups("bare number, not on file", lambda i: bare(f"{9_000_000 + i:07d}"), count, 2000)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
