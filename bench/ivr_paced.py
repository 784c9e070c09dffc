"""A step's own time, and what a pause before it adds: one call at a time, beside the floor.

ServeLine and the floor (bench/floor_app.py) run under the same gunicorn settings as in
bench.ivr_latency; whole keypad calls are made one at a time, so no request waits on another.
First each step follows the last at once (``--pause 0``), then after a pause as a marshal's keys
come (``--pause``, 0.1 s by default). On a virtual machine a request after a pause is answered
later, by a fixed amount and by more when it waits on other processes (PostgreSQL, Redis): the
difference between the two tables is that, not ServeLine's work.

    .venv/bin/python -m bench.ivr_paced [--calls 30] [--pause 0.1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import redis

from bench._common import bench_url, fresh_database
from bench._floor import Samples, load_average, serveline_and_floor
from bench.ivr_latency import REDIS, STEP_NAMES, TOKEN, Plan, add_callers, one_call
from tests.twilio_ids import twilio_sid

WARM_UP = 3


def paced(bases: dict[str, str], callers: list[tuple[str, str]], pause: float) -> Samples:
    """Each call, then its floor twin, one at a time; ``pause`` seconds before every step."""
    samples, errors = Samples(), []
    for index, caller in enumerate(callers):
        phase = "warm-up" if index < WARM_UP else "paced"
        for target, base in bases.items():
            sid = twilio_sid("CA", f"paced{pause}-{index}")
            plan = Plan(0.0, pause)  # each gap drawn from 0.5 to 1.5 times the pause
            one_call(
                target, base, sid, caller, plan, time.perf_counter(), None, phase, samples, errors
            )
    if errors:
        raise SystemExit(f"{len(errors)} errors, e.g. {errors[0]}")
    return samples


def report(samples: Samples, pause: float) -> None:
    print(f"  one call at a time, {pause:g} s mean pause before each step (p50 of each step)")
    print(f"  {'step':15s} {'ServeLine':>10s} {'floor':>8s} {'x':>5s}")
    every: dict[str, list[float]] = {"serveline": [], "floor": []}
    for step in STEP_NAMES:
        ours, floor = (samples.ms[("paced", target, step)] for target in ("serveline", "floor"))
        every["serveline"] += ours
        every["floor"] += floor
        line(step, ours, floor)
    line("all steps", every["serveline"], every["floor"])


def line(step: str, ours: list[float], floor: list[float]) -> None:
    mine, theirs = statistics.median(ours), statistics.median(floor)
    print(f"  {step:15s} {mine:7.2f} ms {theirs:5.2f} ms {mine / theirs:5.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--pause", type=float, default=0.1)
    options = parser.parse_args()
    url = bench_url("sl_bench_ivr")
    fresh_database(url)
    callers = add_callers(2 * (options.calls + WARM_UP))
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_SPEECH": "twilio",
    }
    print(f"phone line, whole keypad calls one at a time (load average {load_average()})")
    try:
        with serveline_and_floor(env) as bases:
            half = options.calls + WARM_UP
            for pause, group in ((0.0, callers[:half]), (options.pause, callers[half:])):
                report(paced(bases, group, pause), pause)
    finally:
        redis.Redis.from_url(REDIS).flushdb()


if __name__ == "__main__":
    main()
