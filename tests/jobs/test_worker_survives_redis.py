"""The worker outlives Redis: started while its Redis is down it waits, and once Redis is
back it delivers every fax owed, each once, with no restart by hand."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import Engine, select

from core.db import session_scope
from core.models import Notification
from core.registry import record_activity
from core.settings import Settings
from tests.conftest import job_table, wiring_now
from tests.core.helpers import marshal, report, this_year_docket
from web.queue import RQQueue

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class OwnRedis:
    """A redis-server of this test's own on a free loopback port, which it may kill."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                if Redis.from_url(self.url).ping():
                    return
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture()
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


def spooled(spool: Path) -> list[int]:
    return sorted(json.loads(p.read_text())["notification"] for p in spool.glob("*.json"))


def delivered(ids: list[int]) -> bool:
    with session_scope() as session:
        statuses = session.scalars(select(Notification.status).where(Notification.id.in_(ids)))
        return set(statuses) == {"delivered"}


def test_the_worker_waits_out_a_redis_outage_and_delivers_every_fax_once(
    committed: Engine, settings: Settings, own_redis: OwnRedis, tmp_path: Path
) -> None:
    wiring_now().change(queue=RQQueue(own_redis.url, job_table()))
    owed: list[int] = []
    with session_scope() as session:
        toby = marshal(session)
        for number in ("4012199", "4012198"):
            owed += record_activity(
                session, report(this_year_docket(session, number=number), toby)
            ).notification_ids
    own_redis.kill()  # the jobs are in its append-only file
    spool = tmp_path / "spool"
    env = dict(
        os.environ,
        DATABASE_URL=settings.database_url,
        REDIS_URL=own_redis.url,
        FAX_SPOOL_DIR=str(spool),
        FAX_PROVIDER="spool",
    )
    serveline = Path(sys.executable).parent / "serveline"
    worker = subprocess.Popen(
        [str(serveline), "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(4.0)
        assert worker.poll() is None, "the worker exited while Redis was down"
        own_redis.start()
        for _ in range(300):
            if delivered(owed):
                break
            time.sleep(0.1)
        assert delivered(owed)
        assert worker.poll() is None
        assert spooled(spool) == sorted(owed), list(spool.iterdir())
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            _out, errors = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            _out, errors = worker.communicate(timeout=10)
            raise AssertionError(errors[-4000:]) from None
    assert worker.returncode == 0, errors[-3000:]  # stopped by us, never by Redis
