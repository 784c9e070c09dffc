"""A real `serveline worker` in its own process, for the tests that deliver through RQ."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.settings import Settings
from tests.conftest import redis_url


def worker_env(settings: Settings, spool: Path, **extra: str) -> dict[str, str]:
    return dict(
        os.environ,
        DATABASE_URL=settings.database_url,
        REDIS_URL=redis_url(),
        FAX_SPOOL_DIR=str(spool),
        FAX_PROVIDER="spool",
        **extra,
    )


def serveline() -> str:
    return str(Path(sys.executable).parent / "serveline")


def run_worker(settings: Settings, spool: Path, **extra: str) -> None:
    """`serveline worker --burst` in its own process, until the queues are empty."""
    env = worker_env(settings, spool, **extra)
    done = subprocess.run(
        [serveline(), "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
