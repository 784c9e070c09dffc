"""Reading dockets, yes/no, menu choices and activity words from what was heard."""

from __future__ import annotations

from core.dockets import DocketNumber
from speech.understand import Hypothesis, agreed, choose, read_docket, reads_as_docket, yes_no

# What a marshal says for each kind of entry (the text line's words are in sms.grammar).
ACTIVITY_WORDS: dict[str, tuple[str, ...]] = {
    "HAND": ("in hand", "served in hand", "hand", "in-hand", "personal", "personally"),
    "ABODE": ("abode", "at abode", "abode service", "left at", "residence"),
    "ATTEMPT": ("attempt", "attempted", "tried", "unsuccessful", "not served", "attempts"),
    "RECEIPT": ("receipt", "received", "receive", "got the order"),
    "TRANSFER": ("transfer", "transferred", "transfers", "another marshal"),
    "OTHER": ("other", "comment", "something else", "note"),
}


def heard(*texts: str) -> list[Hypothesis]:
    return [Hypothesis(text, 0.5) for text in texts]


def activity(hypotheses: list[Hypothesis]) -> str | None:
    """HAND, ABODE, ATTEMPT, RECEIPT, TRANSFER or OTHER, from what was said; None if unclear."""
    return choose(hypotheses, ACTIVITY_WORDS)


def test_a_word_that_is_a_letter_or_a_digit_is_read_by_where_it_stands() -> None:
    reading = read_docket(heard("K N oh F A twenty five four two oh oh seven oh oh"), "HHD", 2026)
    assert reading.docket is not None and reading.docket.canonical == "KNO-FA25-4200700-S"


def test_a_bare_number_keeps_only_the_number_as_given_so_the_registry_can_look_across_courts() -> (
    None
):
    reading = read_docket(heard("four oh one two one nine nine"), "KNL", 2026)
    assert reading.docket is not None and reading.docket.is_bare_number


def test_the_registry_picks_the_hypothesis_on_file_over_a_better_ranked_one() -> None:
    def known(docket: DocketNumber) -> bool:
        return docket.number == "4012198"

    reading = read_docket(heard("4012197", "4012198"), "HHD", 2026, known=known)
    assert reading.docket is not None and reading.docket.number == "4012198"
    assert reading.heard == "4012198"


def test_without_a_docket_on_file_the_best_readable_hypothesis_is_returned() -> None:
    reading = read_docket(heard("[unk]", "4012197", "4012198"), "HHD", 2026, known=lambda d: False)
    assert reading.docket is not None and reading.docket.number == "4012197"


def test_nothing_readable_is_not_understood_and_keeps_what_was_heard() -> None:
    reading = read_docket(heard("hold on a second"), "HHD", 2026)
    assert reading.docket is None and reading.heard == "hold on a second"


def test_no_hypotheses_at_all_is_not_understood() -> None:
    assert read_docket([], "HHD", 2026).docket is None


def test_a_docket_is_read_from_the_beams_whatever_the_court_before_the_registry_is_asked() -> None:
    assert reads_as_docket([Hypothesis("Hello."), Hypothesis("4012199.")], 2026)
    assert reads_as_docket([Hypothesis("H H D F A 14 4012199 S")], 2026)
    assert not reads_as_docket([Hypothesis("Four, one, two, one, nine, nine.")], 2026)  # six
    assert not reads_as_docket([], 2026)


def test_sampled_texts_offer_only_the_dockets_two_of_them_agree_on_most_agreed_first() -> None:
    texts = [
        "4012199.",
        "Four, zero, one, two, one, nine, nine.",  # the same number, written another way
        "4012199",
        "4012198.",  # one sample alone: a slip as likely as not
        "Four, one, two, one, nine, nine.",  # six digits: no docket
        "401-2190.",
        "4012190",
    ]
    offered = agreed(texts, 2026)
    assert [h.text for h in offered] == ["4012199.", "401-2190."]
    assert [h.confidence for h in offered] == [3 / 7, 2 / 7]
    assert agreed(["4012199."], 2026) == [] and agreed([], 2026) == []


def test_yes_and_no_are_understood_with_punctuation_and_variants() -> None:
    assert yes_no(heard("Yes.")) is True
    assert yes_no(heard("that's right")) is True
    assert yes_no(heard("No, that's wrong.")) is False
    assert yes_no(heard("not correct")) is False
    assert yes_no(heard("maybe")) is None


def test_yes_and_no_together_is_not_an_answer_but_a_later_hypothesis_can_be() -> None:
    assert yes_no(heard("yes no")) is None
    assert yes_no(heard("yes no", "no")) is False


def test_a_menu_choice_is_the_longest_phrase_said_or_the_key_itself() -> None:
    options = {"1": ["service", "served in hand"], "2": ["attempt"], "3": ["receipt"]}
    assert choose(heard("Attempt."), options) == "2"
    assert choose(heard("press three"), options) == "3"
    assert choose(heard("um, two"), options) == "2"
    assert choose(heard("nothing of that"), options) is None


def test_two_menu_options_said_equally_is_no_choice() -> None:
    assert choose(heard("service or attempt"), {"1": ["service"], "2": ["attempt"]}) is None


def test_activity_words_are_understood() -> None:
    said = {
        "served in hand": "HAND",
        "at his abode": "ABODE",
        "attempt": "ATTEMPT",
        "receipt": "RECEIPT",
        "transfer": "TRANSFER",
        "other": "OTHER",
        "I attempted service": "ATTEMPT",
    }
    assert {text: activity(heard(text)) for text in said} == said
