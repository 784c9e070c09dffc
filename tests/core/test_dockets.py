"""Docket parsing: every way a marshal writes one, each malformed part named, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.dockets import DocketError, DocketNumber, format_docket, parse_canonical, parse_docket

YEAR = 2026


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HHD-FA14-4012199-S", "HHD-FA14-4012199-S"),
        ("hhd fa 14 4012199 s", "HHD-FA14-4012199-S"),
        ("HHDFA144012199S", "HHD-FA14-4012199-S"),
        ("KNL FA-14-4012199", "KNL-FA14-4012199-S"),
        ("FA14-4012199", "HHD-FA14-4012199-S"),
        ("14-4012199", "HHD-FA14-4012199-S"),
        ("4012199", "HHD-FA26-4012199-S"),
        ("  HHD \u2013 FA14 \u2014 4012199 \u2011 S  ", "HHD-FA14-4012199-S"),
        ("hhd\u00a0fa14\u00a04012199", "HHD-FA14-4012199-S"),
        ("NNH-FS-2014-4012199-X", "NNH-FS14-4012199-X"),
        ("knl-fa14-4012199-s", "KNL-FA14-4012199-S"),
    ],
)
def test_every_documented_form_reads_as_the_canonical_docket(text: str, expected: str) -> None:
    assert parse_docket(text, "HHD", YEAR).canonical == expected


@pytest.mark.parametrize(
    ("text", "part", "words"),
    [
        ("401219", "number", "7 digits"),
        ("HHD-FA14-40121990-S", "number", "7 digits"),
        ("HHD-FA1-4012199-S", "year", "2 digits"),
        ("HH-FA14-4012199-S", "court", "3 letters"),
        ("HHD-F14-4012199-S", "case_type", "2 letters"),
        ("HHD-FA14-4012199-SS", "suffix", "one letter"),
        ("", "number", "enter a docket"),
        ("HHD-FA14-4012199-S!", "number", "only letters, digits"),
        ("served", "number", "7-digit"),
    ],
)
def test_each_malformed_part_gets_its_own_error(text: str, part: str, words: str) -> None:
    with pytest.raises(DocketError) as caught:
        parse_docket(text, "HHD", YEAR)
    assert caught.value.part == part
    assert words in caught.value.message


def test_a_bare_number_without_a_default_court_asks_for_the_court() -> None:
    with pytest.raises(DocketError) as caught:
        parse_docket("4012199", None, YEAR)
    assert caught.value.part == "court"


def test_only_the_number_given_is_a_bare_number() -> None:
    assert parse_docket("4012199", "HHD", YEAR).is_bare_number
    assert not parse_docket("14-4012199", "HHD", YEAR).is_bare_number


letters = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=1)
dockets = st.builds(
    DocketNumber,
    court=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    case_type=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    year=st.integers(min_value=0, max_value=99),
    number=st.text(alphabet="0123456789", min_size=7, max_size=7),
    suffix=letters,
)


@given(dockets)
def test_formatting_then_parsing_gives_back_the_same_docket(docket: DocketNumber) -> None:
    text = format_docket(docket)
    assert parse_docket(text, None, YEAR).key() == docket.key()
    assert parse_canonical(text).key() == docket.key()


@given(dockets, st.sampled_from([" ", "-", "  ", " - ", "\u2013"]))
def test_any_separator_between_parts_is_tolerated(docket: DocketNumber, sep: str) -> None:
    text = sep.join(
        [docket.court, docket.case_type, f"{docket.year:02d}", docket.number, docket.suffix]
    ).lower()
    assert parse_docket(text, None, YEAR).key() == docket.key()
