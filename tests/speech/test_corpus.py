"""The transcript corpus: dockets as marshals say them and as recognisers write them."""

from __future__ import annotations

from collections import Counter

from tests.speech.corpus_eval import NOT_UNDERSTOOD, cases, read, verdict


def test_the_corpus_has_at_least_300_transcripts_with_refusals_among_them() -> None:
    corpus = list(cases())
    assert len(corpus) >= 300
    assert sum(1 for case in corpus if case.expected == NOT_UNDERSTOOD) >= 20


def test_at_least_95_percent_of_the_corpus_is_read_right() -> None:
    verdicts = Counter(verdict(case) for case in cases())
    assert verdicts["right"] / sum(verdicts.values()) >= 0.95, verdicts


def test_no_transcript_is_read_as_a_wrong_docket() -> None:
    wrong = [
        (case.transcript, case.expected, read(case).docket)
        for case in cases()
        if verdict(case) == "wrong"
    ]
    assert wrong == []
