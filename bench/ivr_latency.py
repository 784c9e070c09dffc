"""Webhook step latency of the phone line beside a floor, steady and in a sign-in storm.

ServeLine and the floor (bench/floor_app.py: constant TwiML) run under the same gunicorn settings
(2 workers x 16 threads) on loopback; every simulated call has a twin that makes the same requests
at the same moments to the floor. Each ServeLine call signs its requests as Twilio does and records
an in-hand service on its own docket as its own marshal, from the greeting to "record another?".

- steady: ``--calls`` calls in progress (arrivals spread over one call's length), ``--rounds``
  rounds, pressing as a marshal would (``--think`` mean seconds between steps);
- storm: the same steady load, and in its middle ``--storm`` more calls signing in within
  ``--storm-seconds``; the table holds the requests of every call due in that window and the
  next two seconds.

Prints, per step, ServeLine's p50/p99 (nearest rank) and largest, the floor's and the ratios,
with the load average. Four steady rounds give 200 samples a step: a p99 of 100 would be its
second largest.

    .venv/bin/python -m bench.ivr_latency [--calls 50] [--rounds 4] [--think 2.0] [--storm 50]
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from urllib.parse import urljoin

import redis

from bench._common import add_bench_marshal, bench_url, fresh_database
from bench._floor import Samples, load_average, p99, post_form, serveline_and_floor, table
from core.accounts import pin_matches
from core.db import session_scope
from core.models import Marshal
from edge.signature import sign
from tests.ivr.helpers import KEYPAD_SERVICE
from tests.twilio_ids import twilio_sid

TOKEN = "bench-twilio-token"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
PIN = "246810"
# the docket keyed is each call's own (None here)
STEPS = [("voice", None), *((s, None if s == "docket" else k) for s, k in KEYPAD_SERVICE)]
STEP_NAMES = [name for name, _ in STEPS]
AFTER_STORM = 2.0


def add_callers(count: int) -> list[tuple[str, str]]:
    """(phone, docket) per call: its own marshal with a PIN, and its own docket."""
    callers = []
    with session_scope() as session:
        for i in range(count):
            phone, number = f"+1860556{i:04d}", f"{6000000 + i:07d}"
            add_bench_marshal(session, f"ivrbench{i}", f"{7000 + i}", phone, number, PIN)
            callers.append((phone, number))
    return callers


class Plan:
    """When each step of one call is posted (seconds after the round starts)."""

    def __init__(self, start: float, think: float, pin_at: float | None = None) -> None:
        self.at = [start]
        for index in range(1, len(STEPS)):
            gap = random.uniform(0.5 * think, 1.5 * think)
            if index == 1 and pin_at is not None:
                gap = pin_at - start
            self.at.append(self.at[-1] + gap)


def one_call(
    target: str,
    base: str,
    sid: str,
    caller: tuple[str, str],
    plan: Plan,
    round_start: float,
    keep: tuple[float, float] | None,
    phase: str,
    samples: Samples,
    errors: list[str],
) -> None:
    """Drive one call through the flow on schedule, timing every webhook (``keep``: only the
    requests due in that window of seconds after round_start)."""
    phone, docket = caller
    path = "/ivr/voice"
    answer = None
    for (name, keys), at in zip(STEPS, plan.at, strict=True):
        delay = round_start + at - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        form = {
            "CallSid": sid,
            "From": phone,
            "To": "+18005550100",
            "AccountSid": "ACbench",
            "StirVerstat": "TN-Validation-Passed-A",
        }  # the marshal's own phone, verified
        if name != "voice":
            form["Digits"] = keys or docket
        headers = {"X-Twilio-Signature": sign(urljoin(base, path), form, TOKEN)}
        started = time.perf_counter()
        answer = post_form(urljoin(base, path), form, headers)
        elapsed = (time.perf_counter() - started) * 1000
        if keep is None or keep[0] <= at <= keep[1]:  # when it was due, however late
            samples.add(phase, target, name, elapsed)
        if answer.status_code != 200:
            errors.append(f"{target} {name}: {answer.status_code}")
            return
        path = _next_action(answer.text)
    if target == "serveline" and answer is not None and "Goodbye" not in answer.text:
        errors.append(f"{sid}: {answer.text[:120]}")


def _next_action(xml: str) -> str:
    marker = 'action="'
    start = xml.find(marker)
    return xml[start + len(marker) : xml.find('"', start + len(marker))].replace("&amp;", "&")


def run_round(
    bases: dict[str, str],
    calls: list[tuple[str, tuple[str, str], Plan]],
    keep: tuple[float, float] | None,
    phase: str,
    samples: Samples,
    errors: list[str],
) -> None:
    """Every call and its floor twin, on the same schedule."""
    round_start = time.perf_counter() + 0.5
    threads = [
        threading.Thread(
            target=one_call,
            args=(target, base, sid, caller, plan, round_start, keep, phase, samples, errors),
        )
        for sid, caller, plan in calls
        for target, base in bases.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def steady_calls(
    callers: list[tuple[str, str]], prefix: str, think: float
) -> list[tuple[str, tuple[str, str], Plan]]:
    """Arrivals spread over one call's length, as with this many calls in progress all day."""
    spread = len(STEPS) * think
    return [
        (twilio_sid("CA", f"{prefix}{i}"), caller, Plan(random.uniform(0, spread), think))
        for i, caller in enumerate(callers)
    ]


