"""Benchmark: state-file messages per second from record_activity to the spool, one RQ worker.

Run: .venv/bin/python -m bench.state_file_throughput [SERVICES]
(PostgreSQL sl_bench_state_file, dropped first; Redis db 3, emptied; spools in a temporary
folder.) Each service is on Edward Nygma's docket, whose town (Norwich) no police department in
the demo data covers: it owes one state-file message and no fax, so the figure is the state
file's alone. Re-recorded after the first, every message after the first is a correction that
waits for the one before (the worst case: one docket, strictly in order).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis
from sqlalchemy import select

from bench._common import bench_url, fresh_database, run_with
from bench.fax_throughput import REDIS
from core.db import session_scope
from core.models import ActivityKind, Channel, Docket, Marshal, ServiceMethod
from core.registry import ActivityReport, record_activity


def start_worker(url: str, folder: Path) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        REDIS_URL=REDIS,
        FAX_PROVIDER="spool",
        FAX_SPOOL_DIR=str(folder / "fax"),
        STATE_FILE_PROVIDER="spool",
        STATE_FILE_SPOOL_DIR=str(folder / "state-file"),
    )
    serveline = Path(sys.executable).parent / "serveline"
    return subprocess.Popen(
        [str(serveline), "worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def record_services(count: int) -> None:
    """Record ``count`` services on Nygma's docket, each in its own transaction."""
    with session_scope() as session:
        docket = session.scalars(select(Docket).where(Docket.number == "4055555")).one()
        santos = session.scalars(select(Marshal).where(Marshal.smc_number == "417")).one()
        docket_id, marshal_id = docket.id, santos.id
    for n in range(count):
        with session_scope() as session:
            record_activity(
                session,
                ActivityReport(
                    docket_id,
                    marshal_id,
                    ActivityKind.SERVICE,
                    Channel.SMS,
                    f"bench-sf-{n}",
                    method=ServiceMethod.HAND,
                    re_record=n > 0,
                ),
            )


def wait_for(spool: Path, owed: int, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while len(list(spool.glob("*.json"))) < owed:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(list(spool.glob('*.json')))} of {owed} messages spooled")
        time.sleep(0.02)


def main(count: int) -> None:
    url = bench_url("sl_bench_state_file")
    bench = fresh_database(url)
    Redis.from_url(REDIS).flushdb()
    run_with(bench.settings.but(redis_url=REDIS), database=bench.database)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        worker = start_worker(url, folder)
        time.sleep(3)  # the worker's start-up is not part of the figure
        started = time.perf_counter()
        record_services(count)
        recorded = time.perf_counter() - started
        wait_for(folder / "state-file", count)
        elapsed = time.perf_counter() - started
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
    Redis.from_url(REDIS).flushdb()
    print(
        f"{count} services: recorded in {recorded:.2f} s; {count} state-file messages spooled "
        f"after {elapsed:.2f} s with one RQ worker = {count / elapsed:.1f} messages per second"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
