"""Messages as hurried marshals type them, each with the record it must make or the field it
must name as wrong. Placeholders: {yy} this year, {py} last year, {d} three days ago as 11/20,
{dd} three days ago as 1120. Toby (903, default court HHD) sends them all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rec:
    """The record a message makes after OK; ``at`` is (days ago, "HH:MM") local, None is now."""

    kind: str
    docket: str = "HHD-FA{yy}-4012199-S"
    method: str | None = None
    reason: str | None = None
    to: str | None = None
    police: bool | None = None
    firearms: str = "UNKNOWN"
    at: tuple[int, str] | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Err:
    """The one field the reply must name."""

    field: str


def S(method: str = "HAND", **kw: object) -> Rec:  # noqa: N802 - reads like the message
    kw.setdefault("police", False)
    return Rec("SERVICE", method=method, **kw)  # type: ignore[arg-type]


def A(reason: str, **kw: object) -> Rec:  # noqa: N802
    kw.setdefault("police", False)
    return Rec("ATTEMPT", reason=reason, **kw)  # type: ignore[arg-type]


def R(**kw: object) -> Rec:  # noqa: N802
    return Rec("RECEIPT", **kw)  # type: ignore[arg-type]


def T(to: str, **kw: object) -> Rec:  # noqa: N802
    return Rec("TRANSFER", to=to, **kw)  # type: ignore[arg-type]


def O(comment: str, **kw: object) -> Rec:  # noqa: N802, E743
    return Rec("OTHER", comment=comment, **kw)  # type: ignore[arg-type]


JOKER = "HHD-FA{yy}-4012198-S"
DENT = "KNL-FA{yy}-4012199-S"
KYLE = "NNH-FA{yy}-4100001-S"
OLD = "HHD-FA{py}-3900123-S"

CORPUS: list[tuple[str, Rec | Err]] = [
    # service: every activity word, method form, separator and case
    ("S HHD-FA{yy}-4012199-S H 1430 P F=U", S(at=(0, "14:30"), police=True)),
    ("S 4012199 H", S()),
    ("s 4012199 h", S()),
    ("SVC 4012199 HAND", S()),
    ("served 4012199 in hand", S()),
    ("SERVICE 4012199 IN-HAND", S()),
    ("Service 4012199 inhand now", S()),
    ("S 4012199 IH", S()),
    ("S 4012199 AB", S("ABODE")),
    ("S 4012199 abode", S("ABODE")),
    ("S  4012199   H  ", S()),
    ("  s 4012199 h 1430", S(at=(0, "14:30"))),
    ("S-4012199-H", S()),
    ("S_4012199_H", S()),
    ("S.4012199.H.1430", S(at=(0, "14:30"))),
    ("S/4012199/H/1430", S(at=(0, "14:30"))),
    ("S, 4012199, H, 1430", S(at=(0, "14:30"))),
    ("S hhd-fa{yy}-4012199-s h", S()),
    ("S HHD FA {yy} 4012199 S H", S()),
    ("S HHDFA{yy}4012199S H", S()),
    ("S HHD-FA{yy}-4012199 H", S()),
    ("S FA{yy}-4012199 H", S()),
    ("S {yy}-4012199 H", S()),
    ("S {yy}4012199 H", S()),
    ("S 20{yy}-4012199 H", S()),
    ("S HHD\u2013FA{yy}\u20134012199\u2013S H", S()),
    ("S\u00a04012199\u00a0H", S()),
    ("S HHD/FA{yy}/4012199/S H", S()),
    ("S 4012198 H", S(docket=JOKER)),
    ("S KNL-FA{yy}-4012199-S H", S(docket=DENT)),
    ("S NNH 4100001 AB", S("ABODE", docket=KYLE)),
    ("S 3900123 H", S(docket=OLD)),
    ("S HHD-FA{py}-3900123-S H", S(docket=OLD)),
    ("S 4012199 H P", S(police=True)),
    ("S 4012199 H POLICE", S(police=True)),
    ("S 4012199 H P=Y", S(police=True)),
    ("S 4012199 H P=N", S()),
    ("S 4012199 H p=yes", S(police=True)),
    ("S 4012199 H police yes", S(police=True)),
    ("S 4012199 H no police", S()),
    ("S 4012199 H F=Y", S(firearms="YES")),
    ("S 4012199 H F=N", S(firearms="NO")),
    ("S 4012199 H F=U", S()),
    ("S 4012199 H f = y", S(firearms="YES")),
    ("S 4012199 H FIREARMS YES", S(firearms="YES")),
    ("S 4012199 H firearms no", S(firearms="NO")),
    ("S 4012199 H firearms unknown", S()),
    ("S 4012199 H F:N", S(firearms="NO")),
    ("S 4012199 H 1430", S(at=(0, "14:30"))),
    ("S 4012199 H 0905", S(at=(0, "09:05"))),
    ("S 4012199 H 905 am", S(at=(0, "09:05"))),
    ("served 4012199 in hand at 3pm", S(at=(0, "15:00"))),
    ("S 4012199 H on {d} at 2:30PM", S(at=(3, "14:30"))),
    ("A 4012199 NH 2:30 pm", A("NH", at=(0, "14:30"))),
    ("S 4012199 H 1015", S(at=(0, "10:15"))),
    ("S 4012199 H 2:30PM", S(at=(0, "14:30"))),
    ("S 4012199 H 2:30 pm", S(at=(0, "14:30"))),
    ("S 4012199 H 2:30 p.m.", S(at=(0, "14:30"))),
    ("S 4012199 H 230P", S(at=(0, "14:30"))),
    ("S 4012199 H 230p", S(at=(0, "14:30"))),
    ("S 4012199 H 2PM", S(at=(0, "14:00"))),
    ("S 4012199 H 9am", S(at=(0, "09:00"))),
    ("S 4012199 H 12:15AM", S(at=(0, "00:15"))),
    ("S 4012199 H 12PM", S(at=(0, "12:00"))),
    ("S 4012199 H 14:30", S(at=(0, "14:30"))),
    ("S 4012199 H 2.30PM", S(at=(0, "14:30"))),
    ("S 4012199 H NOW", S()),
    ("S 4012199 H YESTERDAY 1430", S(at=(1, "14:30"))),
    ("S 4012199 H yest 9pm", S(at=(1, "21:00"))),
    ("S 4012199 H {d} 1430", S(at=(3, "14:30"))),
    ("S 4012199 H {dd} 1430", S(at=(3, "14:30"))),
    ("S 4012199 H {d} 2:30PM", S(at=(3, "14:30"))),
    ("S 4012199 H TODAY 1015", S(at=(0, "10:15"))),
    ("S 4012199 1430 H", S(at=(0, "14:30"))),
    ("S 4012199 P F=N 1430 AB", S("ABODE", police=True, firearms="NO", at=(0, "14:30"))),
    ("S 4012199 F=Y P H", S(police=True, firearms="YES")),
    ("S HHD-FA{yy}-4012199-S H 1430 P F=U #246810", S(at=(0, "14:30"), police=True)),
    ("\u201cS\u201d 4012199 H", Err("activity")),
    # attempt: every reason by code, word and phrase
    ("A 4012199 NH", A("NH")),
    ("A 4012199 NOTHOME", A("NH")),
    ("A 4012199 not home", A("NH")),
    ("A 4012199 not at home", A("NH")),
    ("ATT 4012199 BA", A("BA")),
    ("ATTEMPT 4012199 BADADDRESS", A("BA")),
    ("a 4012199 bad address", A("BA")),
    ("A 4012199 MV", A("MV")),
    ("A 4012199 moved", A("MV")),
    ("A 4012199 EV", A("EV")),
    ("A 4012199 evading", A("EV")),
    ("A 4012199 UL", A("UL")),
    ("A 4012199 unable to locate", A("UL")),
    ("A 4012199 UNABLETOLOCATE", A("UL")),
    ("A 4012199 IC", A("IC")),
    ("A 4012199 incarcerated", A("IC")),
    ("A 4012199 OS", A("OS")),
    ("A 4012199 out of state", A("OS")),
    ("A 4012199 OUTOFSTATE", A("OS")),
    ("A 4012199 HO", A("HO")),
    ("A 4012199 hospitalized", A("HO")),
    ("A 4012199 NH P 1430", A("NH", police=True, at=(0, "14:30"))),
    ("A 4012199 NH yesterday 5pm", A("NH", at=(1, "17:00"))),
    ("A 4012198 MV F=Y", A("MV", docket=JOKER, firearms="YES")),
    ("a/4012199/nh/1430", A("NH", at=(0, "14:30"))),
    ("A 4012199 1430 NH", A("NH", at=(0, "14:30"))),
    # receipt
    ("R 4012199", R()),
    ("RCV 4012199", R()),
    ("RECEIPT 4012199 1430", R(at=(0, "14:30"))),
    ("received 4012199 yesterday 4pm", R(at=(1, "16:00"))),
    ("R KNL-FA{yy}-4012199-S", R(docket=DENT)),
    ("R 4012199 F=Y", R(firearms="YES")),
    # transfer
    ("T 4012199 M417", T("417")),
    ("T 4012199 m 417", T("417")),
    ("XFER 4012199 TO 417", T("417")),
    ("transfer 4012199 to 522", T("522")),
    ("T 4012199 to m417", T("417")),
    ("T 4012199 M417 / going on leave", T("417", comment="going on leave")),
    ('T 4012199 M417 "covering for me"', T("417", comment="covering for me")),
    ("T 4012199 M417 \u201ccovering for me\u201d", T("417", comment="covering for me")),
    ("T 4012199 M522 1430", T("522", at=(0, "14:30"))),
    # other
    ("O 4012199 / left card at door", O("left card at door")),
    ("OTHER 4012199 / Respondent called, will come in", O("Respondent called, will come in")),
    ('O 4012199 "spoke to sister"', O("spoke to sister")),
    ("O 4012199/left card", O("left card")),
    ("O 4012199 1430 / dog in yard", O("dog in yard", at=(0, "14:30"))),
    # errors: activity
    ("SERVD 4012199 H", Err("activity")),
    ("Q 4012199 H", Err("activity")),
    ("4012199 H", Err("activity")),
    ("SH 4012199", Err("activity")),
    ("HELLO", Err("activity")),
    ("OKK", Err("activity")),
    # errors: docket
    ("S", Err("docket")),
    ("S H", Err("docket")),
    ("S 401219 H", Err("docket")),
    ("S 40121999 H", Err("docket")),
    ("S HHX-FA{yy}-4012199-S H", Err("docket")),
    ("S 4099999 H", Err("docket")),
    ("S HD-FA{yy}-4012199 H", Err("docket")),
    ("S 4012199X H", Err("docket")),
    # errors: method
    ("S 4012199", Err("method")),
    ("S 4012199 HND", Err("method")),
    ("S 4012199 ABOD", Err("method")),
    ("S 4012199 H AB", Err("method")),
    ("A 4012199 H", Err("method")),
    # errors: reason
    ("A 4012199", Err("reason")),
    ("A 4012199 NOTHOM", Err("reason")),
    ("A 4012199 MOVD", Err("reason")),
    ("S 4012199 H NH", Err("reason")),
    ("A 4012199 NH MV", Err("reason")),
    # errors: transfer
    ("T 4012199", Err("transfer_to")),
    ("T 4012199 M999", Err("transfer_to")),
    ("T 4012199 M903", Err("transfer_to")),
    ("S 4012199 H M417", Err("transfer_to")),
    # errors: time and date
    ("S 4012199 H 2500", Err("time")),
    ("S 4012199 H 1470", Err("time")),
    ("S 4012199 H 13:30PM", Err("time")),
    ("S 4012199 H 14", Err("time")),
    ("S 4012199 H 1430 1500", Err("date")),
    ("S 4012199 H YESTERDAY", Err("time")),
    ("S 4012199 H 13/45 1430", Err("date")),
    ("S 4012199 H 2/30 1430", Err("date")),
    ("S 4012199 H NOW 1430", Err("time")),
    # errors: police, firearms, comment
    ("R 4012199 P", Err("police")),
    ("S 4012199 H P=MAYBE", Err("police")),
    ("S 4012199 H F=X", Err("firearms")),
    ("S 4012199 H F=Y F=N", Err("firearms")),
    ("S 4012199 H FIREARM", Err("firearms")),
    ("O 4012199", Err("comment")),
    ("O 4012199 /", Err("comment")),
    # errors: PIN and stray words
    ("PIN 12", Err("pin")),
    ("PIN abcdef", Err("pin")),
    ("S 4012199 H #12", Err("pin")),
    ("S 4012199 H XYZZY", Err("message")),
    ("A 4055555 GONE", Err("reason")),
    ("A 4012199 GONE", Err("reason")),
    ("T 4012199 SANTOS", Err("transfer_to")),
]
