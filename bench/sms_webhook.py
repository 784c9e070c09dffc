"""Webhook latency of the text line beside a floor, steady and in a sign-in storm.

ServeLine and the floor (bench/floor_app.py: constant TwiML) run under the same gunicorn settings
(2 workers x 16 threads) on loopback; every phone has a twin that texts the floor at the same
moments. Fifty marshals, each with a session open and a docket of their own, text once a second
for ``--seconds`` (reports, OK, X, LAST, HELP, a typo), every request signed as Twilio signs it.
Halfway, ``--storm`` more marshals text ``PIN ...`` within ``--storm-seconds`` (a sign-in storm):
the texts due in that window and the two seconds after it make the storm table, the others the
steady one. Prints, per kind of message, ServeLine's p50/p99, the floor's and the ratios, with the
load average.

    .venv/bin/python -m bench.sms_webhook [--phones 50] [--seconds 20] [--storm 50]
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import redis

from bench._common import add_bench_marshal, bench_url, fresh_database
from bench._floor import Answer, Samples, load_average, p99, post_form, serveline_and_floor, table
from core.db import session_scope
from edge.signature import sign
from sms.models import SmsSession

TOKEN = "bench-twilio-token"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
PIN = "246810"
SCRIPT = [
    "S {n} H NOW P F=N",
    "OK",
    "LAST",
    "A {n} NH",
    "X",
    "S {n} HND",
    "HELP",
    "R {n}",
    "OK",
    "T {n} M417 / covering",
]
KINDS = ["PIN", "S", "OK", "LAST", "A", "X", "HELP", "R", "T"]
AFTER_STORM = 2.0


def add_marshals(count: int, session_open: bool, first: int = 0) -> list[tuple[str, str]]:
    """(phone, docket number) for each bench marshal, with a PIN, a text session open or not."""
    now = datetime.now(UTC)
    pairs = []
    with session_scope() as session:
        for i in range(first, first + count):
            phone, number = f"+1860555{2000 + i:04d}", f"{7000000 + i:07d}"
            marshal = add_bench_marshal(session, f"bench{i}", f"{8000 + i}", phone, number, PIN)
            session.flush()
            if session_open:
                session.add(
                    SmsSession(
                        phone=phone,
                        marshal_id=marshal.id,
                        opened_at=now,
                        expires_at=now + timedelta(hours=2),
                    )
                )
            pairs.append((phone, number))
    return pairs


def post(base: str, phone: str, body: str) -> Answer:
    url = f"{base}/sms/inbound"
    form = {
        "MessageSid": f"SM{uuid.uuid4().hex}",
        "From": phone,
        "To": "+18005550100",
        "Body": body,
        "AccountSid": "ACbench",
    }
    return post_form(url, form, {"X-Twilio-Signature": sign(url, form, TOKEN)})


def texts(
    base: str,
    target: str,
    phone: str,
    schedule: list[tuple[float, str]],
    start: float,
    storm: tuple[float, float],
    samples: Samples,
    errors: list[str],
) -> None:
    """Send each (seconds after start, body) on schedule, timing each webhook."""
    for at, body in schedule:
        delay = start + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        started = time.perf_counter()
        answer = post(base, phone, body)
        elapsed = (time.perf_counter() - started) * 1000
        phase = "storm" if storm[0] <= at <= storm[1] else "steady"  # when due, however late
        samples.add(phase, target, body.split()[0], elapsed)
        if answer.status_code != 200 or "<Message>" not in answer.text:
            errors.append(f"{target} {body}: {answer.status_code} {answer.text[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--storm", type=int, default=50)
    parser.add_argument("--storm-seconds", type=float, default=2.0)
    options = parser.parse_args()
    url = bench_url("sl_bench_sms")
    fresh_database(url)
    phones = add_marshals(options.phones, session_open=True)
    stormers = add_marshals(options.storm, session_open=False, first=options.phones)
    samples = Samples()
    errors: list[str] = []
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "DELETE_PIN_MESSAGES_AT_TWILIO": "false",
        # a phone here texts once a second, past the line's 6 a minute per phone: the figures
        # are of the texts answered, not of refusals (bench/webhook_probe.py measures those)
        "RATE_LIMIT_SMS": "100000 per minute",
    }
    storm_at = options.seconds / 2
    window = (storm_at, storm_at + options.storm_seconds + AFTER_STORM)
    try:
        with serveline_and_floor(env) as bases:
            for base in bases.values():
                for _ in range(8):  # imports and connections of each worker are not the line
                    post(base, phones[0][0], "HELP")
            plans = [
                (
                    phone,
                    [
                        (i / options.phones + k, SCRIPT[k % len(SCRIPT)].format(n=number))
                        for k in range(options.seconds)
                    ],
                )
                for i, (phone, number) in enumerate(phones)
            ]
            plans += [
                (phone, [(storm_at + random.uniform(0, options.storm_seconds), f"PIN {PIN}")])
                for phone, _ in stormers
            ]
            start = time.perf_counter() + 0.5
            threads = [
                threading.Thread(
                    target=texts,
                    args=(base, target, phone, schedule, start, window, samples, errors),
                )
                for phone, schedule in plans
                for target, base in bases.items()
            ]
            samples.note_load("steady")
            samples.note_load("storm")
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            samples.note_load("steady")
            samples.note_load("storm")
            elapsed = time.perf_counter() - start
    finally:
        redis.Redis.from_url(REDIS).flushdb()  # only our own Redis db: the queued fax jobs
    report(samples, errors, elapsed, options)


def report(
    samples: Samples, errors: list[str], elapsed: float, options: argparse.Namespace
) -> None:
    print(
        f"text line: {options.phones} phones texting once a second for {options.seconds} s "
        f"({elapsed:.1f} s), gunicorn 2 workers x 16 threads each for ServeLine and the floor, "
        f"PostgreSQL, {os.cpu_count()} CPUs"
    )
    print("\n".join(table(samples, "steady", KINDS, "steady (outside the storm window)")))
    print(
        "\n".join(
            table(
                samples,
                "storm",
                KINDS,
                f"sign-in storm: {options.storm} phones texting PIN within "
                f"{options.storm_seconds:g} s (texts due in that window and "
                f"{AFTER_STORM:g} s after)",
            )
        )
    )
    worst = max((p99(samples, "storm", kind) or 0) for kind in KINDS)
    print(f"  storm: worst p99 {worst:.1f} ms (target < 100 ms)")
    print(f"  load average now: {load_average()}")
    print(f"  errors: {len(errors)}" + (f" e.g. {errors[0]}" if errors else ""))


if __name__ == "__main__":
    main()
