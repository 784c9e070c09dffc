"""Looking a docket up: exact, bare number across courts and years, ambiguous, unknown."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from core.dockets import DocketError, parse_docket
from core.models import Docket
from core.registry import find_docket

YEAR = date.today().year


def test_an_exact_docket_is_found(session: Session) -> None:
    match = find_docket(session, parse_docket(f"KNL-FA{YEAR % 100:02d}-4012199-S", None, YEAR))
    assert match.found and match.docket is not None
    assert match.docket.respondent_last == "Dent"


def test_a_bare_number_uses_the_default_court_first(session: Session) -> None:
    match = find_docket(session, parse_docket("4012199", "HHD", YEAR))
    assert match.docket is not None and match.docket.court_code == "HHD"


def test_a_bare_number_matching_one_open_case_elsewhere_is_taken(session: Session) -> None:
    # 3900123 is last year's Hartford case; the marshal's default court is New London.
    match = find_docket(session, parse_docket("3900123", "KNL", YEAR))
    assert match.docket is not None and match.docket.respondent_last == "Cobblepot"


def test_a_bare_number_matching_several_open_cases_offers_them(session: Session) -> None:
    match = find_docket(session, parse_docket("4012199", "NNH", YEAR))
    assert match.ambiguous
    assert sorted(d.court_code for d in match.candidates) == ["HHD", "KNL"]


def test_a_closed_case_is_not_offered_for_a_bare_number(session: Session) -> None:
    match = find_docket(session, parse_docket("4012199", "NNH", YEAR))
    for docket in match.candidates:
        if docket.court_code == "KNL":
            docket.is_open = False
    session.flush()
    again = find_docket(session, parse_docket("4012199", "NNH", YEAR))
    assert again.docket is not None and again.docket.court_code == "HHD"


def test_an_unknown_docket_is_not_found(session: Session) -> None:
    match = find_docket(session, parse_docket("7777777", "HHD", YEAR))
    assert not match.found and not match.ambiguous


def test_an_unknown_court_location_is_named(session: Session) -> None:
    with pytest.raises(DocketError) as caught:
        find_docket(session, parse_docket("XYZ-FA14-4012199-S", None, YEAR))
    assert caught.value.part == "court" and "XYZ" in caught.value.message


def test_a_full_docket_never_falls_back_to_another_court(session: Session) -> None:
    match = find_docket(session, parse_docket(f"NNH-FA{YEAR % 100:02d}-4012199-S", None, YEAR))
    assert isinstance(match.candidates, list) and not match.found
    assert session.query(Docket).filter(Docket.number == "4012199").count() == 2
