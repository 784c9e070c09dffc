"""Daybook, marshal, agency and court imports from CSV: all or nothing; errors name line, column."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import (
    PhoneNumberError,
    hash_pin,
    normalise_phone,
    pin_problem,
    unique_userid,
)
from core.dockets import DocketError, parse_canonical
from core.models import Agency, Court, Docket, Marshal, MarshalPhone, Town

DAYBOOK_COLUMNS = (
    "docket",
    "respondent_first",
    "respondent_last",
    "hearing_date",
    "respondent_town",
    "protected_home_town",
    "protected_work_town",
)
MARSHAL_COLUMNS = (
    "first_name",
    "last_name",
    "smc_number",
    "email",
    "phone",
    "default_court",
    "pin",
)
AGENCY_COLUMNS = ("name", "ori", "fax", "towns")
COURT_COLUMNS = ("code", "name")
DAYBOOK_OPTIONAL = ("assigned_smc",)


class ImportError_(ValueError):
    """A row that cannot be imported: file, line, column and the reason."""

    def __init__(self, line: int, column: str, reason: str, file: str = "") -> None:
        self.line, self.column, self.reason, self.file = line, column, reason, file
        super().__init__(self.describe())

    def describe(self) -> str:
        where = f"{self.file}: " if self.file else ""
        return f"{where}line {self.line}, column {self.column}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


Row = dict[str, str]


def read_rows(
    stream: TextIO, columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, Row]]:
    """Rows as dicts with their line numbers; the header must name the contract's columns."""
    reader = csv.DictReader(stream)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header and c not in optional]
    if missing:
        raise ImportError_(1, missing[0], f"the header lacks column {missing[0]!r}")
    reader.fieldnames = header
    for row in reader:
        yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def _run(
    session: Session,
    stream: TextIO,
    columns: tuple[str, ...],
    upsert: Callable[[Session, int, Row], bool],
    optional: tuple[str, ...] = (),
) -> ImportResult:
    created = updated = 0
    with session.begin_nested():
        for line, row in read_rows(stream, columns, optional):
            if upsert(session, line, row):
                created += 1
            else:
                updated += 1
            session.flush()
    return ImportResult(created, updated)


