"""Benchmark: record_activity throughput on PostgreSQL (services with their fax outbox rows).

Run: .venv/bin/python bench/record_activity.py [COUNT]   (database sl_bench_core; dropped first)
Prints activities per second and per-call latency. Jobs are counted, not run, so the figure is
the registry write path alone.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from bench._common import bench_url, fresh_database, percentiles, run_with
from core.db import session_scope, utcnow
from core.models import ActivityKind, Channel, Docket, Marshal, ServiceMethod, Town
from core.registry import ActivityReport, record_activity


class CountingQueue:
    def __init__(self) -> None:
        self.count = 0

    def enqueue(
        self, job: str, *args: Any, job_id: str, queue: str = "default", delay: float = 0
    ) -> None:
        self.count += 1


def make_dockets(count: int) -> list[int]:
    """Dockets whose three towns are covered by three different demo agencies."""
    with session_scope() as session:
        towns = {t.name: t.id for t in session.scalars(select(Town))}
        entered = utcnow() - timedelta(days=30)
        rows = [
            dict(
                court_code="HHD",
                case_type="FA",
                year=date.today().year % 100,
                number=f"{5_000_000 + i:07d}",
                suffix="S",
                respondent_first="Bench",
                respondent_last=f"Respondent{i}",
                is_open=True,
                entered_at=entered,
                respondent_town_id=towns["Hartford"],
                protected_home_town_id=towns["West Hartford"],
                protected_work_town_id=towns["Wethersfield"],
            )
            for i in range(count)
        ]
        session.execute(insert(Docket), rows)
        return list(session.scalars(select(Docket.id).where(Docket.respondent_first == "Bench")))


def main(count: int) -> None:
    url = bench_url("sl_bench_core")
    bench = fresh_database(url)
    queue = CountingQueue()
    run_with(bench.settings, database=bench.database, queue=queue)
    docket_ids = make_dockets(count)
    with session_scope() as session:
        marshal_id = session.scalar(select(Marshal.id).where(Marshal.smc_number == "903"))
    assert marshal_id is not None
    samples: list[float] = []
    started = time.perf_counter()
    for i, docket_id in enumerate(docket_ids):
        t0 = time.perf_counter()
        with session_scope() as session:
            record_activity(
                session,
                ActivityReport(
                    docket_id=docket_id,
                    marshal_id=marshal_id,
                    kind=ActivityKind.SERVICE,
                    channel=Channel.SMS,
                    source_id=f"bench-{i}",
                    method=ServiceMethod.HAND,
                ),
            )
        samples.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    print(
        f"record_activity on PostgreSQL: {count} services in {elapsed:.1f} s = "
        f"{count / elapsed:.0f} activities/s (one process, one transaction each, "
        f"3 fax rows each; {queue.count} jobs queued)"
    )
    print(f"per call: {percentiles(samples)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
