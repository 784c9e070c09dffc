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
import sys
import tempfile
import time
from pathlib import Path

from redis import Redis

from bench._common import bench_url, fresh_database, run_with
from bench.fax_throughput import REDIS, record_services, start_worker, wait_for


def main(count: int) -> None:
    url = bench_url("sl_bench_state_file")
    bench = fresh_database(url)
    Redis.from_url(REDIS).flushdb()
    run_with(bench.settings.but(redis_url=REDIS), database=bench.database)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        worker = start_worker(
            url,
            FAX_SPOOL_DIR=str(folder / "fax"),
            STATE_FILE_PROVIDER="spool",
            STATE_FILE_SPOOL_DIR=str(folder / "state-file"),
        )
        time.sleep(3)  # the worker's start-up is not part of the figure
        started = time.perf_counter()
        record_services(count, docket_number="4055555", smc="417")  # Nygma's, by Santos
        recorded = time.perf_counter() - started
        wait_for(folder / "state-file", count, "messages")
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
