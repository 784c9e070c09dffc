"""Vosk's own result JSON turned into ranked hypotheses."""

from __future__ import annotations

import json

from speech.nbest import hypotheses, transcript
from speech.understand import read_docket
from tests.speech.conftest import VOSK_SEGMENTS


def test_segments_split_by_a_pause_are_joined_and_ranked_by_summed_score() -> None:
    found = hypotheses([json.loads(s) for s in VOSK_SEGMENTS])
    assert found[0].text == "h h d f a one four four oh one two one nine nine s"
    assert [h.confidence for h in found] == sorted((h.confidence or 0 for h in found), reverse=True)
    assert (
        sum(h.confidence or 0 for h in found) == 1.0
        or abs(sum(h.confidence or 0 for h in found) - 1) < 1e-3
    )


def test_the_joined_n_best_reads_as_the_docket() -> None:
    found = hypotheses([json.loads(s) for s in VOSK_SEGMENTS])
    reading = read_docket(found, "KNL", 2026)
    assert reading.docket is not None and reading.docket.canonical == "HHD-FA14-4012199-S"


def test_empty_segments_are_ignored_and_nothing_heard_is_no_hypothesis() -> None:
    silence = {"alternatives": [{"confidence": 0.0, "text": ""}]}
    assert hypotheses([silence, {"text": ""}]) == []
    assert [h.text for h in hypotheses([silence, {"text": "yes"}])] == ["yes"]


def test_a_plain_result_without_alternatives_is_one_hypothesis() -> None:
    result = {"result": [{"conf": 0.9, "start": 0.1, "end": 0.4, "word": "yes"}], "text": "yes"}
    assert [(h.text, h.confidence) for h in hypotheses([result])] == [("yes", 1.0)]


def test_free_form_results_become_a_transcript_with_times_and_confidence() -> None:
    results = [
        {
            "result": [
                {"conf": 1.0, "end": 0.63, "start": 0.27, "word": "served"},
                {"conf": 0.82, "end": 1.02, "start": 0.66, "word": "abode"},
            ],
            "text": "served abode",
        },
        {
            "result": [{"conf": 0.97, "end": 2.4, "start": 2.1, "word": "norwich"}],
            "text": "norwich",
        },
    ]
    found = transcript(results)
    assert found["text"] == "served abode norwich"
    assert found["words"][2] == {"word": "norwich", "start": 2.1, "end": 2.4, "conf": 0.97}
