"""Sign-in guards: failures are counted per marshal *and* per kind of source.

One shared counter was a weapon: anyone who knew a marshal's SMC number could call from any
phone, key five wrong PINs and lock him out of the phone, the text line and the web at once. Here
each kind of source has its own count, so guessing from one never closes another:

- ``phone``: the marshal's registered phone, caller ID verified (STIR/SHAKEN ``A``): 5 in a row;
- ``other-phone``: any other caller (unverified caller ID, or the marshal number keyed):
  5 in a row, and at most 10 a day;
- ``text``: texts from a registered phone (an SMS sender can be spoofed): 5 in a row, 10 a day;
- ``web@ADDRESS``: web passwords from one address: 5 in a row;
- ``web``: web passwords from all addresses together: at most 30 a day;
- ``second-factor``: staff codes (a correct password does not reset it): 5 in a row.

A lock lasts 15 minutes and doubles with every further lock in a row (30 min, 1 h, … at most
24 h) until a success from that source. A success on the verified registered phone, or a full web
sign-in, re-opens the other sources' locks (the daily budgets stay spent until the next UTC day,
or an admin's unlock). Each guard row is locked while its secret is checked (made if need be
and locked by one upsert) and the secret is checked against the hash as it is once the row is
locked, so 30 guesses at the same instant are counted one after the other and exactly the limit
is honoured. Every failure, lock, refusal while locked, re-opening and unlock is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.db import made_and_locked
from core.models import AuditEvent, SignInGuard

PHONE = "phone"
OTHER_PHONE = "other-phone"
TEXT = "text"
WEB = "web"
SECOND_FACTOR = "second-factor"
KINDS = (PHONE, OTHER_PHONE, TEXT, WEB, SECOND_FACTOR)
LABELS = {
    PHONE: "registered phone (verified caller ID)",
    OTHER_PHONE: "other phones",
    TEXT: "text line",
    WEB: "web password",
    SECOND_FACTOR: "second factor",
}
LOCK_FOR = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)


@dataclass(frozen=True)
class Rule:
    """When a source closes: after ``in_a_row`` failures, or ``per_day`` failures in a UTC day."""

    in_a_row: int | None
    per_day: int | None = None


RULES = {
    PHONE: Rule(5),
    OTHER_PHONE: Rule(5, 10),
    TEXT: Rule(5, 10),
    WEB: Rule(None, 30),
    SECOND_FACTOR: Rule(5),
}
PER_ADDRESS = Rule(5)


def web_at(address: str) -> str:
    """The web source of one client address."""
    return f"{WEB}@{address}"[:64]


def kind_of(source: str) -> str:
    return WEB if source.startswith(f"{WEB}@") else source


def rule_for(source: str) -> Rule:
    return PER_ADDRESS if source.startswith(f"{WEB}@") else RULES[source]


@dataclass(frozen=True)
class Verdict:
    """What a guarded check found."""

    ok: bool
    locked: bool = False
    locked_until: datetime | None = None
    failures_left: int = 5


def check(
    session: Session,
    marshal_id: int,
    sources: Iterable[str],
    verify: Callable[[], bool],
    channel: str,
    now: datetime,
) -> Verdict:
    """Run ``verify`` (a secret check) under the sources' guards: refused while any is closed,
    a failure counted against each, a success resets them."""
    rows = [_locked_row(session, marshal_id, source) for source in sorted(set(sources))]
    closed = [until for row in rows if (until := closed_until(row, now))]
    if closed:
        _audit(
            session,
            "sign_in_refused_locked",
            marshal_id,
            channel,
            rows[0].source,
            until=max(closed).isoformat(),
        )
        return Verdict(ok=False, locked=True, locked_until=max(closed), failures_left=0)
    if verify():
        for row in rows:
            _reset(row)
        return Verdict(ok=True)
    return _failed(session, rows, channel, now)


def _locked_row(session: Session, marshal_id: int, source: str) -> SignInGuard:
    """The guard row of a marshal and source, made if need be and locked (one round trip)."""
    values = {
        "marshal_id": marshal_id,
        "source": source,
        "failures": 0,
        "lock_level": 0,
        "day_failures": 0,
    }
    return made_and_locked(session, SignInGuard, values, ("marshal_id", "source"))


def closed_until(row: SignInGuard, now: datetime) -> datetime | None:
    """When this source opens again, or None when it is open."""
    if row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    per_day = rule_for(row.source).per_day
    if per_day and row.day == now.date() and row.day_failures >= per_day:
        return _next_day(now)
    return None


def _next_day(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=UTC)


def _reset(row: SignInGuard) -> None:
    row.failures, row.lock_level, row.locked_until = 0, 0, None


def _failed(session: Session, rows: list[SignInGuard], channel: str, now: datetime) -> Verdict:
    left, until = 5, None
    for row in rows:
        row_left, row_until = _count(session, row, channel, now)
        left = min(left, row_left)
        until = max(filter(None, (until, row_until)), default=None)
    return Verdict(
        ok=False, locked=until is not None, locked_until=until, failures_left=0 if until else left
    )


def _count(
    session: Session, row: SignInGuard, channel: str, now: datetime
) -> tuple[int, datetime | None]:
    """One more failure on this row; how many are left before it closes, and until when."""
    today: date = now.date()
    row.day_failures = (row.day_failures + 1) if row.day == today else 1
    row.day, row.failures, row.last_failure_at = today, row.failures + 1, now
    _audit(session, "sign_in_failed", row.marshal_id, channel, row.source)
    rule = rule_for(row.source)
    lefts = [
        n - done
        for n, done in ((rule.in_a_row, row.failures), (rule.per_day, row.day_failures))
        if n
    ]
    if rule.in_a_row and row.failures >= rule.in_a_row:
        row.lock_level += 1
        row.failures = 0
        row.locked_until = now + min(LOCK_FOR * 2 ** (row.lock_level - 1), LONGEST_LOCK)
    until = closed_until(row, now)
    if until is not None:
        _audit(
            session, "sign_in_locked", row.marshal_id, channel, row.source, until=until.isoformat()
        )
    return max(0, min(lefts, default=5)), until


# Every guard row of a person, locked in one order (built once: every sign-in that re-opens).
_LOCKED_GUARDS = (
    select(SignInGuard)
    .where(SignInGuard.marshal_id == bindparam("marshal_id"))
    .order_by(SignInGuard.source)
    .with_for_update()
)


def reopen(session: Session, marshal_id: int, channel: str, keep: Iterable[str] = ()) -> None:
    """A success on the verified registered phone or a full web sign-in: the other sources'
    locks end (their daily budgets stay spent)."""
    kept = set(keep)
    rows = session.scalars(_LOCKED_GUARDS, {"marshal_id": marshal_id})
    for row in rows:
        if row.source in kept or (row.locked_until is None and not row.failures):
            continue
        was_locked = row.locked_until is not None
        _reset(row)
        if was_locked:
            _audit(session, "sign_in_reopened", marshal_id, channel, row.source)


def unlock(session: Session, marshal_id: int, kind: str, by: str) -> int:
    """An admin opens one kind of source again (web: every address too), daily budget and
    all; how many guard rows were opened."""
    rows = list(session.scalars(_LOCKED_GUARDS, {"marshal_id": marshal_id}))
    chosen = [row for row in rows if kind_of(row.source) == kind]
    for row in chosen:
        _reset(row)
        row.day_failures = 0
    _audit(session, "sign_in_unlocked", marshal_id, "STAFF", kind, by=by)
    return len(chosen)


@dataclass(frozen=True)
class State:
    """One kind of source as staff see it."""

    kind: str
    label: str
    closed_until: datetime | None
    failures_today: int


def states(session: Session, marshal_id: int, now: datetime) -> list[State]:
    """Each kind of source of this marshal: open or closed until when, failures today."""
    rows = list(session.scalars(select(SignInGuard).where(SignInGuard.marshal_id == marshal_id)))
    found = []
    for kind in KINDS:
        mine = [row for row in rows if kind_of(row.source) == kind]
        until = max(filter(None, (closed_until(row, now) for row in mine)), default=None)
        counted = [row for row in mine if row.source == kind and row.day == now.date()]
        found.append(State(kind, LABELS[kind], until, sum(r.day_failures for r in counted)))
    return found


def _audit(
    session: Session, kind: str, marshal_id: int, channel: str, source: str, **detail: str
) -> None:
    session.add(
        AuditEvent(
            kind=kind, marshal_id=marshal_id, channel=channel, detail={"source": source, **detail}
        )
    )
