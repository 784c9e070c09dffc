"""Demo data for a newcomer's machine: towns, agencies, marshals, dockets and a staff sign-in.

Fax numbers are fictional (555-01xx); the demo PINs are printed by ``make run``. Loading it again
never overwrites what a person changed: a PIN or password chosen stays. (Court locations are
reference data: migration 0009 puts them in every database.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import hash_secret, pin_matches, secret_matches
from core.imports import import_agencies, import_daybook, import_marshals, rows_text
from core.models import Docket, Marshal, Role

DEMO_AGENCIES = """name,ori,fax,towns
Hartford Police Department,CT0006400,+1 860 555 0101,Hartford
West Hartford Police Department,CT0015500,+1 860 555 0102,West Hartford
Wethersfield Police Department,CT0015900,+1 860 555 0103,Wethersfield;Rocky Hill
New London Police Department,CT0009500,+1 860 555 0104,New London
Groton Town Police Department,CT0005900,+1 860 555 0105,Groton
New Haven Police Department,CT0009300,+1 203 555 0106,New Haven
Connecticut State Police Troop C,CTCSP0300,+1 860 555 0107,Tolland;Stafford
"""

DEMO_MARSHALS = """first_name,last_name,smc_number,email,phone,default_court,pin
Toby,Padegenis,903,toby.padegenis@example.org,+1 860 555 0190,HHD,246810
Maria,Santos,417,maria.santos@example.org,+1 860 555 0191,KNL,135792
James,Okafor,522,james.okafor@example.org,+1 203 555 0192,NNH,864200
"""

DEMO_PINS = {"903": "246810", "417": "135792", "522": "864200"}
STAFF_USERID = "registry"
STAFF_PASSWORD = "Registry2026demo"


def daybook_csv(today: date) -> str:
    """Demo dockets with a hearing two weeks ahead; this year's and an older one; each but
    Cobblepot's assigned to a demo marshal."""
    yy = today.year % 100
    hearing = (today + timedelta(days=14)).isoformat()
    rows = [
        f"HHD-FA{yy:02d}-4012199-S,The,Riddler,{hearing},Hartford,West Hartford,Wethersfield,903",
        f"HHD-FA{yy:02d}-4012198-S,The,Joker,{hearing},Hartford,Hartford,,903",
        f"KNL-FA{yy:02d}-4012199-S,Harvey,Dent,{hearing},New London,Groton,New London,417",
        f"NNH-FA{yy:02d}-4100001-S,Selina,Kyle,{hearing},New Haven,New Haven,,522",
        f"HHD-FA{(yy - 1) % 100:02d}-3900123-S,Oswald,Cobblepot,{hearing},Rocky Hill,Hartford,,",
        f"KNL-FA{yy:02d}-4055555-S,Edward,Nygma,{hearing},Norwich,,,417",
    ]
    header = "docket,respondent_first,respondent_last,hearing_date,respondent_town,"
    header += "protected_home_town,protected_work_town,assigned_smc"
    return header + "\n" + "\n".join(rows) + "\n"


def seed_demo(session: Session, today: date) -> None:
    """Load (or refresh) the demo data; safe to run twice, and a person's changes stay."""
    import_agencies(session, rows_text(DEMO_AGENCIES))
    import_marshals(session, rows_text(_new_demo_marshals(session)))
    import_daybook(session, rows_text(daybook_csv(today)))
    _backdate_demo_dockets(session, today)
    _staff_account(session)


def _new_demo_marshals(session: Session) -> str:
    """The demo marshals not loaded yet: those already there keep their PIN and details."""
    present = set(session.scalars(select(Marshal.smc_number)))
    header, *rows = DEMO_MARSHALS.strip().splitlines()
    return "\n".join([header, *(r for r in rows if r.split(",")[2] not in present)]) + "\n"


def _backdate_demo_dockets(session: Session, today: date) -> None:
    """The demo cases were entered ten days ago, so past activities can be recorded on them."""
    entered = datetime.combine(today - timedelta(days=10), time(9), tzinfo=UTC)
    for docket in session.scalars(select(Docket).where(Docket.entered_at > entered)):
        docket.entered_at = entered


def _staff_account(session: Session) -> None:
    """The demo Registry Section sign-in (an admin): the printed initial password until its
    first sign-in chooses another, like every account."""
    staff = session.scalar(select(Marshal).where(Marshal.userid == STAFF_USERID))
    if staff is None:
        staff = Marshal(
            userid=STAFF_USERID,
            first_name="Registry",
            last_name="Section",
            email="registry@example.org",
            role=Role.ADMIN.value,
            must_change_password=True,
        )
        session.add(staff)
    if staff.password_hash is None and staff.must_change_password:
        staff.password_hash = hash_secret(STAFF_PASSWORD)


@dataclass(frozen=True)
class DemoMarshal:
    smc_number: str
    name: str
    userid: str
    phone: str
    pin: str | None  # None: the marshal chose another


@dataclass(frozen=True)
class DemoFacts:
    """What a newcomer needs to try the line: dockets, marshals, the staff sign-in."""

    dockets: list[tuple[str, str]]
    marshals: list[DemoMarshal]
    staff_userid: str
    staff_password: str | None  # None: the initial one was used up


def demo_facts(session: Session, today: date) -> DemoFacts:
    """The demo facts as the database has them now (a PIN someone changed is not shown)."""
    canonical = {f"{row.split(',')[0]}" for row in daybook_csv(today).splitlines()[1:]}
    dockets = [
        (d.canonical, d.respondent_name)
        for d in session.scalars(select(Docket))
        if d.canonical in canonical
    ]
    marshals = [
        _demo_marshal(m)
        for m in session.scalars(
            select(Marshal).where(Marshal.smc_number.in_(DEMO_PINS)).order_by(Marshal.smc_number)
        )
    ]
    staff = session.scalar(select(Marshal).where(Marshal.userid == STAFF_USERID))
    initial = (
        staff is not None
        and staff.must_change_password
        and secret_matches(staff.password_hash, STAFF_PASSWORD)
    )
    return DemoFacts(sorted(dockets), marshals, STAFF_USERID, STAFF_PASSWORD if initial else None)


def _demo_marshal(marshal: Marshal) -> DemoMarshal:
    pin = DEMO_PINS.get(marshal.smc_number or "", "")
    phone = marshal.phones[0].number if marshal.phones else ""
    return DemoMarshal(
        marshal.smc_number or "",
        marshal.display_name,
        marshal.userid,
        phone,
        pin if pin_matches(marshal.pin_hash, pin) else None,
    )
