"""Webhook step latency of the phone line: gunicorn (2 workers, threads) on PostgreSQL, 50 calls.

Each simulated call signs its requests as Twilio does and records an in-hand service on its own
docket, through every step from the greeting to "record another?". Prints p50/p99 per step.

    .venv/bin/python -m bench.ivr_latency [--calls 50] [--rounds 3] [--think 2.0]
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import redis
import requests

from bench._common import (
    bench_url,
    free_port,
    fresh_database,
    percentiles,
    start_gunicorn,
)
from core.accounts import secret_matches
from core.db import session_scope
from core.models import Docket, Marshal
from web.twilio_signature import sign

TOKEN = "bench-twilio-token"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
STEPS = [("voice", None), ("pin", "246810"), ("docket", None), ("docket_confirm", "1"),
         ("activity", "1"), ("method", "1"), ("when", "1"), ("police", "2"), ("firearms", "3"),
         ("review", "1"), ("another", "2")]


def add_dockets(count: int) -> list[str]:
    """One docket per call, so every call records a first service (no re-record question)."""
    yy = datetime.now(UTC).year % 100
    numbers = [f"{6000000 + i:07d}" for i in range(count)]
    with session_scope() as session:
        for number in numbers:
            session.add(Docket(court_code="HHD", case_type="FA", year=yy, number=number,
                               suffix="S", respondent_first="Bench", respondent_last=number,
                               entered_at=datetime.now(UTC) - timedelta(days=2)))
    return numbers


def one_call(base: str, sid: str, docket: str, timings: dict[str, list[float]],
             think: float) -> None:
    """Drive one call through the flow, timing every webhook; callers listen between steps."""
    http = requests.Session()
    path = "/ivr/voice"
    # Steady state: arrivals spread over one call's length, as with 50 calls in progress all day.
    time.sleep(random.uniform(0, len(STEPS) * think))
    for name, keys in STEPS:
        time.sleep(random.uniform(0.5 * think, 1.5 * think))
        form = {"CallSid": sid, "From": "+18605550190", "To": "+18005550100",
                "AccountSid": "ACbench"}
        if name != "voice":
            form["Digits"] = keys or docket
        headers = {"X-Twilio-Signature": sign(urljoin(base, path), form, TOKEN)}
        started = time.perf_counter()
        answer = http.post(urljoin(base, path), data=form, headers=headers, timeout=30)
        timings[name].append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
        path = _next_action(answer.text)
    assert "Goodbye" in answer.text, answer.text


def _next_action(xml: str) -> str:
    marker = 'action="'
    start = xml.find(marker)
    return xml[start + len(marker):xml.find('"', start + len(marker))].replace("&amp;", "&")


def run_round(base: str, dockets: list[str], round_no: int, timings: dict[str, list[float]],
              think: float) -> None:
    threads = [threading.Thread(target=one_call, args=(base, f"CAbench{round_no:02d}{i:024d}",
                                                       docket, timings, think))
               for i, docket in enumerate(dockets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def argon2_share() -> float:
    """Milliseconds one PIN verification costs in this process (Argon2id)."""
    with session_scope() as session:
        marshal = session.query(Marshal).filter_by(smc_number="903").one()
        stored = marshal.pin_hash
    started = time.perf_counter()
    for _ in range(10):
        secret_matches(stored, "246810")
    return (time.perf_counter() - started) * 100


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a caller listens and keys between webhooks "
                             "(0: every call fires its next step at once, a stress test)")
    options = parser.parse_args()
    url = bench_url("sl_bench_ivr")
    fresh_database(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(base, port, {
        "DATABASE_URL": url, "REDIS_URL": REDIS, "PUBLIC_BASE_URL": base,
        "TWILIO_AUTH_TOKEN": TOKEN, "IVR_SPEECH": "twilio"})
    timings: dict[str, list[float]] = defaultdict(list)
    try:
        dockets = add_dockets(options.calls)
        for round_no in range(options.rounds):
            if round_no:
                _clear_activities()
            run_round(base, dockets, round_no, timings, options.think)
    finally:
        server.terminate()
        server.wait()
        redis.Redis.from_url(REDIS).flushdb()  # only our own Redis db: the queued fax jobs
    report(timings, options)


def _clear_activities() -> None:
    from sqlalchemy import text

    with session_scope() as session:
        session.execute(text("UPDATE call_log SET activity_id = NULL"))
        for table in ("notification", "audit_event", "activity"):
            session.execute(text(f"DELETE FROM {table}"))


def report(timings: dict[str, list[float]], options: argparse.Namespace) -> None:
    print(f"{options.calls} calls in progress x {options.rounds} rounds, {options.think} s mean "
          f"between steps, gunicorn 2 workers x 16 threads, PostgreSQL, {os.cpu_count()} CPUs")
    everything: list[float] = []
    for name, _ in STEPS:
        everything += timings[name]
        print(f"  {name:15s} {percentiles(timings[name])}")
    without_pin = [t for name, _ in STEPS if name != "pin" for t in timings[name]]
    print(f"  {'all steps':15s} {percentiles(everything)}")
    print(f"  {'all but the PIN':15s} {percentiles(without_pin)}")
    print(f"  one Argon2id PIN verification alone: {argon2_share():.1f} ms of CPU")


if __name__ == "__main__":
    main()
