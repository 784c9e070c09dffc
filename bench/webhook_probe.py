"""Forged and replayed webhooks against gunicorn on loopback: every Twilio and fax path.

For each path a well-formed request is forged six ways (no signature, a made-up one, signed with
another token, signed for other parameters, signed for another path, and Twilio's own signature
re-split across parameter boundaries, issue #13), and the rows of every log and registry table
are counted before and after. A genuine signed text at the end shows the count would move.

    .venv/bin/python -m bench.webhook_probe
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from sqlalchemy import func, select

from core.db import session_scope
from core.models import Activity, AuditEvent, CallLog, CallStep, MessageLog, Notification
from edge.signature import sign

PUBLIC = "https://serveline.test"
TOKEN = "probe-twilio-token"
FAX_KEY = "probe-fax-signing-key"
TABLES = (CallLog, CallStep, MessageLog, Activity, Notification, AuditEvent)


def _call(**more: str) -> dict[str, str]:
    return {
        "CallSid": f"CA{secrets.token_hex(16)}",
        "From": "+18605550190",
        "To": "+18005550100",
        "AccountSid": "ACtest",
        "StirVerstat": "TN-Validation-Passed-A",
        **more,
    }


def _text(body: str = "S 4012199 H #246810") -> dict[str, str]:
    return {
        "MessageSid": f"SM{secrets.token_hex(16)}",
        "From": "+18605550190",
        "To": "+18005550100",
        "Body": body,
        "AccountSid": "ACtest",
        "NumMedia": "0",
        "NumSegments": "1",
    }


PATHS: dict[str, tuple[Callable[[], dict[str, str]], str]] = {
    "/ivr/voice": (_call, TOKEN),
    "/ivr/step?n=1": (lambda: _call(Digits="246810"), TOKEN),
    "/ivr/status": (lambda: _call(CallStatus="completed", CallDuration="42"), TOKEN),
    "/ivr/recording": (
        lambda: _call(
            RecordingSid=f"RE{secrets.token_hex(16)}",
            RecordingStatus="completed",
            RecordingUrl="https://api.twilio.com/x",
        ),
        TOKEN,
    ),
    "/ivr/vosk/recorded?resume=%2Fivr%2Fstep%3Fn%3D1": (
        lambda: _call(
            RecordingSid=f"RE{secrets.token_hex(16)}", RecordingUrl="https://api.twilio.com/x"
        ),
        TOKEN,
    ),
    "/ivr/vosk/poll?id=1&resume=%2Fivr%2Fstep%3Fn%3D1": (_call, TOKEN),
    "/sms/inbound": (_text, TOKEN),
    "/fax/status": (
        lambda: {
            "FaxSid": f"FX{secrets.token_hex(16)}",
            "FaxStatus": "delivered",
            "AccountSid": "ACtest",
        },
        FAX_KEY,
    ),
}


@dataclass(frozen=True)
class Forged:
    path: str
    how: str
    form: dict[str, str]
    signature: str | None
    header: str = "X-Twilio-Signature"


def _resplit(form: dict[str, str], key: str) -> dict[str, str] | None:
    """Twilio's signature joins sorted names and values without a separator: fold the
    parameters after an id into its value, and the signature still matches."""
    if key not in form:
        return None
    changed = dict(form)
    tail = [name for name in sorted(form) if name > key]
    if not tail:
        return None
    changed[key] = form[key] + "".join(name + form[name] for name in tail)
    for name in tail:
        del changed[name]
    return changed


def forged_requests() -> Iterator[Forged]:
    """Every forgery of every path."""
    for path, (make, key) in PATHS.items():
        header = "X-SignalWire-Signature" if path.startswith("/fax") else "X-Twilio-Signature"
        form = make()
        yield Forged(path, "no signature", form, None, header)
        yield Forged(path, "made-up signature", form, "bm90IGEgc2lnbmF0dXJl", header)
        yield Forged(path, "another token", form, sign(PUBLIC + path, form, "stolen"), header)
        other = {**form, "Digits": "999999", "Body": "S 4012199 H", "FaxStatus": "failed"}
        yield Forged(path, "signed for other values", other, sign(PUBLIC + path, form, key), header)
        elsewhere = "/ivr/status" if path != "/ivr/status" else "/ivr/voice"
        yield Forged(
            path, "signed for another path", form, sign(PUBLIC + elsewhere, form, key), header
        )
        for id_name in ("MessageSid", "CallSid", "FaxSid"):
            resplit = _resplit(form, id_name)
            if resplit is not None:
                yield Forged(
                    path,
                    "re-split replay (#13, helper B)",
                    resplit,
                    sign(PUBLIC + path, form, key),
                    header,
                )
                break


def rows() -> dict[str, int]:
    with session_scope() as db:
        return {
            t.__tablename__: int(db.scalar(select(func.count()).select_from(t)) or 0)
            for t in TABLES
        }


def send(base: str, forged: Forged) -> int:
    headers = {forged.header: forged.signature} if forged.signature is not None else {}
    return requests.post(
        base + forged.path, data=forged.form, headers=headers, timeout=30
    ).status_code


def genuine_text(base: str) -> int:
    form = _text("HELP")
    return requests.post(
        base + "/sms/inbound",
        data=form,
        timeout=30,
        headers={"X-Twilio-Signature": sign(PUBLIC + "/sms/inbound", form, TOKEN)},
    ).status_code


def server_env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "PUBLIC_BASE_URL": PUBLIC,
        "FAX_SIGNING_KEY": FAX_KEY,
        "FAX_PROVIDER": "spool",
        "REDIS_URL": "",
        "SESSION_COOKIE_SECURE": "0",
        "SERVELINE_ENV": "development",
    }


def main() -> None:
    from bench._common import bench_url, free_port, fresh_database, start_gunicorn

    url = bench_url("bench_probe")
    fresh_database(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(base, port, server_env(url))
    try:
        before, answers = rows(), []
        for forged in forged_requests():
            status = send(base, forged)
            answers.append((forged, status))
            print(f"{status}  {forged.path:52} {forged.how}")
        after = rows()
        accepted = [f for f, status in answers if status != 403]
        print(
            f"forged or replayed: {len(answers)}, refused 403: {len(answers) - len(accepted)}, "
            f"accepted: {len(accepted)}"
        )
        print(f"rows before {before}\nrows after  {after}")
        print(f"control: a genuine signed text -> {genuine_text(base)}, rows {rows()}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
