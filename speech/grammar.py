"""One grammar per prompt, checked against the model's vocabulary.

Vosk silently drops a grammar word its model does not know (only a warning in its own log), so
a prompt would quietly lose the word a caller says. Every grammar is checked at start-up and at
load; a phrase with an unknown word is left out and named in our log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from speech.menus import SPEECH

log = logging.getLogger(__name__)
UNKNOWN = "[unk]"

DIGITS = ("zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
NUMBERS = (
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "double",
    "triple",
)
NATO = (
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "x ray",
    "yankee",
    "zulu",
)
LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")
# "tolland" is not in the small model's vocabulary: "rockville" names that court.
COURT_NAMES = (
    "hartford",
    "new britain",
    "new london",
    "norwich",
    "new haven",
    "middlesex",
    "middletown",
    "fairfield",
    "bridgeport",
    "stamford",
    "norwalk",
    "danbury",
    "windham",
    "putnam",
    "rockville",
    "litchfield",
    "torrington",
    "waterbury",
    "ansonia",
    "milford",
    "meriden",
)
DOCKET_WORDS = ("family", "civil", "support", "docket", "number", "dash")
YES_NO_MORE = ("yep", "that's right", "that's wrong", "not")  # "not correct" is a no
MENU = (*DIGITS, "star", "pound", "repeat", "back")


def _menu_grammar(name: str) -> tuple[str, ...]:
    """A menu's own words (those a recogniser can write: "a.m." is "am") and the key digits."""
    phrases = (p for words in SPEECH[name].values() for p in words)
    said = tuple(p for p in phrases if re.fullmatch(r"[a-z' ]+", p))
    return (*said, *DIGITS, *(YES_NO_MORE if name == "yes_no" else ()))


GRAMMARS: dict[str, tuple[str, ...]] = {
    "docket": (*DIGITS, *NUMBERS, *NATO, *LETTERS, *COURT_NAMES, *DOCKET_WORDS),
    **{name: _menu_grammar(name) for name in SPEECH},
    "menu": MENU,
}


def grammar(name: str, vocabulary: frozenset[str] | None = None) -> list[str]:
    """The phrases Vosk may hear at this prompt (unknown words left out), always with [unk]."""
    phrases = sorted(set(GRAMMARS[name]))
    if vocabulary is not None:
        phrases = [p for p in phrases if not missing_words([p], vocabulary)]
    return [*phrases, UNKNOWN]


def missing_words(phrases: list[str] | tuple[str, ...], vocabulary: frozenset[str]) -> set[str]:
    """The words of these phrases the model does not know."""
    return {w for phrase in phrases for w in phrase.split() if w not in vocabulary}


def read_vocabulary(words_txt: Path) -> frozenset[str]:
    """A Kaldi words.txt ('word id' per line) as a set of words."""
    lines = words_txt.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split()[0] for line in lines if line.strip())


def vocabulary_file(model_path: Path) -> Path | None:
    """Where an unpacked model keeps its words: graph/words.txt, else words.txt."""
    for candidate in (model_path / "graph" / "words.txt", model_path / "words.txt"):
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=4)
def model_vocabulary(model_path: str) -> frozenset[str] | None:
    """The model's vocabulary, or None when the model ships no word list (big models)."""
    found = vocabulary_file(Path(model_path))
    return read_vocabulary(found) if found else None


def check_grammars(vocabulary: frozenset[str]) -> dict[str, set[str]]:
    """Per grammar, the words the model would silently drop (only grammars that lose some)."""
    report = {name: missing_words(phrases, vocabulary) for name, phrases in GRAMMARS.items()}
    return {name: words for name, words in report.items() if words}


def missing_from_model(knows: Callable[[str], bool]) -> dict[str, set[str]]:
    """Per grammar, the words a loaded model's own vocabulary look-up does not find."""
    report = {
        name: {w for p in phrases for w in p.split() if not knows(w)}
        for name, phrases in GRAMMARS.items()
    }
    return {name: words for name, words in report.items() if words}


def known_to(knows: Callable[[str], bool], phrases: list[str]) -> list[str]:
    """The phrases whose every word the model knows ([unk] is kept: Vosk only warns for it)."""
    return [p for p in phrases if p == UNKNOWN or all(knows(w) for w in p.split())]


def log_missing_words(knows: Callable[[str], bool]) -> None:
    """Say in our log which grammar words the loaded model lacks (they are left out)."""
    for name, words in missing_from_model(knows).items():
        log.warning("grammar %s: the model lacks %s (left out)", name, ", ".join(sorted(words)))


def log_missing(model_path: str) -> None:
    """Say in our log which grammar words this model lacks (they are left out)."""
    vocabulary = model_vocabulary(model_path)
    if vocabulary is None:
        log.warning("the Vosk model at %s has no words.txt: grammar words not checked", model_path)
        return
    for name, words in check_grammars(vocabulary).items():
        log.warning("grammar %s: the model lacks %s (left out)", name, ", ".join(sorted(words)))
