"""Every route of the app, with ids, page numbers and numbers too large for the database or
not ASCII digits, in the path, the query and the form: a 404 or a form error, never a 500."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.web.conftest import csrf_from

HUGE = "99999999999999999999"
ODD_VALUES = (HUGE, "²", "٣٣٣", "-1", "x" * 300)
FIELDS = (
    "marshal",
    "marshal_id",
    "page",
    "year",
    "id",
    "docket",
    "kind",
    "method",
    "reason",
    "transfer_to",
    "comment",
    "police",
    "firearms",
    "firearms_date",
    "occurred_date",
    "occurred_time",
    "entry_reason",
    "source",
    "smc",
    "q",
    "words",
    "outcome",
    "code",
    "userid",
    "password",
    "new_password",
    "confirm",
    "pin",
    "email",
    "re_record",
    "from",
    "to",
    "channel",
    "attempt",
    "expires",
    "signature",
)


def paths_for(rule: str) -> list[str]:
    """The rule with each argument replaced by every odd value."""
    if "<" not in rule:
        return [rule]
    return [re.sub(r"<[^>]+>", value, rule) for value in ODD_VALUES]


def test_every_route_turns_odd_numbers_into_a_404_or_a_form_error(
    staff_client: FlaskClient,
) -> None:
    app = staff_client.application
    token = csrf_from(staff_client.get("/staff/manual").get_data(as_text=True))
    failures: list[str] = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule == "/sign-out", r.rule))
    for rule in rules:
        if rule.endpoint == "static":
            continue
        for path in paths_for(rule.rule):
            for value in ODD_VALUES:
                query = "&".join(f"{name}={value}" for name in FIELDS)
                if "GET" in (rule.methods or ()):
                    answer = staff_client.get(f"{path}?{query}")
                    if answer.status_code >= 500:
                        failures.append(f"GET {path}?…={value}: {answer.status_code}")
                if "POST" in (rule.methods or ()):
                    form = {**dict.fromkeys(FIELDS, value), "csrf_token": token}
                    answer = staff_client.post(path, data=form)
                    if answer.status_code >= 500:
                        failures.append(f"POST {path} …={value}: {answer.status_code}")
    assert not failures, failures
