"""N confirms on one docket at the same instant, by phone, text and manual entry, on a live
server and real PostgreSQL: one records, every other is told what is on file and asked again."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.accounts import hash_secret
from core.db import utcnow
from core.demo import STAFF_PASSWORD, STAFF_USERID
from core.models import Activity, ActivityKind, Docket, Marshal, MarshalPhone, Notification
from core.registry import current_activity
from core.settings import Settings
from sms.models import SmsSession
from tests.app.live import LiveClient, at_once, serving
from tests.conftest import is_postgres, wiring_now
from tests.ivr.driver import Phone as CallPhone
from tests.sms.conftest import Phone as TextPhone
from tests.sms.conftest import reply_of
from tests.web.conftest import csrf_from

pytestmark = pytest.mark.postgres
PIN = "246810"
TOBY = "+18605550190"
STAFF_SECRET = pyotp.random_base32()


@pytest.fixture()
def line(
    committed: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if not is_postgres(str(committed.url)):
        pytest.skip("concurrent writers need PostgreSQL")
    app = wiring_now().app_with(testing=False, fax_spool_dir=tmp_path / "spool")
    with serving(app) as base:
        yield base


def riddler(engine: Engine) -> Docket:
    with Session(engine) as session:
        found = session.scalar(
            select(Docket).where(Docket.number == "4012199", Docket.court_code == "HHD")
        )
        assert found is not None
        return found


def phone_at_review(base: str) -> Callable[[], str]:
    """A call on The Riddler's docket, read back and waiting for 1 to record; pressing it."""
    call = CallPhone(LiveClient(base), caller=TOBY).dial().press(PIN).press("4012199")
    call.press("1").press("1").press("1").press("1").press("2").press("3")
    assert "Record it, press 1" in call.text, call.text

    def confirm() -> str:
        return "recorded" if "Recorded." in call.press("1").text else _asked(call.text)

    return confirm


def _asked(said: str) -> str:
    return "asked" if "already" in said.lower() else f"other: {said}"


def text_at_ok(base: str, engine: Engine, index: int) -> Callable[[], str]:
    """One of Toby's phones with a service on The Riddler waiting for OK; sending it."""
    number = f"+1860555{2000 + index:04d}"
    with Session(engine) as session:
        toby = session.scalar(select(Marshal).where(Marshal.smc_number == "903"))
        assert toby is not None
        session.add(MarshalPhone(marshal_id=toby.id, number=number))
        session.add(
            SmsSession(
                phone=number,
                marshal_id=toby.id,
                opened_at=utcnow(),
                expires_at=utcnow() + timedelta(minutes=30),
            )
        )
        session.commit()
    phone = TextPhone(LiveClient(base), number)  # type: ignore[arg-type]
    assert "Reply OK to record" in (phone.send("S 4012199 H") or "")

    def confirm() -> str:
        reply = reply_of(phone.post("OK")) or ""  # type: ignore[arg-type]
        return "recorded" if reply.startswith("Recorded") else _asked(reply)

    return confirm


def staff_signed_in(base: str, engine: Engine) -> LiveClient:
    with Session(engine) as session:
        staff = session.scalar(select(Marshal).where(Marshal.userid == STAFF_USERID))
        assert staff is not None
        staff.totp_secret, staff.role = STAFF_SECRET, "staff"
        staff.password_hash, staff.must_change_password = hash_secret(STAFF_PASSWORD), False
        session.commit()
    client = LiveClient(base)
    _post_form(client, "/sign-in", {"userid": STAFF_USERID, "password": STAFF_PASSWORD})
    _post_form(client, "/two-factor", {"code": pyotp.TOTP(STAFF_SECRET).now()})
    return client


def _post_form(client: LiveClient, path: str, data: dict[str, str]) -> Any:
    token = csrf_from(client.get(path).get_data(as_text=True))
    answer = client.post(path, data={**data, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return answer


def manual_at_submit(staff: LiveClient, engine: Engine, canonical: str) -> Callable[[], str]:
    """The manual-entry form filled in for a service on The Riddler; submitting it."""
    page = staff.get("/staff/manual").get_data(as_text=True)
    with Session(engine) as session:
        toby = session.scalar(select(Marshal).where(Marshal.smc_number == "903"))
        assert toby is not None
        toby_id = toby.id
    form = {
        "csrf_token": csrf_from(page),
        "docket": canonical,
        "marshal": str(toby_id),
        "kind": "SERVICE",
        "method": "HAND",
        "firearms": "UNKNOWN",
        "entry_reason": "marshal's phone was dead",
        "source": f"staff-form-{uuid.uuid4().hex}",
    }

    def confirm() -> str:
        answer = staff.post("/staff/manual", data=form)
        if answer.status_code == 302:
            return "recorded"
        return "asked" if answer.status_code == 409 else f"other: {answer.status_code}"

    return confirm


def prepared(channels: str, n: int, base: str, engine: Engine) -> list[Callable[[], str]]:
    canonical = riddler(engine).canonical
    staff = staff_signed_in(base, engine) if channels in ("web", "mixed") else None
    kinds = {"phone": "p", "text": "t", "web": "w", "mixed": "ptw"}[channels]
    actions = []
    for index in range(n):
        kind = kinds[index % len(kinds)]
        if kind == "p":
            actions.append(phone_at_review(base))
        elif kind == "t":
            actions.append(text_at_ok(base, engine, index))
        else:
            assert staff is not None
            actions.append(manual_at_submit(staff, engine, canonical))
    return actions


def services_and_faxes(engine: Engine) -> tuple[int, int, dict[int, int]]:
    docket_id = riddler(engine).id
    with Session(engine) as session:
        services = (
            session.scalar(
                select(func.count())
                .select_from(Activity)
                .where(Activity.docket_id == docket_id, Activity.kind == "SERVICE")
            )
            or 0
        )
        current = current_activity(session, docket_id, ActivityKind.SERVICE)
        assert current is not None
        per_agency = dict(
            session.execute(
                select(Notification.agency_id, func.count())
                .join(Activity)
                .where(Activity.docket_id == docket_id)
                .group_by(Notification.agency_id)
            ).all()
        )
        return services, current.id, {int(k): int(v) for k, v in per_agency.items()}


@pytest.mark.parametrize(
    ("channels", "n"),
    [
        ("phone", 2),
        ("phone", 5),
        ("phone", 20),
        ("text", 2),
        ("text", 5),
        ("text", 20),
        ("web", 5),
        ("mixed", 5),
        ("mixed", 20),
    ],
)
def test_n_confirms_at_once_on_one_docket_record_one_service_and_one_fax_per_agency(
    line: str, committed: Engine, tmp_path: Path, channels: str, n: int
) -> None:
    answers = at_once(prepared(channels, n, line, committed))
    assert sorted(answers) == ["asked"] * (n - 1) + ["recorded"], answers
    services, _current, per_agency = services_and_faxes(committed)
    assert services == 1
    assert per_agency and set(per_agency.values()) == {1}
    assert faxes_spooled(tmp_path / "spool", len(per_agency)) == len(per_agency)


def faxes_spooled(spool: Path, expected: int, within: float = 10.0) -> int:
    """The faxes in the spool once there are as many as expected (the server sends them once
    its answer is out, in-process here), or when ``within`` seconds have gone by."""
    until = time.monotonic() + within
    while len(list(spool.glob("*.pdf"))) < expected and time.monotonic() < until:
        time.sleep(0.05)
    time.sleep(0.2)  # one more would be a doubled fax: give it the time to show
    return len(list(spool.glob("*.pdf")))
