"""Marshals' credentials: userids, phone numbers, passwords and PINs.

Failures are counted per marshal and per kind of source (``core.guards``): a lock-out of one
source (say, any phone that is not the marshal's) never closes another.

Passwords are stored with Argon2id. PINs are stored as ``hmac-sha256$<salt>$<digest>``: HMAC-SHA-256
keyed by ``PIN_PEPPER`` (kept outside the database) over a random per-account salt and the PIN,
a few microseconds a check. A 6-digit PIN has a million values, so no slow hash would save a
stolen one whose key was stolen too; its protection is the online lock-out, and without the
pepper a stolen database holds nothing to try PINs against. Argon2 PIN hashes of before are
upgraded at the next successful sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, object_session

from core import guards, services
from core.db import utcnow
from core.models import Marshal, MarshalPhone

MAX_FAILURES = 5
# Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 18 ms a check here.
# The library default (64 MiB, 4 lanes) cost over 100 ms of CPU per phone sign-in and pushed
# every other webhook step past its latency target on 2 cores.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
PIN_SCHEME = "hmac-sha256"


class PhoneNumberError(ValueError):
    pass


def normalise_phone(raw: str, region: str = "US") -> str:
    """A phone number in E.164 (+18605550123); raise PhoneNumberError if it is not one."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneNumberError(f"{raw!r} is not a phone number") from error
    if not phonenumbers.is_possible_number(parsed):
        raise PhoneNumberError(f"{raw!r} is not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def base_userid(first_name: str, last_name: str) -> str:
    """First initial and last name, lower case, letters only: Toby Padegenis -> tpadegenis."""
    text = unicodedata.normalize("NFKD", f"{first_name[:1]}{last_name}")
    return re.sub(r"[^a-z]", "", text.encode("ascii", "ignore").decode().lower())


def unique_userid(session: Session, first_name: str, last_name: str) -> str:
    """The base userid, or with the lowest free number after it (jsmith, jsmith2, …)."""
    base = base_userid(first_name, last_name) or "marshal"
    taken = set(
        session.scalars(select(Marshal.userid).where(Marshal.userid.like(f"{base}%"))).all()
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def secret_matches(stored: str | None, given: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher.verify(stored, given)
    except (VerificationError, InvalidHashError):
        return False


def _pepper() -> bytes:
    """The key of every PIN hash: ``PIN_PEPPER`` of the running services' settings."""
    return services.current().settings.pin_pepper.encode()


def _pin_digest(salt: bytes, pin: str) -> str:
    return hmac.new(_pepper(), salt + pin.encode(), hashlib.sha256).hexdigest()


def hash_pin(pin: str) -> str:
    """``hmac-sha256$<salt>$<digest>``: a fresh 16-byte salt per account, keyed by the pepper."""
    salt = secrets.token_bytes(16)
    return f"{PIN_SCHEME}${salt.hex()}${_pin_digest(salt, pin)}"


def pin_matches(stored: str | None, given: str) -> bool:
    """The PIN against its stored hash, in constant time; an Argon2 hash of before still works."""
    if not stored:
        return False
    scheme, _, rest = stored.partition("$")
    if scheme != PIN_SCHEME:
        return secret_matches(stored, given)
    salt_hex, _, digest = rest.partition("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    return hmac.compare_digest(_pin_digest(salt, given), digest)


def marshal_by_phone(session: Session, number: str) -> Marshal | None:
    """The active marshal who registered this phone (caller ID or SMS sender), if any."""
    try:
        e164 = normalise_phone(number)
    except PhoneNumberError:
        return None
    return session.scalar(_BY_PHONE, {"number": e164})


def marshal_by_smc(session: Session, smc_number: str) -> Marshal | None:
    return session.scalar(_BY_SMC, {"smc_number": smc_number})


# Built once: a statement built per call is keyed anew for the cache (every call and text).
_BY_PHONE = (
    select(Marshal)
    .join(MarshalPhone)
    .where(MarshalPhone.number == bindparam("number"), Marshal.active.is_(True))
)
_BY_SMC = select(Marshal).where(
    Marshal.smc_number == bindparam("smc_number"), Marshal.active.is_(True)
)


def marshal_by_userid(session: Session, userid: str) -> Marshal | None:
    return session.scalar(select(Marshal).where(func.lower(Marshal.userid) == userid.lower()))


@dataclass(frozen=True)
class SignIn:
    """The answer to a PIN or password check."""

    ok: bool
    locked: bool = False
    locked_until: datetime | None = None
    failures_left: int = MAX_FAILURES


def is_locked(marshal: Marshal, now: datetime | None = None) -> bool:
    """Any of the person's sign-in sources closed now (``core.guards``)."""
    session = object_session(marshal)
    if session is None:
        return False
    return any(state.closed_until for state in guards.states(session, marshal.id, now or utcnow()))


def check_pin(
    session: Session,
    marshal: Marshal | int,
    pin: str,
    channel: str,
    now: datetime | None = None,
    source: str = guards.OTHER_PHONE,
) -> SignIn:
    """Check a phone or text PIN under the guard of its source (``guards.PHONE`` for the
    verified registered phone, ``OTHER_PHONE``, ``TEXT``). The marshal may be given by his id
    alone: he is read once the guard row is locked either way."""
    now = now or utcnow()
    marshal_id = marshal if isinstance(marshal, int) else marshal.id
    result = _check(session, marshal_id, "pin_hash", pin, channel, now, [source])
    if result.ok and source == guards.PHONE:
        guards.reopen(session, marshal_id, channel, keep=[guards.SECOND_FACTOR])
    return result


def check_password(
    session: Session,
    marshal: Marshal,
    password: str,
    now: datetime | None = None,
    address: str = "unknown",
) -> SignIn:
    """Check a web password, counted per client address and for the web as a whole."""
    sources = [guards.WEB, guards.web_at(address)]
    return _check(session, marshal.id, "password_hash", password, "WEB", now or utcnow(), sources)


def _check(
    session: Session,
    marshal_id: int,
    field: str,
    given: str,
    channel: str,
    now: datetime,
    sources: list[str],
) -> SignIn:
    def verify() -> bool:
        session.flush()
        # The hashes as they are now the guard rows are locked: read (again, when the caller
        # had loaded him) only now, into the session's one Marshal object.
        marshal = session.get(Marshal, marshal_id, populate_existing=True)
        if marshal is None:
            return False
        stored = getattr(marshal, field)
        matches = pin_matches if field == "pin_hash" else secret_matches
        if not matches(stored, given):
            return False
        _rehash_if_stale(marshal, stored, given)
        return True

    verdict = guards.check(session, marshal_id, sources, verify, channel, now)
    return SignIn(
        ok=verdict.ok,
        locked=verdict.locked,
        locked_until=verdict.locked_until,
        failures_left=verdict.failures_left,
    )


def _rehash_if_stale(marshal: Marshal, stored: str | None, given: str) -> None:
    """Hashes made with older parameters (an Argon2 PIN hash) are upgraded at the next successful
    sign-in."""
    if stored is None:
        return
    if stored == marshal.pin_hash:
        if not stored.startswith(f"{PIN_SCHEME}$"):
            marshal.pin_hash = hash_pin(given)
    elif _hasher.check_needs_rehash(stored):
        marshal.password_hash = hash_secret(given)


def check_code(
    session: Session, marshal: Marshal, verify: Callable[[], bool], now: datetime | None = None
) -> SignIn:
    """A second-factor code, under its own guard (a correct password never resets it)."""
    verdict = guards.check(
        session, marshal.id, [guards.SECOND_FACTOR], verify, "WEB", now or utcnow()
    )
    return SignIn(
        ok=verdict.ok,
        locked=verdict.locked,
        locked_until=verdict.locked_until,
        failures_left=verdict.failures_left,
    )


TRIVIAL_PINS = frozenset({"12345678", "87654321", "01234567", "76543210"})


def pin_problem(pin: str) -> str | None:
    """Why a new phone PIN is not acceptable, or None: 6 to 8 digits, not trivial."""
    if not pin.isdigit() or not 6 <= len(pin) <= 8:
        return "the PIN must be 6 to 8 digits"
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210" or pin in TRIVIAL_PINS:
        return "the PIN is too easy to guess (no runs like 123456 or repeats like 111111)"
    return None


def set_pin(marshal: Marshal, pin: str) -> None:
    problem = pin_problem(pin)
    if problem:
        raise ValueError(problem)
    marshal.pin_hash = hash_pin(pin)
