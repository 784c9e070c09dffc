"""The notice of service a police department receives: one page a fax machine prints legibly.

It names the case, the respondent and the service, never the protected person or where they
live. The same notification sent at the same moment renders to the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from fpdf import FPDF

from core.models import Activity, Firearms, Notification, ServiceMethod
from core.settings import Settings

TITLE = "Protection Order Registry — Notice of Service"
SENDER = "State of Connecticut Judicial Branch, Protection Order Registry"
METHODS = {ServiceMethod.HAND.value: "In hand", ServiceMethod.ABODE.value: "Abode"}
FIREARMS = {Firearms.YES.value: "Yes", Firearms.NO.value: "No", Firearms.UNKNOWN.value: "Unknown"}
FIREARMS_BANNER = "FIREARMS ALLEGED"
POLICE_BANNER = "POLICE ASSISTANCE REQUESTED"
LABEL_WIDTH = 210  # points: the field names' column
FOOTER = (
    "This notice was sent by the Protection Order Registry when the service was recorded. "
    "Questions: Registry Section, {phone}."
)


@dataclass(frozen=True)
class Notice:
    """Everything printed on one notice, already in words."""

    sent_at: str
    sender: str
    from_fax: str
    to_agency: str
    to_fax: str
    court: str
    docket: str
    respondent: str
    activity: str
    method: str
    served_at: str
    officer: str
    police_assistance: str
    firearms: str
    recorded_at: str
    confirmation: str
    registry_phone: str
    corrected: str | None = None
    created: datetime | None = None
    firearms_alleged: str | None = None  # the banner's second line, when alleged
    police_requested: bool = False


def when(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as a US reader writes it: 11/21/2026 9:32 AM EST."""
    local = moment.astimezone(zone)
    return f"{local:%m/%d/%Y} {local.strftime('%I:%M %p').lstrip('0')} {local.tzname()}"


def fax_words(number: str) -> str:
    """+18605550100 as +1 860-555-0100."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def notice_for(notification: Notification, settings: Settings, sent_at: datetime) -> Notice:
    """The notice owed by one notification, as sent at ``sent_at``."""
    zone = settings.zone
    activity = notification.activity
    docket = activity.docket
    return Notice(
        sent_at=when(sent_at, zone),
        sender=SENDER,
        from_fax=fax_words(settings.fax_from_number),
        to_agency=notification.agency.name,
        to_fax=fax_words(notification.fax_number),
        court=f"{docket.court.name} ({docket.court_code})",
        docket=docket.canonical,
        respondent=docket.respondent_name,
        activity=activity.kind.title(),
        method=METHODS.get(activity.method or "", "-"),
        served_at=when(activity.occurred_at, zone),
        officer=_officer(activity),
        police_assistance="Yes" if activity.police_assistance else "No",
        firearms=_firearms(activity),
        recorded_at=when(activity.recorded_at, zone),
        confirmation=activity.confirmation,
        registry_phone=fax_words(settings.registry_section_phone),
        corrected=_corrected(activity, zone),
        created=sent_at,
        firearms_alleged=_alleged(activity),
        police_requested=bool(activity.police_assistance),
    )


def _officer(activity: Activity) -> str:
    marshal = activity.marshal
    return f"State Marshal {marshal.display_name}, SMC number {marshal.smc_number or '-'}"


def _firearms(activity: Activity) -> str:
    words = FIREARMS.get(activity.firearms, activity.firearms)
    if activity.firearms_date:
        return f"{words} (alleged {activity.firearms_date:%m/%d/%Y})"
    return words


def _alleged(activity: Activity) -> str | None:
    if activity.firearms != Firearms.YES.value:
        return None
    if activity.firearms_date:
        return f"Firearms allegation dated {activity.firearms_date:%m/%d/%Y}"
    return "Firearms allegation recorded with this service (date not given)"


def _corrected(activity: Activity, zone: ZoneInfo) -> str | None:
    replaced = activity.supersedes
    if replaced is None:
        return None
    return (
        f"CORRECTED NOTICE: this replaces the {replaced.kind.lower()} recorded "
        f"{when(replaced.recorded_at, zone)}, confirmation number {replaced.confirmation}, "
        f"which reported service at {when(replaced.occurred_at, zone)}."
    )


def fields(notice: Notice) -> list[tuple[str, str]]:
    """The notice's body, label and value, in the order printed."""
    return [
        ("Court location", notice.court),
        ("Docket number", notice.docket),
        ("Respondent", notice.respondent),
        ("Activity", notice.activity),
        ("Method of service", notice.method),
        ("Date and time of service", notice.served_at),
        ("Serving officer", notice.officer),
        ("Police assistance requested", notice.police_assistance),
        ("Firearms allegation", notice.firearms),
        ("Date and time recorded", notice.recorded_at),
        ("Confirmation number", notice.confirmation),
    ]


