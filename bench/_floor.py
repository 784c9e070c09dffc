"""ServeLine beside the floor (bench/floor_app.py) in one run: samples, tables, load average."""

from __future__ import annotations

import http.client
import math
import os
import subprocess
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from bench._common import free_port, start_gunicorn

TARGETS = ("serveline", "floor")


class Samples:
    """Milliseconds per (phase, target, step), from many client threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ms: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        self.loads: dict[str, list[str]] = defaultdict(list)

    def add(self, phase: str, target: str, step: str, ms: float) -> None:
        with self._lock:
            self.ms[(phase, target, step)].append(ms)

    def note_load(self, phase: str) -> None:
        self.loads[phase].append(load_average())


@dataclass(frozen=True)
class Answer:
    status_code: int
    text: str


def post_form(url: str, form: Mapping[str, str], headers: Mapping[str, str]) -> Answer:
    """POST a form on a new connection, as Twilio does (gunicorn closes an idle kept-alive one
    after 2 s, under the client). A bare ``http.client`` connection: ``requests`` builds a
    session, an adapter and a pool per call, CPU that the client's 200 threads took from both
    servers on this 2-core machine. ServeLine and the floor are posted to alike."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = urlencode(form)
        connection.request(
            "POST",
            path,
            body,
            {**headers, "Content-Type": "application/x-www-form-urlencoded", "Connection": "close"},
        )
        response = connection.getresponse()
        return Answer(response.status, response.read().decode())
    finally:
        connection.close()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


@contextmanager
def serveline_and_floor(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Both apps under the same gunicorn settings on loopback: {"serveline": url, "floor": url}."""
    ports = {target: free_port() for target in TARGETS}
    bases = {target: f"http://127.0.0.1:{port}" for target, port in ports.items()}
    servers: list[subprocess.Popen[bytes]] = []
    try:
        servers.append(
            start_gunicorn(
                bases["serveline"],
                ports["serveline"],
                {**env, "PUBLIC_BASE_URL": bases["serveline"]},
            )
        )
        servers.append(
            start_gunicorn(bases["floor"], ports["floor"], {}, app="bench.floor_app:create_app()")
        )
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait()


def _pct(samples: list[float], q: float) -> float:
    """The nearest-rank percentile: the smallest sample with at least q of them at or below it
    (of 100 samples, p99 is the 99th, not the largest)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * q) - 1)]


def table(samples: Samples, phase: str, steps: list[str], title: str) -> list[str]:
    """Per step: ServeLine's p50/p99, the floor's, and the ratios; the load average around it."""
    lines = [
        f"{title}   (load average at start / end: {' / '.join(samples.loads.get(phase, ['?']))})",
        f"  {'step':15s} {'ServeLine p50':>13s} {'p99':>8s} {'max':>8s} {'floor p50':>10s} "
        f"{'p99':>8s} {'max':>8s} {'x p50':>6s} {'x p99':>6s} {'n':>5s}",
    ]
    every: dict[str, list[float]] = {target: [] for target in TARGETS}
    for step in [*steps, "all steps"]:
        if step == "all steps":
            ours, floor = every["serveline"], every["floor"]
        else:
            ours = samples.ms.get((phase, "serveline", step), [])
            floor = samples.ms.get((phase, "floor", step), [])
            every["serveline"] += ours
            every["floor"] += floor
        if not ours or not floor:
            continue
        figures = [_pct(ours, 0.5), _pct(ours, 0.99), _pct(floor, 0.5), _pct(floor, 0.99)]
        lines.append(
            f"  {step:15s} {figures[0]:10.1f} ms {figures[1]:5.1f} ms {max(ours):5.1f} ms "
            f"{figures[2]:7.1f} ms {figures[3]:5.1f} ms {max(floor):5.1f} ms "
            f"{figures[0] / figures[2]:6.1f} {figures[1] / figures[3]:6.1f} "
            f"{len(ours):5d}"
        )
    return lines


def p99(samples: Samples, phase: str, step: str, target: str = "serveline") -> float | None:
    found = samples.ms.get((phase, target, step))
    return _pct(found, 0.99) if found else None
