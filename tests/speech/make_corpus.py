"""Write tests/speech/corpus.csv: dockets the way marshals say them and recognisers write them.

Run ``.venv/bin/python -m tests.speech.make_corpus`` to regenerate (seeded, so the file only
changes when this script does). The expected column is built from the docket itself, never by
the reader under test. Hand-written rows (garbles and refusals seen in practice) are appended.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.csv"
YEAR = 2026
ON_FILE = (
    "HHD-FA26-4012199-S",
    "HHD-FA26-4012198-S",
    "KNL-FA26-4012199-S",
    "NNH-FA26-4100001-S",
    "HHD-FA25-3900123-S",
    "KNL-FA26-4055555-S",
    "HHD-FA14-4012199-S",
    "FBT-FA24-4023456-S",
    "NNH-FA23-4123450-X",
    "MMX-FA26-4031003-S",
    "KNO-FA25-4200700-S",
    "FST-FS26-4098001-S",
    "DBD-FA26-4044044-S",
    "UWY-FA22-4110220-D",
    "HHB-FA26-4087613-S",
    "WWM-FA21-4060001-S",
)
NAMES = {
    "HHD": "Hartford",
    "KNL": "New London",
    "NNH": "New Haven",
    "FBT": "Bridgeport",
    "MMX": "Middletown",
    "KNO": "Norwich",
    "FST": "Stamford",
    "DBD": "Danbury",
    "UWY": "Waterbury",
    "HHB": "New Britain",
    "WWM": "Putnam",
}
CASE_NAMES = {"FA": "family", "FS": "support"}
DIGIT = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEEN = [
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
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NATO = {
    "A": "alpha",
    "B": "bravo",
    "D": "delta",
    "F": "foxtrot",
    "H": "hotel",
    "K": "kilo",
    "L": "lima",
    "M": "mike",
    "N": "november",
    "O": "oscar",
    "S": "sierra",
    "T": "tango",
    "U": "uniform",
    "W": "whiskey",
    "X": "x ray",
    "Y": "yankee",
    "I": "india",
}
LETTER_NAMES = {
    "A": "a",
    "B": "b",
    "D": "dee",
    "F": "f",
    "H": "h",
    "K": "k",
    "L": "l",
    "M": "m",
    "N": "n",
    "O": "o",
    "S": "s",
    "T": "t",
    "U": "u",
    "W": "w",
    "X": "x",
    "Y": "y",
    "I": "i",
}
GARBLED_LETTERS = {"H": "age", "F": "if", "A": "hey", "D": "d", "S": "yes", "N": "and"}


def pair(two: str, zero: str = "oh") -> str:
    """'21' twenty-one, '14' fourteen, '05' oh five, '20' twenty, '00' double oh."""
    if two == "00":
        return f"double {zero}"
    if two[0] == "0":
        return f"{zero} {DIGIT[int(two[1])]}"
    if two[0] == "1":
        return TEEN[int(two[1])]
    tens = TENS[int(two[0])]
    return tens if two[1] == "0" else f"{tens}-{DIGIT[int(two[1])]}"


def digits(number: str, zero: str = "zero", doubles: bool = False) -> str:
    words, index = [], 0
    while index < len(number):
        word = zero if number[index] == "0" else DIGIT[int(number[index])]
        if doubles and index + 1 < len(number) and number[index + 1] == number[index]:
            words.append(f"double {word}")
            index += 2
            continue
        words.append(word)
        index += 1
    return " ".join(words)


def grouped(number: str, rng: random.Random) -> str:
    """'four oh one, twenty-one ninety-nine' and the other ways people split seven digits."""
    style = rng.choice(["3-2-2", "3-4", "1-2-2-2"])
    if style == "3-2-2":
        return f"{digits(number[:3], 'oh')}, {pair(number[3:5])} {pair(number[5:])}"
    if style == "3-4":
        return f"{digits(number[:3], 'oh')}, {digits(number[3:], 'oh')}"
    return f"{DIGIT[int(number[0])]}, {pair(number[1:3])}, {pair(number[3:5])}, {pair(number[5:])}"


def spelled(letters: str, names: dict[str, str]) -> str:
    return " ".join(names[c] for c in letters)


def styles(docket: str, rng: random.Random) -> list[tuple[str, str]]:
    """(transcript, note) for one on-file docket, many ways."""
    court, middle, number, suffix = docket.split("-")
    kind, yy = middle[:2], middle[2:]
    name, case_name = NAMES[court], CASE_NAMES.get(kind, spelled(kind, LETTER_NAMES))
    return [
        (
            f"{spelled(court, LETTER_NAMES)} {spelled(kind, LETTER_NAMES)} {digits(yy)} "
            f"{digits(number)} {suffix}",
            "letters and digits",
        ),
        (f"{name}, {case_name}, {pair(yy)}, {grouped(number, rng)}, {suffix}", "names, groups"),
        (f"{court} {kind} {yy} {number}{_unusual(suffix)}", "Twilio compact"),
        (f"{court}-{kind}{yy}-{number}-{suffix}", "Twilio canonical"),
        (
            f"{spelled(court, NATO)} {spelled(kind, NATO)} {digits(yy, 'oh')} "
            f"{digits(number, 'oh')} {NATO[suffix]}",
            "NATO",
        ),
        (
            f"docket number uh {spelled(court, LETTER_NAMES)}, {spelled(kind, LETTER_NAMES)}, "
            f"{pair(yy)}, {digits(number, 'oh', doubles=True)}, {suffix}",
            "fillers, double",
        ),
        (
            f"{court.lower()} {kind.lower()}{yy} {number[:3]} {number[3:]} {suffix.lower()}",
            "Twilio grouped digits",
        ),
        (f"{name} {kind} {yy} {number} {suffix}", "court name, numerals"),
        (
            f"{spelled(court, GARBLED_LETTERS | LETTER_NAMES)} {case_name} {pair(yy)} "
            f"{_garbled_digits(number)} {GARBLED_LETTERS.get(suffix, suffix)}",
            "recogniser garble",
        ),
        (
            f"[unk] {name} {_unusual(kind)} {pair(yy)} {grouped(number, rng)}{_unusual(suffix)} "
            "[unk]",
            "noise at both ends",
        ),
    ]


def _unusual(part: str) -> str:
    """Parts a marshal may leave out only when they are the default (FA, S)."""
    return "" if part in ("FA", "S") else f" {part}"


def _garbled_digits(number: str) -> str:
    sounds = {"4": "for", "2": "to", "8": "ate", "0": "oh", "1": "won", "3": "tree"}
    return " ".join(sounds.get(d, DIGIT[int(d)]) for d in number)


def bare(docket: str) -> list[tuple[str, str, str]]:
    """A bare seven-digit number: read with the marshal's default court and this year."""
    court, middle, number, _ = docket.split("-")
    expected = f"{court}-FA26-{number}-S"
    return [
        (number, court, expected),
        (digits(number, "oh"), court, expected),
        (f"{number[:3]}-{number[3:]}", court, expected),
    ]


def generated() -> list[list[str]]:
    rng = random.Random(7)
    rows = []
    for docket in ON_FILE:
        for text, note in styles(docket, rng):
            rows.append([text, "HHD", docket, note])
        for text, court, expected in bare(docket):
            rows.append([text, court, expected, "bare number"])
    return rows


def main() -> None:
    hand = HERE / "corpus_hand.csv"
    with hand.open(newline="") as handle:
        hand_rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    with CORPUS.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript", "default_court", "expected", "note"])
        writer.writerows(generated() + hand_rows)
    print(f"wrote {CORPUS} ({len(generated()) + len(hand_rows)} transcripts)")


if __name__ == "__main__":
    main()
