"""Demo data for a newcomer's machine: courts, towns, agencies, marshals and dockets.

Fax numbers are fictional (555-01xx); the demo PINs are printed by ``make run``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts import hash_secret
from core.codes import CONNECTICUT_COURTS
from core.imports import import_agencies, import_daybook, import_marshals, rows_text
from core.models import Court, Docket, Marshal, Role

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
    """Load (or refresh) the demo data; safe to run twice."""
    for code, name in CONNECTICUT_COURTS:
        court = session.get(Court, code) or Court(code=code, name=name)
        court.name = name
        session.add(court)
    session.flush()
    import_agencies(session, rows_text(DEMO_AGENCIES))
    import_marshals(session, rows_text(DEMO_MARSHALS))
    import_daybook(session, rows_text(daybook_csv(today)))
    _backdate_demo_dockets(session, today)
    _staff_account(session)


def _backdate_demo_dockets(session: Session, today: date) -> None:
    """The demo cases were entered ten days ago, so past activities can be recorded on them."""
    entered = datetime.combine(today - timedelta(days=10), time(9), tzinfo=UTC)
    for docket in session.scalars(select(Docket).where(Docket.entered_at > entered)):
        docket.entered_at = entered


def _staff_account(session: Session) -> None:
    staff = session.scalar(select(Marshal).where(Marshal.userid == STAFF_USERID))
    if staff is None:
        staff = Marshal(userid=STAFF_USERID, first_name="Registry", last_name="Section",
                        email="registry@example.org", role=Role.STAFF.value)
        session.add(staff)
    staff.password_hash = hash_secret(STAFF_PASSWORD)
    staff.must_change_password = False