def storm_calls(
    callers: list[tuple[str, str]], at: float, seconds: float, think: float
) -> list[tuple[str, tuple[str, str], Plan]]:
    """Calls that all give their PIN within ``seconds`` from ``at``."""
    plans = []
    for i, caller in enumerate(callers):
        pin_at = at + random.uniform(0, seconds)
        plans.append((twilio_sid("CA", f"storm{i}"), caller, Plan(pin_at - 0.3, think, pin_at)))
    return plans


def pin_check_cost() -> str:
    """What one PIN verification costs in this process, with the hash the demo marshal has."""
    with session_scope() as session:
        stored = session.query(Marshal).filter_by(smc_number="903").one().pin_hash
    started = time.perf_counter()
    for _ in range(20):
        pin_matches(stored, PIN)
    return f"{(time.perf_counter() - started) * 1e6 / 20:.0f} µs ({str(stored)[:12]}…)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="mean seconds a caller listens and keys between webhooks",
    )
    parser.add_argument("--storm", type=int, default=50)
    parser.add_argument("--storm-seconds", type=float, default=2.0)
    options = parser.parse_args()
    url = bench_url("sl_bench_ivr")
    fresh_database(url)
    needed = options.calls * (options.rounds + 1) + options.storm + 4
    callers = add_callers(needed)
    samples = Samples()
    errors: list[str] = []
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_SPEECH": "twilio",
    }
    try:
        with serveline_and_floor(env) as bases:
            run_round(
                bases, steady_calls(callers[-4:], "warm", 0.2), None, "warm-up", samples, errors
            )
            used = 0
            samples.note_load("steady")
            for round_no in range(options.rounds):
                group = callers[used : used + options.calls]
                used += options.calls
                run_round(
                    bases,
                    steady_calls(group, f"r{round_no}", options.think),
                    None,
                    "steady",
                    samples,
                    errors,
                )
            samples.note_load("steady")
            background = callers[used : used + options.calls]
            stormers = callers[used + options.calls : used + options.calls + options.storm]
            at = len(STEPS) * options.think  # the background is at full strength by then
            calls = steady_calls(background, "bg", options.think) + storm_calls(
                stormers, at, options.storm_seconds, options.think
            )
            samples.note_load("storm")
            run_round(
                bases,
                calls,
                (at - 0.3, at + options.storm_seconds + AFTER_STORM),
                "storm",
                samples,
                errors,
            )
            samples.note_load("storm")
    finally:
        redis.Redis.from_url(REDIS).flushdb()  # only our own Redis db: the queued fax jobs
    report(samples, errors, options)


def report(samples: Samples, errors: list[str], options: argparse.Namespace) -> None:
    print(
        f"phone line, gunicorn 2 workers x 16 threads each for ServeLine and the floor, "
        f"PostgreSQL, {os.cpu_count()} CPUs, {options.think} s mean between steps"
    )
    print(
        "\n".join(
            table(
                samples,
                "steady",
                STEP_NAMES,
                f"steady: {options.calls} calls in progress x {options.rounds} rounds",
            )
        )
    )
    print(
        "\n".join(
            table(
                samples,
                "storm",
                STEP_NAMES,
                f"sign-in storm: {options.storm} calls signing in within "
                f"{options.storm_seconds:g} s beside {options.calls} in progress "
                f"(requests due in that window and {AFTER_STORM:g} s after)",
            )
        )
    )
    steady_ok = all(
        (p99(samples, "steady", s) or 0) < 50
        and (p99(samples, "steady", s) or 0) <= 3 * (p99(samples, "steady", s, "floor") or 1e9)
        for s in STEP_NAMES
    )
    storm_ok = all((p99(samples, "storm", s) or 0) < 100 for s in STEP_NAMES)
    print(
        f"  steady: every step p99 < 50 ms and within 3x the floor's p99: "
        f"{'yes' if steady_ok else 'NO'}"
    )
    print(f"  storm: every step's p99 (the PIN's too) < 100 ms: {'yes' if storm_ok else 'NO'}")
    print(f"  one PIN verification in this process: {pin_check_cost()}")
    print(f"  load average now: {load_average()}")
    print(f"  errors: {len(errors)}" + (f" e.g. {errors[0]}" if errors else ""))


if __name__ == "__main__":
    main()
