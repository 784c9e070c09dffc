"""Reply texts: GSM-7 only, short, and never a carrier keyword."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from sms import replies

TEXTS = [
    value
    for name, value in vars(replies).items()
    if name.isupper() and isinstance(value, str) and name not in ("GSM7_BASIC", "GSM7_EXTENDED")
]
TEXTS += list(replies.PROBLEMS.values()) + [replies.help_text(t) for t in replies.HELP_TOPICS]
ALLOWED = set(replies.GSM7_BASIC + replies.GSM7_EXTENDED)


def test_every_reply_text_is_gsm7_and_at_most_two_segments() -> None:
    for text in TEXTS:
        assert set(text) <= ALLOWED, text
        assert replies.segments(text) <= 2, text


def test_no_reply_text_holds_a_carrier_keyword() -> None:
    for text in TEXTS:
        words = set(re.findall(r"[A-Za-z]+", text.upper()))
        assert not words & replies.CARRIER_KEYWORDS, text


def test_folding_turns_curly_quotes_dashes_and_accents_into_gsm7() -> None:
    assert replies.fold_gsm7("\u201cMa\u00eftre\u201d \u2013 \u0106a\u2026") == '"Maitre" - Ca...'
    assert replies.fold_gsm7("\U0001f600") == "?"


@given(st.text(max_size=400))
def test_finish_gives_gsm7_in_two_segments_whatever_it_is_given(text: str) -> None:
    done = replies.finish(text)
    assert set(done) <= ALLOWED
    assert replies.segments(done) <= 2


def test_every_error_names_its_field_and_shows_an_example() -> None:
    reply = replies.error("method", "method_missing")
    assert reply == "Method: say how: H (in hand) or AB (abode). e.g. S 4012199 H"
