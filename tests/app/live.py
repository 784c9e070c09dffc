"""A live line for tests with real concurrency: the app on a threaded server on loopback.

``LiveClient`` speaks the FlaskClient's small subset the softphones use (``post``, ``get``), over
real HTTP, so the IVR and SMS test phones drive the live server unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import worker_thread


@dataclass
class LiveAnswer:
    status_code: int
    data: bytes
    headers: Any
    elapsed: float

    def get_data(self, as_text: bool = False) -> Any:
        return self.data.decode() if as_text else self.data


class LiveClient:
    """HTTP to the live server; one requests session per client (cookies kept)."""

    def __init__(self, base: str, timeout: float = 30.0) -> None:
        self.base = base
        self.http = requests.Session()
        self.timeout = timeout

    def post(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> LiveAnswer:
        answer = self.http.post(
            self.base + path,
            data=data,
            headers=headers,
            timeout=self.timeout,
            allow_redirects=False,
        )
        return LiveAnswer(
            answer.status_code, answer.content, answer.headers, answer.elapsed.total_seconds()
        )

    def get(self, path: str) -> LiveAnswer:
        answer = self.http.get(self.base + path, timeout=self.timeout, allow_redirects=False)
        return LiveAnswer(
            answer.status_code, answer.content, answer.headers, answer.elapsed.total_seconds()
        )


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a threaded werkzeug server on a free loopback port; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def at_once(actions: list[Any]) -> list[Any]:
    """Run every action in its own thread, released together by a barrier; their results."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = actions[index]()
        except Exception as error:  # noqa: BLE001 - the test reports what each got
            results[index] = error

    threads = [worker_thread(run, i) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
