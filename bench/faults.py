"""Benchmark: ServeLine under concurrency, replay and faults. Prints the figures of issue 13.

Run: .venv/bin/python -m bench.faults [worker]   (``worker``: only the worker killed mid-send)
(PostgreSQL sl_bench_faults, dropped first; a redis-server of its own, or BENCH_REDIS_URL; the
app on a threaded server on loopback; a TCP proxy in front of PostgreSQL cuts the database;
about six minutes, most of it waiting for a dead worker's send to be reconciled.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from redis import Redis
from sqlalchemy import func, make_url, select

from bench._common import bench_url, fresh_database
from core.db import session_scope
from core.models import Activity, Docket, Notification
from core.services import current
from core.settings import load_settings
from edge.signature import sign
from tests.app.faultproxy import FaultProxy
from tests.app.live import LiveClient, at_once, serving
from tests.app.test_concurrent_confirms import phone_at_review, text_at_ok
from tests.conftest import PUBLIC_BASE, TWILIO_TOKEN
from tests.sms.test_replays import re_split, twilio_text
from tests.twilio_ids import twilio_sid
from web.app import create_app
from web.app import services_of as current_of

REDIS = os.environ.get("BENCH_REDIS_URL", "")  # unset: a redis-server of its own, never shared
TOKEN = TWILIO_TOKEN  # the test phones sign as the test suite's Twilio account
BASE = PUBLIC_BASE
PIN = "246810"


def app_for(url: str, spool: Path):  # type: ignore[no-untyped-def]
    settings = load_settings({}).but(
        database_url=url,
        redis_url=None,
        twilio_auth_token=TOKEN,
        twilio_account_sid="ACtest",
        public_base_url=BASE,
        fax_spool_dir=spool,
        session_cookie_secure=False,
    )
    return create_app(settings)


def counts() -> tuple[int, int, int]:
    with session_scope() as session:
        riddler = session.scalar(
            select(Docket.id).where(Docket.number == "4012199", Docket.court_code == "HHD")
        )
        services = (
            session.scalar(
                select(func.count())
                .select_from(Activity)
                .where(Activity.docket_id == riddler, Activity.kind == "SERVICE")
            )
            or 0
        )
        faxes = (
            session.scalar(
                select(func.count())
                .select_from(Notification)
                .join(Activity)
                .where(Activity.docket_id == riddler)
            )
            or 0
        )
        activities = session.scalar(select(func.count()).select_from(Activity)) or 0
    return services, faxes, activities


def reset_activities() -> None:
    with session_scope() as session:
        for table in ("notification", "audit_event", "call_step", "call_log", "activity"):
            session.execute(db_table(table).delete())


def db_table(name: str):  # type: ignore[no-untyped-def]
    from core.db import Base
    from web.services import load_all_models

    load_all_models()
    return Base.metadata.tables[name]


def concurrent_confirms(base: str) -> None:
    engine = current().database.engine
    assert engine is not None
    for n in (2, 5, 20):
        reset_activities()
        with session_scope() as session:
            session.execute(db_table("sms_session").delete())
            session.execute(db_table("sms_pending_report").delete())
            session.execute(
                db_table("marshal_phone")
                .delete()
                .where(db_table("marshal_phone").c.number.like("+18605552%"))
            )
        actions = [
            phone_at_review(base) if i % 2 else text_at_ok(base, engine, i) for i in range(n)
        ]
        answers = at_once(actions)
        services, faxes, _ = counts()
        print(
            f"  {n:2d} confirms at once (phone and text): {answers.count('recorded')} recorded, "
            f"{answers.count('asked')} asked to re-record -> {services} service, "
            f"{faxes} faxes for 3 agencies"
        )


def replays(base: str) -> None:
    client = LiveClient(base)
    accepted = 0
    for number in range(3):
        with session_scope() as session:
            session.execute(db_table("sms_session").delete())
        form = twilio_text("HELP", f"captured-{number}-{time.time()}")
        url = BASE + "/sms/inbound"
        signature = sign(url, form, TOKEN)
        client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})
        replay = re_split(form)
        answer = client.post("/sms/inbound", data=replay, headers={"X-Twilio-Signature": signature})
        accepted += answer.status_code == 200
    retry = client.post("/sms/inbound", data=form, headers={"X-Twilio-Signature": signature})
    print(
        f"  re-split replays of captured texts accepted: {accepted} of 3 "
        f"(Twilio's own retry of the same request: HTTP {retry.status_code})"
    )


def database_cut(url: str, spool: Path) -> None:
    port = make_url(url).port or 5432
    for mode, seconds in (("reset", 4.0), ("blackhole", 20.0)):
        proxy = FaultProxy(port)
        proxied = make_url(url).set(port=proxy.port).render_as_string(hide_password=False)
        app = app_for(proxied, spool)
        with serving(app) as base:
            reset_activities()
            calls = [phone_at_review(base) for _ in range(3)]
            hooks = [_timed(c) for c in calls] + [_help_text(base, i) for i in range(8)]
            proxy.set(mode)
            healer = threading.Timer(seconds, proxy.set, args=("pass",))
            healer.start()
            started = time.monotonic()
            results: list[tuple[float, int, bool]] = []
            while time.monotonic() - started < seconds - 6:  # every round ends inside the cut
                results += at_once(hooks[:11])
            healer.join()
            time.sleep(3)
            polite = sum(1 for _t, status, kind in results if status == 200 and kind)
            errors = sum(1 for _t, status, _k in results if status >= 500)
            late = sum(1 for elapsed, _s, _k in results if elapsed > 15)
            slowest = max(elapsed for elapsed, _s, _k in results)
            _, _, recorded = counts()
            said_recorded = sum(1 for _t, status, kind in results if status == 200 and not kind)
            print(
                f"  database {mode} for {seconds:.0f} s: {len(results)} webhooks, "
                f"{polite} polite TwiML, {errors} HTTP 5xx, {late} late (>15 s), "
                f"slowest {slowest:.1f} s; "
                f"recorded: {recorded} (other answers than 'not recorded': {said_recorded})"
            )
        proxy.close()
        engine = current_of(app).database.engine
        assert engine is not None
        engine.dispose()


def _timed(confirm):  # type: ignore[no-untyped-def]
    def run() -> tuple[float, int, bool]:
        started = time.monotonic()
        try:
            said = confirm()
        except AssertionError:
            return time.monotonic() - started, 500, False
        return time.monotonic() - started, 200, "other: Sorry" in said

    return run


def _help_text(base: str, index: int):  # type: ignore[no-untyped-def]
    client = LiveClient(base, timeout=30)

    def run() -> tuple[float, int, bool]:
        form = twilio_text("OK", f"cut-{index}-{time.time()}")
        form["From"] = "+18605550190"
        started = time.monotonic()
        answer = client.post(
            "/sms/inbound",
            data=form,
            headers={"X-Twilio-Signature": sign(BASE + "/sms/inbound", form, TOKEN)},
        )
        return time.monotonic() - started, answer.status_code, b"cannot take" in answer.data

    return run


def own_redis() -> tuple[str, subprocess.Popen[bytes] | None]:
    """BENCH_REDIS_URL, or a redis-server of this benchmark's own on a free loopback port."""
    if REDIS:
        return REDIS, None
    from bench._common import free_port

    port = free_port()
    server = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        try:
            Redis.from_url(url).ping()
            break
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.05)
    return url, server


