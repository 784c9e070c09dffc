"""Where one webhook step's CPU goes: whole keypad calls on an in-process app, under cProfile.

The app is ServeLine's own (``create_app``) on PostgreSQL and Redis, driven through Flask's test
client with signed requests (tests/ivr/driver's softphone), so no server or client is measured.
Prints the mean CPU per step (unprofiled, this process only: the test client's share included,
PostgreSQL's not), the profiled CPU per package, and with ``--top`` the top functions by
cumulative and own CPU time (``--callees`` breaks named functions down).

    .venv/bin/python -m bench.ivr_profile [--calls 40] [--top 40]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time

import redis
from flask.testing import FlaskClient

from bench._common import bench_url, fresh_database
from bench.ivr_latency import add_callers
from core.settings import load_settings
from tests.ivr.driver import Phone
from tests.ivr.helpers import KEYPAD_SERVICE
from web.app import create_app

TOKEN = "bench-twilio-token"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


def keypad_call(client: FlaskClient, caller: tuple[str, str]) -> int:
    """One whole keypad service as the caller's own marshal on their own docket: its steps."""
    phone, docket = caller
    call = Phone(client, caller=phone, token=TOKEN).dial()
    for name, keys in KEYPAD_SERVICE:
        call.press(docket if name == "docket" else keys)
    assert "Goodbye" in call.text, call.text
    return 1 + len(KEYPAD_SERVICE)


def print_by_package(stats: pstats.Stats, steps: int) -> None:
    """Own CPU time per package (site-packages by distribution, ours by top package)."""
    owned: dict[str, float] = {}
    for (path, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        if "site-packages/" in path:
            package = path.split("site-packages/")[1].split("/")[0]
        elif "/work/" in path and ".venv" not in path:
            package = "ours: " + path.split("/")[-2]
        else:
            package = "python" if path != "~" else "builtins"
        owned[package] = owned.get(package, 0.0) + row[2]
    total = sum(owned.values())
    for package, seconds in sorted(owned.items(), key=lambda item: -item[1])[:14]:
        print(f"  {package:24s} {seconds * 1000 / steps:6.2f} ms/step ({seconds / total:4.0%})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callees", nargs="*", default=[], help="functions to break down")
    options = parser.parse_args()
    url = bench_url("sl_bench_ivr_profile")
    fresh_database(url)
    callers = add_callers(2 * options.calls + 5)
    settings = load_settings().but(
        database_url=url,
        redis_url=REDIS,
        twilio_auth_token=TOKEN,
        public_base_url="https://serveline.test",
        ivr_speech="twilio",
    )
    client = create_app(settings).test_client()
    for caller in callers[:5]:  # warm-up
        keypad_call(client, caller)
    plain, profiled = callers[5 : 5 + options.calls], callers[5 + options.calls :]
    steps, cpu = 0, time.process_time()
    for caller in plain:
        steps += keypad_call(client, caller)
    cpu = time.process_time() - cpu
    profile = cProfile.Profile(time.process_time)  # CPU, not waits on the database
    profile.enable()
    for caller in profiled:
        keypad_call(client, caller)
    profile.disable()
    redis.Redis.from_url(REDIS).flushdb()
    print(f"{steps} steps, {cpu * 1000 / steps:.2f} ms CPU per step in this process (unprofiled)")
    stats = pstats.Stats(profile)
    print_by_package(stats, steps)
    if options.top:
        stats.sort_stats("cumulative").print_stats(options.top)
        stats.sort_stats("tottime").print_stats(options.top)
    if options.callees:
        for name in options.callees:
            stats.sort_stats("cumulative").print_callees(name)


if __name__ == "__main__":
    main()