def render(notice: Notice) -> bytes:
    """The one-page PDF, letter size, large plain type (faxes blur small print)."""
    pdf = FPDF(format="letter", unit="pt")
    pdf.core_fonts_encoding = "windows-1252"  # the em dash in the title
    pdf.set_margins(54, 40, 54)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _fax_header(pdf, notice)
    _banners(pdf, notice)
    _title(pdf, notice)
    _body(pdf, notice)
    _footer(pdf, notice)
    if notice.created is not None:
        pdf.set_creation_date(notice.created)  # fixed date: same input, same bytes
    pdf.set_title(TITLE)
    pdf.set_producer("ServeLine")
    return bytes(pdf.output())


def _fax_header(pdf: FPDF, notice: Notice) -> None:
    # 47 CFR 68.318(d): date and time sent, the sender, the sending machine's number, on top.
    pdf.set_font("Helvetica", size=10)
    for line in (
        f"Sent {notice.sent_at}    From: {notice.sender}",
        f"Sending fax {notice.from_fax}    Page 1 of 1",
        f"To: {notice.to_agency}    Fax {notice.to_fax}",
    ):
        pdf.cell(0, 13, line, new_x="LMARGIN", new_y="NEXT")
    pdf.line(54, pdf.get_y() + 4, 558, pdf.get_y() + 4)
    pdf.ln(18)


def _banners(pdf: FPDF, notice: Notice) -> None:
    """What the receiving department must see first: firearms (black, reversed), police help."""
    if notice.firearms_alleged:
        pdf.set_fill_color(0, 0, 0)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font("Helvetica", "B", 30)
        pdf.cell(0, 44, FIREARMS_BANNER, align="C", fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(
            0, 20, notice.firearms_alleged, align="C", fill=True, new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(0, 0, 0)
        pdf.ln(8)
    if notice.police_requested:
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 32, POLICE_BANNER, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)


def _title(pdf: FPDF, notice: Notice) -> None:
    if notice.corrected:
        pdf.set_font("Helvetica", "B", 28)
        pdf.cell(0, 34, "CORRECTED", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 26, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    if notice.corrected:
        pdf.set_font("Helvetica", size=12)
        _lines(pdf, 16, notice.corrected, align="C")
    pdf.ln(14)


def _body(pdf: FPDF, notice: Notice) -> None:
    for label, value in fields(notice):
        pdf.set_font("Helvetica", "B", 13)
        pdf.cell(LABEL_WIDTH, 26, f"{label}:")
        pdf.set_font("Helvetica", size=13)
        _lines(pdf, 26, value)


def _footer(pdf: FPDF, notice: Notice) -> None:
    pdf.set_y(-80)
    pdf.set_font("Helvetica", size=10)
    _lines(pdf, 13, FOOTER.format(phone=notice.registry_phone), align="C")


def _lines(pdf: FPDF, height: float, text: str, align: str = "L") -> None:
    """``text`` from here to the right margin, broken between words over as many lines as it
    needs, one cell a line (fpdf's own line breaking, ``multi_cell``, measured every character
    and cost most of a notice's rendering)."""
    left = pdf.get_x()
    for line in wrap(text, pdf.w - pdf.r_margin - left, pdf.get_string_width):
        pdf.set_x(left)
        pdf.cell(0, height, line, align=align, new_x="LMARGIN", new_y="NEXT")


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text``'s words in lines no wider than ``width`` (a word wider than a line stands alone
    on its line); ``measure`` gives a string's printed width."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and measure(candidate) > width:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else lines or [""]
