"""Benchmark: notices per second from record_activity to the spool folder, one RQ worker.

Run: .venv/bin/python -m bench.fax_throughput [SERVICES]
(PostgreSQL sl_bench_fax, dropped first; Redis db 3, emptied; spool in a temporary folder.)
Each service on the Riddler's docket owes three faxes (respondent's and protected person's towns).
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
from core.db import session_scope
from core.models import ActivityKind, Channel, Docket, Marshal, ServiceMethod
from core.registry import ActivityReport, record_activity

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")


def start_worker(url: str, **spools: str) -> subprocess.Popen[bytes]:
    """``serveline worker`` on the bench database and Redis; ``spools``: more settings, e.g.
    ``FAX_SPOOL_DIR``."""
    env = dict(os.environ, DATABASE_URL=url, REDIS_URL=REDIS, FAX_PROVIDER="spool", **spools)
    serveline = Path(sys.executable).parent / "serveline"
    return subprocess.Popen(
        [str(serveline), "worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def worker_cpu_seconds(pid: int) -> float:
    """CPU the worker used, with the work horses it waited for (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def record_services(count: int, docket_number: str = "4012199", smc: str = "903") -> int:
    """Record ``count`` services (re-recorded after the first), each in its own transaction;
    the faxes they owe."""
    owed = 0
    with session_scope() as session:
        docket = session.scalars(select(Docket).where(Docket.number == docket_number)).first()
        marshal = session.scalars(select(Marshal).where(Marshal.smc_number == smc)).one()
        assert docket is not None
        docket_id, marshal_id = docket.id, marshal.id
    for n in range(count):
        with session_scope() as session:
            done = record_activity(
                session,
                ActivityReport(
                    docket_id,
                    marshal_id,
                    ActivityKind.SERVICE,
                    Channel.SMS,
                    f"bench-{docket_number}-{n}",
                    method=ServiceMethod.HAND,
                    re_record=n > 0,
                ),
            )
            owed += len(done.notification_ids)
    return owed


def wait_for(spool: Path, owed: int, what: str = "faxes", limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while len(list(spool.glob("*.json"))) < owed:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(list(spool.glob('*.json')))} of {owed} {what} spooled")
        time.sleep(0.02)


def main(count: int) -> None:
    url = bench_url("sl_bench_fax")
    bench = fresh_database(url)
    Redis.from_url(REDIS).flushdb()
    run_with(bench.settings.but(redis_url=REDIS), database=bench.database)
    with tempfile.TemporaryDirectory() as folder:
        spool = Path(folder)
        worker = start_worker(url, FAX_SPOOL_DIR=str(spool))
        time.sleep(3)  # the worker's start-up is not part of the figure
        cpu_at_start = worker_cpu_seconds(worker.pid)
        started = time.perf_counter()
        owed = record_services(count)
        recorded = time.perf_counter() - started
        wait_for(spool, owed)
        elapsed = time.perf_counter() - started
        cpu = worker_cpu_seconds(worker.pid) - cpu_at_start
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
    Redis.from_url(REDIS).flushdb()
    print(
        f"{count} services, {owed} faxes: recorded in {recorded:.2f} s; "
        f"all spooled after {elapsed:.2f} s with one RQ worker = "
        f"{owed / elapsed:.1f} notices per second; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(
        f"worker CPU (with its work horses) {cpu:.2f} s = {cpu * 1000 / owed:.1f} ms a notice "
        f"= {owed / cpu:.0f} notices per second of one core"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
