"""Every IVR path fuzzed with Twilio-shaped and odd parameters, signed as Twilio signs them:
no server error, and every answer a TwiML document with a <Response> root."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from urllib.parse import urljoin

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge.signature import sign
from tests.ivr.driver import BASE, TOKEN
from tests.twilio_ids import twilio_sid

_calls = itertools.count(1)
ODD = [
    "",
    "٣٣٣٣٣٣٣",
    "²²",
    "\x00",
    "1\x002",
    "abc",
    "9" * 40,
    "-1",
    "1.5",
    " ",
    "#",
    "*",
    "\u202e12",
    "𝟙𝟚",
    "NaN",
    "1e309",
]
DIGITS = st.one_of(
    st.sampled_from(
        [
            "1",
            "2",
            "3",
            "4",
            "5",
            "0",
            "*",
            "#",
            "246810",
            "4012199",
            "4012198",
            "26",
            "1120",
            "0930",
            "hangup",
        ]
    ),
    st.sampled_from(ODD),
    st.text(max_size=12),
)
CALLERS = st.sampled_from(
    [
        "+18605550190",
        "+12125550123",
        "anonymous",
        "Anonymous",
        "",
        "client:marshal-toby",
        "sip:marshal.padegenis@serveline-pbx.example.org",
        "sip:" + "x" * 300 + "@pbx.example.org",
        "+1860555019٠",
        "\x00+1860",
    ]
)
EXTRA = st.fixed_dictionaries(
    {},
    optional={
        "SpeechResult": st.one_of(
            st.sampled_from(
                ["four zero one two one nine nine", "yes", "no", "served in hand", "٣٣٣", ""]
            ),
            st.text(max_size=40),
        ),
        "Confidence": st.sampled_from(["0.9", "abc", "", "2", "-1", "nan", "²"]),
        "CallStatus": st.one_of(
            st.sampled_from(["completed", "busy", "in-progress"]), st.text(min_size=30, max_size=60)
        ),
        "CallDuration": st.sampled_from(["42", "abc", "", "99999999999999999999", "²"]),
        "RecordingUrl": st.sampled_from(["https://api.twilio.com/x/RE1", "not a url", ""]),
        "RecordingSid": st.sampled_from([twilio_sid("RE", "fuzz"), "RE1", "", "²"]),
        "RecordingStatus": st.sampled_from(["completed", "absent", "x" * 50]),
        "RecordingDuration": st.sampled_from(["0", "4", "abc"]),
    },
)
PATHS = st.sampled_from(
    [
        "/ivr/step?n={n}",
        "/ivr/step?n={n}",
        "/ivr/step?n={n}",
        "/ivr/step?n=99999999999999999999",
        "/ivr/step?n=²",
        "/ivr/step",
        "/ivr/status",
        "/ivr/recording",
        "/ivr/vosk/recorded?resume=%2Fivr%2Fstep%3Fn%3D{n}&grammar=docket",
        "/ivr/vosk/recorded?resume=https%3A%2F%2Fevil.example%2F&grammar=x",
        "/ivr/vosk/poll?id=99999999999999999999",
        "/ivr/vosk/poll?id=²",
        "/ivr/vosk/poll?id=1",
        "/ivr/step?n={n}&vosk=timeout",
        "/ivr/step?n={n}&vosk=²",
        "/ivr/step?n={n}&key=5",
    ]
)
STEP = st.tuples(PATHS, DIGITS, EXTRA)


def post(client: FlaskClient, path: str, form: dict[str, str]) -> tuple[int, str]:
    signature = sign(urljoin(BASE, path), form, TOKEN)
    answer = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    return answer.status_code, answer.get_data(as_text=True)


def valid(status: int, body: str) -> None:
    assert status < 500, body[:500]
    if status == 200 and body.strip():
        assert ET.fromstring(body).tag == "Response", body[:500]


def test_every_ivr_path_answers_valid_twiml_and_never_a_server_error(client: FlaskClient) -> None:
    @settings(
        max_examples=50,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(caller=CALLERS, sign_in=st.booleans(), steps=st.lists(STEP, max_size=5))
    def one_call(caller: str, sign_in: bool, steps: list[tuple[str, str, dict[str, str]]]) -> None:
        base = {
            "CallSid": twilio_sid("CA", f"fuzz{next(_calls)}"),
            "From": caller,
            "To": "+18005550100",
            "AccountSid": "ACtest",
            "CallStatus": "in-progress",
        }
        valid(*post(client, "/ivr/voice", base))
        scripted = [("/ivr/step?n={n}", "246810", {}), ("/ivr/step?n={n}", "4012199", {})]
        for n, (path, digits, extra) in enumerate((scripted if sign_in else []) + steps, 1):
            valid(*post(client, path.format(n=n), {**base, "Digits": digits, **extra}))

    one_call()


def test_a_sip_caller_is_asked_for_the_marshal_number(client: FlaskClient) -> None:
    form = {
        "CallSid": twilio_sid("CA", "sip"),
        "AccountSid": "ACtest",
        "To": "+18005550100",
        "From": "sip:marshal.padegenis@serveline-pbx.example.org",
    }
    status, body = post(client, "/ivr/voice", form)
    assert status == 200 and "Your marshal number, then pound." in body


def test_an_anonymous_caller_is_asked_for_the_marshal_number(client: FlaskClient) -> None:
    form = {
        "CallSid": twilio_sid("CA", "anonymous"),
        "AccountSid": "ACtest",
        "To": "+18005550100",
        "From": "anonymous",
    }
    status, body = post(client, "/ivr/voice", form)
    assert status == 200 and "Your marshal number, then pound." in body


def test_a_step_of_a_call_we_never_answered_hangs_up_in_a_whole_document(
    client: FlaskClient,
) -> None:
    form = {"CallSid": twilio_sid("CA", "unknown"), "AccountSid": "ACtest", "Digits": "1"}
    status, body = post(client, "/ivr/step?n=1", form)
    assert status == 200 and ET.fromstring(body).tag == "Response" and "<Hangup" in body
