"""The probe of #14 item 6, against gunicorn on loopback: forged webhooks to every Twilio and fax
path are refused with 403 and record nothing (the re-split replay is #13's, see the bench)."""

from __future__ import annotations

from sqlalchemy import Engine

from bench._common import free_port, start_gunicorn
from bench.webhook_probe import forged_requests, genuine_text, rows, send, server_env
from core.settings import Settings


def test_no_forged_webhook_to_any_path_is_accepted_or_recorded(
    committed: Engine, settings: Settings
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(base, port, server_env(settings.database_url))
    try:
        before = rows()
        forged = [f for f in forged_requests() if not f.how.startswith("re-split")]
        answers = {(f.path, f.how): send(base, f) for f in forged}
        assert len({path for path, _ in answers}) == 8
        assert set(answers.values()) == {403}, answers
        assert rows() == before
        assert genuine_text(base) == 200 and rows() != before  # a real one would be recorded
    finally:
        server.terminate()
        server.wait(10)
