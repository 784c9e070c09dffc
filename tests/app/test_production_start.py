"""Production processes refuse development values with one line, and start when all is set:
gunicorn serving ``web.app:create_app()`` and ``serveline worker``, as the Procfile runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core.settings import Settings
from tests.conftest import redis_url

BIN = Path(sys.executable).parent
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-0123456789",
    "TWILIO_AUTH_TOKEN": "twilio-token-of-the-account",
    "PIN_PEPPER": "a-long-random-pin-pepper-0123456789",
    "PUBLIC_BASE_URL": "https://serveline.registry.example",
}
START_WITHIN = 90  # seconds: two cores shared by many test runs


def production_env(settings: Settings, **changes: str | None) -> dict[str, str]:
    """This machine's environment as production sees it: SERVELINE_ENV unset."""
    env = {k: v for k, v in os.environ.items() if k not in ("SERVELINE_ENV", *PRODUCTION)}
    env.update(PRODUCTION, DATABASE_URL=settings.database_url, REDIS_URL=redis_url())
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "web.app:create_app()",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "serveline"), "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@pytest.fixture()
def stopped() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes the test started; each is stopped (and waited for) at the end."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def refusal(process: subprocess.Popen[str]) -> tuple[int, list[str]]:
    """The exit code and the lines that say why ServeLine did not start."""
    out, err = process.communicate(timeout=START_WITHIN)
    said = [
        line
        for line in (out or "").splitlines() + (err or "").splitlines()
        if "ServeLine cannot start" in line
    ]
    assert "Traceback" not in (out or "") + (err or "")
    return process.returncode, said


@pytest.mark.parametrize("missing", ["SECRET_KEY", "TWILIO_AUTH_TOKEN"])
def test_gunicorn_refuses_to_start_without_a_secret(
    settings: Settings, missing: str, stopped: list
) -> None:
    process = gunicorn(production_env(settings, **{missing: None}), free_port())
    stopped.append(process)
    code, said = refusal(process)
    assert code != 0
    assert len(said) == 1 and said[0].startswith(f"ServeLine cannot start: {missing}")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "TWILIO_AUTH_TOKEN"])
def test_the_worker_refuses_to_start_without_a_secret(
    settings: Settings, missing: str, stopped: list
) -> None:
    process = worker(production_env(settings, **{missing: None}))
    stopped.append(process)
    code, said = refusal(process)
    assert code != 0
    assert said == [said[0]] and said[0].startswith(f"ServeLine cannot start: {missing}")


def test_gunicorn_starts_and_answers_when_everything_is_set(
    engine: object, settings: Settings, stopped: list
) -> None:
    port = free_port()
    process = gunicorn(production_env(settings), port)
    stopped.append(process)
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            answer = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        except requests.RequestException:
            time.sleep(0.5)
            continue
        assert answer.status_code == 200 and answer.json()["ok"] is True
        return
    pytest.fail("gunicorn did not answer /healthz in time")


def test_the_worker_starts_when_everything_is_set(
    engine: object, settings: Settings, stopped: list
) -> None:
    process = worker(production_env(settings))
    stopped.append(process)
    assert process.stdout is not None
    deadline = time.monotonic() + START_WITHIN
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "Listening on" in line or "*** Listening" in line:
            assert process.poll() is None
            return
    pytest.fail("the worker did not start listening:\n" + "".join(seen))
