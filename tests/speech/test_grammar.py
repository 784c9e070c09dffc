"""Grammars per prompt, checked against the model's vocabulary."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from speech.grammar import (
    GRAMMARS,
    UNKNOWN,
    check_grammars,
    grammar,
    model_vocabulary,
    read_vocabulary,
    vocabulary_file,
)
from speech.menus import SPEECH as MENUS
from tests.speech.conftest import SHARED_WORDS

PACKAGED_WORDS = Path(__file__).parent / "data" / "vosk-model-small-en-us-0.15-words.txt.gz"


@pytest.fixture(scope="module")
def small_model_words() -> frozenset[str]:
    return frozenset(gzip.decompress(PACKAGED_WORDS.read_bytes()).decode().split())


def test_the_packaged_vocabulary_is_the_small_models_own(
    small_model_words: frozenset[str],
) -> None:
    assert len(small_model_words) == 67311 and {"abode", "oh", "hartford"} <= small_model_words
    if not SHARED_WORDS.is_file():
        pytest.skip(f"the shared word list is not at {SHARED_WORDS} to compare with")
    assert read_vocabulary(SHARED_WORDS) == small_model_words


def test_every_grammar_word_is_in_the_small_english_models_vocabulary(
    small_model_words: frozenset[str],
) -> None:
    assert check_grammars(small_model_words) == {}
    for name in GRAMMARS:
        assert set(" ".join(grammar(name)).split()) - {UNKNOWN} <= small_model_words


def test_every_grammar_ends_with_unk() -> None:
    assert all(grammar(name)[-1] == UNKNOWN for name in GRAMMARS)


def test_the_docket_grammar_has_digits_letters_court_names_and_family() -> None:
    phrases = set(grammar("docket"))
    assert {
        "oh",
        "zero",
        "nine",
        "h",
        "hotel",
        "x ray",
        "hartford",
        "new london",
        "family",
        "double",
    } <= phrases


def test_a_phrase_the_model_does_not_know_is_left_out_not_sent_to_vosk() -> None:
    vocabulary = frozenset({"yes", "no", "correct"})
    assert grammar("yes_no", vocabulary) == ["correct", "no", "yes", UNKNOWN]
    assert "wrong" in check_grammars(vocabulary)["yes_no"]


def test_the_models_own_word_list_is_found_in_graph_or_at_the_top(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "words.txt").write_text("<eps> 0\nyes 1\nno 2\n")
    assert vocabulary_file(tmp_path) == tmp_path / "graph" / "words.txt"
    assert model_vocabulary(str(tmp_path)) == frozenset({"<eps>", "yes", "no"})
    assert vocabulary_file(tmp_path / "missing") is None


def test_each_menus_grammar_has_its_words_as_a_recogniser_writes_them_and_the_key_digits() -> None:
    for name, options in MENUS.items():
        phrases = set(grammar(name))
        written = {p for words in options.values() for p in words if "." not in p}
        assert written <= phrases and {"one", "two"} <= phrases, name
    assert "a.m." not in grammar("am_pm") and "am" in grammar("am_pm")
