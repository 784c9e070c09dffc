"""Whatever is typed: a reply of at most two GSM-7 segments, never a 500, never a record
without OK. Hypothesis drives the real webhook with signed requests."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Activity
from sms.replies import GSM7_BASIC, GSM7_EXTENDED, segments
from tests.sms.conftest import TOBY, Phone, reply_of
from tests.twilio_ids import twilio_sid

_sids = count(1)
PIECES = st.sampled_from(
    [
        "S",
        "A",
        "R",
        "T",
        "O",
        "4012199",
        "HHD-FA14-4012199-S",
        "H",
        "AB",
        "NH",
        "M417",
        "1430",
        "2:30PM",
        "11/20",
        "P",
        "F=Y",
        "/",
        '"',
        "#",
        "PIN",
        "OK",
        "X",
        "YESTERDAY",
        " ",
        "-",
        "\u2013",
        "\u00a0",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=300), st.lists(PIECES, max_size=20).map(" ".join).map(lambda t: t[:300])
)
ALLOWED = set(GSM7_BASIC + GSM7_EXTENDED)


def test_any_text_gets_a_short_gsm7_reply_and_records_nothing(
    client: FlaskClient, signed_in: Callable[[str], None], session: Session
) -> None:
    signed_in(TOBY)
    toby = Phone(client, TOBY)

    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(body=TEXTS)
    def one(body: str) -> None:
        if body.strip(" .!").upper() in {"OK", "OKAY"}:
            return  # OK is the one word allowed to record
        response = toby.post(body, sid=twilio_sid("SM", f"any{next(_sids)}"))
        assert response.status_code == 200
        reply = reply_of(response)
        if reply is not None:
            assert set(reply) <= ALLOWED, reply
            assert segments(reply) <= 2, reply
        assert session.scalar(select(func.count()).select_from(Activity)) == 0

    one()
