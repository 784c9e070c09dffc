"""The registry's fixed lists: attempt reasons, case types, suffixes, court locations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AttemptReason:
    code: str
    word: str
    label: str


# Order matters: commonest first. The phone line's menu reads them in this order, keys 1 to 8,
# and the text line lists the codes in the same order (HELP A, the reason errors).
ATTEMPT_REASONS: tuple[AttemptReason, ...] = (
    AttemptReason("NH", "NOTHOME", "not at home"),
    AttemptReason("EV", "EVADING", "evading service"),
    AttemptReason("MV", "MOVED", "moved"),
    AttemptReason("BA", "BADADDRESS", "bad address"),
    AttemptReason("UL", "UNABLETOLOCATE", "unable to locate"),
    AttemptReason("IC", "INCARCERATED", "incarcerated"),
    AttemptReason("HO", "HOSPITALIZED", "hospitalized"),
    AttemptReason("OS", "OUTOFSTATE", "out of state"),
)
ATTEMPT_REASON_CODES = frozenset(r.code for r in ATTEMPT_REASONS)


def attempt_reason(code: str) -> AttemptReason:
    for reason in ATTEMPT_REASONS:
        if reason.code == code:
            return reason
    raise KeyError(code)


CASE_TYPES = ("FA", "FS", "CV")
SUFFIXES = ("S", "X", "D")

# Superior Court locations that hear family matters (code, name), as the STS drop-down lists them
# ("HHD-Hartford"). Migration 0009 puts them in every database; `serveline import-courts` adds or
# renames others.
CONNECTICUT_COURTS: tuple[tuple[str, str], ...] = (
    ("HHD", "Hartford"),
    ("HHB", "New Britain"),
    ("KNL", "New London"),
    ("KNO", "Norwich"),
    ("NNH", "New Haven"),
    ("MMX", "Middlesex (Middletown)"),
    ("FBT", "Fairfield (Bridgeport)"),
    ("FST", "Stamford-Norwalk"),
    ("DBD", "Danbury"),
    ("WWM", "Windham (Putnam)"),
    ("TTD", "Tolland (Rockville)"),
    ("LLI", "Litchfield (Torrington)"),
    ("UWY", "Waterbury"),
    ("AAN", "Ansonia-Milford"),
    ("NNI", "Meriden"),
)
