"""A live server on a free loopback port over committed PostgreSQL data, and requests fired at
the same moment (threads waiting on one barrier)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine
from werkzeug.serving import make_server

from core.settings import Settings
from tests.conftest import wiring_now, worker_thread
from tests.web.conftest import marshal_client, staff_client  # noqa: F401 - shared fixtures

T = TypeVar("T")
GENEROUS = {
    "rate_sign_in": "10000 per minute",
    "rate_sign_in_account": "10000 per minute",
    "rate_ivr": "10000 per minute",
    "rate_forgot_password": "10000 per minute",
    "rate_sms": "10000 per minute",
    "rate_two_factor": "10000 per minute",
}


@pytest.fixture()
def live(committed: Engine, settings: Settings) -> Iterator[Callable[..., str]]:
    """Start the app (settings changed as asked) served by threads; its base URL."""
    servers: list[Any] = []

    def start(**changes: Any) -> str:
        app = wiring_now().app_with(testing=False, **changes)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def at_once(actions: list[Callable[[], T]]) -> list[T]:
    """Run every action in its own thread, all released at the same instant; their results."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = actions[index]()

    threads = [worker_thread(run, i) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
