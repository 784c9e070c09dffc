"""Webhook latency of the text line: gunicorn (2 workers, threads) on PostgreSQL, 50 texts a second.

Fifty marshals, each with a session open and a docket of their own, text once a second for about
20 seconds over loopback (reports, OK, X, LAST, HELP, a typo), every request signed as Twilio
signs it. Prints p50/p99 per kind of message and overall.

    .venv/bin/python -m bench.sms_webhook [--phones 50] [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import redis
import requests

from bench._common import (
    bench_url,
    free_port,
    fresh_database,
    percentiles,
    start_gunicorn,
)
from core.db import session_scope
from core.models import Docket, Marshal, MarshalPhone
from sms.models import SmsSession
from web.twilio_signature import sign

TOKEN = "bench-twilio-token"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
SCRIPT = ["S {n} H NOW P F=N", "OK", "LAST", "A {n} NH", "X", "S {n} HND", "HELP", "R {n}",
          "OK", "T {n} M417 / covering"]


def add_marshals(count: int) -> list[tuple[str, str]]:
    """(phone, docket number) for each bench marshal, a text session already open."""
    yy = datetime.now(UTC).year % 100
    now = datetime.now(UTC)
    pairs = []
    with session_scope() as session:
        for i in range(count):
            phone, number = f"+1860555{2000 + i:04d}", f"{7000000 + i:07d}"
            marshal = Marshal(userid=f"bench{i}", first_name="Bench", last_name=f"M{i}",
                              smc_number=f"{8000 + i}", default_court="HHD")
            marshal.phones.append(MarshalPhone(number=phone))
            session.add(marshal)
            session.add(Docket(court_code="HHD", case_type="FA", year=yy, number=number,
                               suffix="S", respondent_first="Bench", respondent_last=number,
                               entered_at=now - timedelta(days=2)))
            session.flush()
            session.add(SmsSession(phone=phone, marshal_id=marshal.id, opened_at=now,
                                   expires_at=now + timedelta(hours=2)))
            pairs.append((phone, number))
    return pairs


def warm_up(base: str, phone: str) -> None:
    """One text per worker thread before timing: imports and connections are not the line."""
    for _ in range(8):
        form = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": phone, "Body": "HELP"}
        url = f"{base}/sms/inbound"
        requests.post(url, data=form, headers={"X-Twilio-Signature": sign(url, form, TOKEN)},
                      timeout=30)


def one_phone(base: str, phone: str, number: str, start: float, offset: float, seconds: int,
              timings: dict[str, list[float]], errors: list[str]) -> None:
    """Text once a second, on schedule, timing each webhook."""
    http = requests.Session()
    url = f"{base}/sms/inbound"
    for k in range(seconds):
        delay = start + offset + k - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        body = SCRIPT[k % len(SCRIPT)].format(n=number)
        form = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": phone, "To": "+18005550100",
                "Body": body, "AccountSid": "ACbench"}
        headers = {"X-Twilio-Signature": sign(url, form, TOKEN)}
        started = time.perf_counter()
        answer = http.post(url, data=form, headers=headers, timeout=30)
        timings[body.split()[0]].append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200 or "<Message>" not in answer.text:
            errors.append(f"{body}: {answer.status_code} {answer.text[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    options = parser.parse_args()
    url = bench_url("sl_bench_sms")
    fresh_database(url)
    phones = add_marshals(options.phones)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(base, port, {
        "DATABASE_URL": url, "REDIS_URL": REDIS, "PUBLIC_BASE_URL": base,
        "TWILIO_AUTH_TOKEN": TOKEN, "DELETE_PIN_MESSAGES_AT_TWILIO": "false"})
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    try:
        warm_up(base, phones[0][0])
        start = time.perf_counter() + 0.5
        threads = [threading.Thread(target=one_phone, args=(
            base, phone, number, start, i / options.phones, options.seconds, timings, errors))
            for i, (phone, number) in enumerate(phones)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()
        redis.Redis.from_url(REDIS).flushdb()  # only our own Redis db: the queued fax jobs
    report(timings, errors, elapsed, options)


def report(timings: dict[str, list[float]], errors: list[str], elapsed: float,
           options: argparse.Namespace) -> None:
    total = sum(len(v) for v in timings.values())
    print(f"{total} texts from {options.phones} phones in {elapsed:.1f} s "
          f"({total / elapsed:.1f}/s), gunicorn 2 workers x 16 threads, PostgreSQL, "
          f"{os.cpu_count()} CPUs")
    for first_word, samples in sorted(timings.items()):
        print(f"  {first_word:5s} {percentiles(samples)}")
    print(f"  {'all':5s} {percentiles([t for v in timings.values() for t in v])}")
    print(f"  errors: {len(errors)}" + (f" e.g. {errors[0]}" if errors else ""))


if __name__ == "__main__":
    main()
