"""The floor: a trivial Flask app that answers every webhook with constant TwiML.

The webhook benchmarks serve it beside ServeLine under the same gunicorn settings and drive it
with the same calls and texts, so whatever the machine, the client and gunicorn cost is measured
in the same run: ServeLine's own cost is its figures over the floor's.
"""

from __future__ import annotations

from flask import Flask, Response

VOICE = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/ivr/step?n=1" '
    'input="dtmf" timeout="5" finishOnKey="#"><Say>Floor. Goodbye.</Say></Gather>'
    "</Response>"
)
TEXT = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Floor.</Message></Response>'


def create_app() -> Flask:
    app = Flask("floor")

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.post("/ivr/voice")
    @app.post("/ivr/step")
    def voice() -> Response:
        return Response(VOICE, mimetype="text/xml")

    @app.post("/sms/inbound")
    def text() -> Response:
        return Response(TEXT, mimetype="application/xml")

    return app
