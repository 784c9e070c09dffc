"""Does a web password check (Argon2id, in its request's thread) hold up other requests' threads?

gunicorn runs each request in a thread of its worker process, so a check that kept Python's GIL
would stall every other request of that process for its whole length. A probe thread does a
small piece of Python work (about 0.2 ms) every 5 ms and times it, alone and then beside
``--threads`` threads checking passwords back to back, like a burst of sign-ins at the web page.
Argon2's C code releases the GIL, so the probe waits only for a core, never for a whole check.

    .venv/bin/python -m bench.password_check [--threads 4] [--seconds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

from bench._common import run_with
from core.accounts import hash_pin, hash_secret, pin_matches, secret_matches
from core.settings import load_settings


def probe(seconds: float, stop_others: threading.Event) -> list[float]:
    """Milliseconds each small piece of Python work took, start to end, for ``seconds``."""
    taken = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        sum(i * i for i in range(2000))
        taken.append((time.perf_counter() - started) * 1000)
        time.sleep(0.005)
    stop_others.set()
    return taken


def checking(stored: str, stop: threading.Event, done: list[int]) -> None:
    while not stop.is_set():
        secret_matches(stored, "Correct1horse")
        done.append(1)


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms, max {ordered[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0)
    options = parser.parse_args()
    run_with(load_settings())  # the PIN check is keyed by its settings' PIN_PEPPER
    stored = hash_secret("Correct1horse")
    started = time.perf_counter()
    for _ in range(10):
        secret_matches(stored, "Correct1horse")
    argon = (time.perf_counter() - started) * 100
    pin = hash_pin("246810")
    started = time.perf_counter()
    for _ in range(1000):
        pin_matches(pin, "246810")
    keyed = (time.perf_counter() - started) * 1000
    print(f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"  one password check (Argon2id, 19 MiB, t=2): {argon:.1f} ms; "
        f"one PIN check (HMAC-SHA-256): {keyed:.1f} µs"
    )
    alone = probe(options.seconds, threading.Event())
    print(f"  probe alone:                          {figures(alone)}")
    stop, done = threading.Event(), []
    others = [
        threading.Thread(target=checking, args=(stored, stop, done)) for _ in range(options.threads)
    ]
    for thread in others:
        thread.start()
    beside = probe(options.seconds, stop)
    for thread in others:
        thread.join()
    print(
        f"  probe beside {options.threads} password threads:     {figures(beside)} "
        f"({len(done) / options.seconds:.0f} checks/s)"
    )
    print(f"  load average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