def worker_killed_mid_send(url: str) -> None:
    redis_url, server = own_redis()
    try:
        _worker_killed_mid_send(url, redis_url)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)


def _worker_killed_mid_send(url: str, redis_url: str) -> None:
    from bench._common import run_with
    from core.models import ActivityKind, Channel, Marshal, ServiceMethod
    from core.registry import ActivityReport, record_activity

    reset_activities()
    bench = current()
    run_with(bench.settings.but(redis_url=redis_url), database=bench.database)
    spool = Path(tempfile.mkdtemp(prefix="faults-spool-"))
    (spool / "answers").write_text("hold\n")
    with session_scope() as session:
        docket = session.scalar(select(Docket).where(Docket.number == "4012199"))
        toby = session.scalar(select(Marshal).where(Marshal.smc_number == "903"))
        assert docket is not None and toby is not None
        owed = record_activity(
            session,
            ActivityReport(
                docket.id,
                toby.id,
                ActivityKind.SERVICE,
                Channel.SMS,
                twilio_sid("SM", "killed"),
                method=ServiceMethod.HAND,
            ),
        ).notification_ids
    env = dict(
        os.environ,
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        FAX_PROVIDER="spool",
        FAX_SPOOL_DIR=str(spool),
    )
    serveline = str(Path(sys.executable).parent / "serveline")
    first = subprocess.Popen(
        [serveline, "worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not list(spool.glob("*.json")):
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    killed = time.monotonic()
    (spool / "answers").write_text("")
    second = subprocess.Popen(
        [serveline, "worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    settled = None
    while time.monotonic() - killed < 300:
        with bench.database.session() as session:
            statuses = list(
                session.scalars(select(Notification.status).where(Notification.id.in_(owed)))
            )
        if set(statuses) == {"delivered"}:
            settled = time.monotonic() - killed
            break
        time.sleep(1)
    sent = [json.loads(p.read_text())["notification"] for p in spool.glob("*.json")]
    lost = len(set(owed) - set(sent))
    doubled = len(sent) - len(set(sent))
    when = f"{settled:.0f} s" if settled is not None else "not within 300 s"
    print(
        f"  worker killed mid-send ({len(owed)} faxes owed): {lost} lost, {doubled} doubled, "
        f"settled {when} after the kill (no hand: the new worker's sweeper)"
    )
    os.killpg(second.pid, signal.SIGKILL)
    second.wait(30)
    run_with(bench.settings, database=bench.database)


def main() -> None:
    url = bench_url("sl_bench_faults")
    fresh_database(url)
    spool = Path(tempfile.mkdtemp(prefix="faults-"))
    app = app_for(url, spool)
    if sys.argv[1:] == ["worker"]:
        print("worker killed mid-send (lost, doubled, time to settle):")
        worker_killed_mid_send(url)
        return
    with serving(app) as base:
        print("concurrent confirms on one docket (N at once -> activities and faxes):")
        concurrent_confirms(base)
        print("replayed signatures:")
        replays(base)
    print("webhooks during a database cut (polite / 5xx / late):")
    database_cut(url, spool)
    print("worker killed mid-send (lost, doubled, time to settle):")
    worker_killed_mid_send(url)


if __name__ == "__main__":
    main()