def _required(line: int, row: Row, column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise ImportError_(line, column, "this value is required")
    return value


def _date(line: int, row: Row, column: str) -> date | None:
    value = row.get(column, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ImportError_(line, column, f"{value!r} is not a date like 2026-11-30") from error


def town_named(session: Session, name: str) -> Town:
    clean = " ".join(name.split()).title()
    town = session.scalar(select(Town).where(Town.name == clean))
    if town is None:
        town = Town(name=clean)
        session.add(town)
        session.flush()
    return town


def _optional_town(session: Session, row: Row, column: str) -> Town | None:
    return town_named(session, row[column]) if row.get(column) else None


def _daybook_row(session: Session, line: int, row: Row) -> bool:
    try:
        number = parse_canonical(_required(line, row, "docket"))
    except DocketError as error:
        raise ImportError_(line, "docket", error.message) from error
    if session.get(Court, number.court) is None:
        raise ImportError_(line, "docket", f"there is no court location {number.court}")
    docket = session.scalar(
        select(Docket).where(
            Docket.court_code == number.court,
            Docket.case_type == number.case_type,
            Docket.year == number.year,
            Docket.number == number.number,
            Docket.suffix == number.suffix,
        )
    )
    created = docket is None
    if docket is None:
        docket = Docket(
            court_code=number.court,
            case_type=number.case_type,
            year=number.year,
            number=number.number,
            suffix=number.suffix,
        )
        session.add(docket)
    docket.respondent_first = _required(line, row, "respondent_first")
    docket.respondent_last = _required(line, row, "respondent_last")
    docket.hearing_date = _date(line, row, "hearing_date")
    docket.respondent_town = _optional_town(session, row, "respondent_town")
    docket.protected_home_town = _optional_town(session, row, "protected_home_town")
    docket.protected_work_town = _optional_town(session, row, "protected_work_town")
    if "assigned_smc" in row:
        docket.assigned_smc = _assigned_smc(line, row)
    return created


def _assigned_smc(line: int, row: Row) -> str | None:
    smc = row.get("assigned_smc", "")
    if smc and not smc.isdigit():
        raise ImportError_(line, "assigned_smc", "the SMC number must be digits")
    return smc or None


def import_daybook(session: Session, stream: TextIO) -> ImportResult:
    """Upsert dockets from the clerk's daybook CSV (``assigned_smc`` optional)."""
    return _run(
        session, stream, DAYBOOK_COLUMNS + DAYBOOK_OPTIONAL, _daybook_row, optional=DAYBOOK_OPTIONAL
    )


def _phone(line: int, row: Row) -> str | None:
    if not row.get("phone"):
        return None
    try:
        return normalise_phone(row["phone"])
    except PhoneNumberError as error:
        raise ImportError_(line, "phone", str(error)) from error


def _marshal_row(session: Session, line: int, row: Row) -> bool:
    smc = _required(line, row, "smc_number")
    if not smc.isdigit():
        raise ImportError_(line, "smc_number", "the SMC number must be digits")
    court = row.get("default_court", "").upper() or None
    if court and session.get(Court, court) is None:
        raise ImportError_(line, "default_court", f"there is no court location {court}")
    email = row.get("email", "").lower() or None
    if email and "@" not in email:
        raise ImportError_(line, "email", f"{email!r} is not an email address")
    marshal = session.scalar(select(Marshal).where(Marshal.smc_number == smc))
    created = marshal is None
    if marshal is None:
        first, last = _required(line, row, "first_name"), _required(line, row, "last_name")
        marshal = Marshal(
            userid=unique_userid(session, first, last),
            first_name=first,
            last_name=last,
            smc_number=smc,
            must_change_password=True,
        )
        session.add(marshal)
    marshal.first_name = _required(line, row, "first_name")
    marshal.last_name = _required(line, row, "last_name")
    marshal.email, marshal.default_court = email, court
    _set_phone(session, line, marshal, _phone(line, row))
    _set_import_pin(line, marshal, row.get("pin", ""))
    return created


def _set_phone(session: Session, line: int, marshal: Marshal, phone: str | None) -> None:
    if phone is None or any(p.number == phone for p in marshal.phones):
        return
    owner = session.scalar(select(MarshalPhone).where(MarshalPhone.number == phone))
    if owner is not None:
        raise ImportError_(line, "phone", f"{phone} is already registered to another marshal")
    marshal.phones.append(MarshalPhone(number=phone))


def _set_import_pin(line: int, marshal: Marshal, pin: str) -> None:
    if not pin:
        return
    problem = pin_problem(pin)
    if problem:
        raise ImportError_(line, "pin", problem)
    marshal.pin_hash = hash_pin(pin)


def import_marshals(session: Session, stream: TextIO) -> ImportResult:
    """Upsert marshals by SMC number; userid = first initial + last name, made unique."""
    return _run(session, stream, MARSHAL_COLUMNS, _marshal_row, optional=("pin",))


def _agency_row(session: Session, line: int, row: Row) -> bool:
    ori = _required(line, row, "ori").upper()
    try:
        fax = normalise_phone(_required(line, row, "fax"))
    except PhoneNumberError as error:
        raise ImportError_(line, "fax", str(error)) from error
    agency = session.scalar(select(Agency).where(Agency.ori == ori))
    created = agency is None
    if agency is None:
        agency = Agency(ori=ori, name="", fax=fax)
        session.add(agency)
    agency.name = _required(line, row, "name")
    agency.fax = fax
    names = [t for t in row.get("towns", "").split(";") if t.strip()]
    agency.towns = [town_named(session, t) for t in names]
    return created


def import_agencies(session: Session, stream: TextIO) -> ImportResult:
    """Upsert police agencies by ORI with their fax numbers and the towns they cover."""
    return _run(session, stream, AGENCY_COLUMNS, _agency_row)


def _court_row(session: Session, line: int, row: Row) -> bool:
    code = _required(line, row, "code").upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ImportError_(line, "code", f"{code!r} is not a court code of three letters")
    name = " ".join(_required(line, row, "name").split())
    if len(name) > 80:
        raise ImportError_(line, "name", "the name is longer than 80 characters")
    court = session.get(Court, code)
    if court is None:
        session.add(Court(code=code, name=name))
        return True
    court.name = name
    return False


def import_courts(session: Session, stream: TextIO) -> ImportResult:
    """Add court locations or rename them, by code."""
    return _run(session, stream, COURT_COLUMNS, _court_row)


def rows_text(text: str) -> io.StringIO:
    return io.StringIO(text)
