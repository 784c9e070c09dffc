"""Benchmark: time to build and render one notice of service PDF.

Run: .venv/bin/python -m bench.fax_render [COUNT]   (database sl_bench_fax; dropped first)
Prints the per-notice render time (data to PDF bytes, no database round trip inside the loop).
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import select

from bench._common import bench_url, fresh_database, percentiles, run_with
from core.db import session_scope, utcnow
from core.models import ActivityKind, Channel, Docket, Marshal, Notification, ServiceMethod
from core.registry import ActivityReport, record_activity
from fax.notice import notice_for, render


class NoJobs:
    def enqueue(self, *args: object, **kwargs: object) -> None:
        """The jobs are not the subject here."""


def main(count: int) -> None:
    bench = fresh_database(bench_url("sl_bench_fax"))
    settings = run_with(bench.settings, database=bench.database, queue=NoJobs()).settings
    with session_scope() as session:
        docket = session.scalars(select(Docket).where(Docket.number == "4012199")).first()
        toby = session.scalars(select(Marshal).where(Marshal.smc_number == "903")).one()
        assert docket is not None
        record_activity(
            session,
            ActivityReport(
                docket.id,
                toby.id,
                ActivityKind.SERVICE,
                Channel.SMS,
                "bench-render",
                method=ServiceMethod.HAND,
            ),
        )
    with session_scope() as session:
        notification = session.scalars(select(Notification)).first()
        assert notification is not None
        samples, size = [], 0
        for _ in range(count):
            started = time.perf_counter()
            size = len(render(notice_for(notification, settings, utcnow())))
            samples.append((time.perf_counter() - started) * 1000)
    print(
        f"notice render: {percentiles(samples)}; {size} bytes a notice; "
        f"{1000 * count / sum(samples):.0f} notices per second on one core"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
