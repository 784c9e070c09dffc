"""The pages in headless Chromium against the running app, with a real SMTP server on loopback."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pyotp
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import Engine, select
from werkzeug.serving import make_server

from core.accounts import pin_matches
from core.db import session_scope, utcnow
from core.models import Activity, Notification
from core.registry import record_activity
from core.settings import PROJECT_ROOT, Settings
from edge.standin import Recordings, TwilioApi
from ivr.cli import Softphone
from sms.cli import Texter
from tests.conftest import PUBLIC_BASE, TWILIO_TOKEN, Wiring
from tests.core.helpers import marshal, report, this_year_docket
from tests.web.conftest import MARSHAL_PASSWORD, by_userid, give_password, make_call, make_wav

# werkzeug's development server can drop a static file's handle when Chromium abandons a
# cached request mid-response; the warning surfaces in whichever test is running. It says
# nothing about ServeLine, so these browser tests do not fail on it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = PROJECT_ROOT / "screenshots"


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        self.arrived.set()
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture()
def live(committed: Engine, wiring: Wiring, inbox: tuple[Inbox, int]) -> Iterator[str]:
    """The app served by werkzeug in a thread, sending mail to the loopback SMTP server."""
    app = wiring.app_with(testing=False, mail_server="127.0.0.1", mail_port=inbox[1])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 420, "height": 860}, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, live: str, userid: str, password: str) -> None:
    page.goto(f"{live}/sign-in")
    page.get_by_label("Userid").fill(userid)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def choose_password(page: Page, password: str) -> None:
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(password)
    page.get_by_label("Confirm new password").fill(password)
    page.get_by_role("button", name="Set password").click()


def staff_sign_in(page: Page, live: str) -> None:
    """The demo staff account as a newcomer meets it: the printed initial password, a new one
    of its own, then TOTP enrolment."""
    sign_in(page, live, "registry", "Registry2026demo")
    choose_password(page, "Review2026calls")
    secret = page.locator("#totp-secret").inner_text()
    shot(page, "two-factor-enrolment")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Calls")).to_be_visible()


def test_the_first_sign_in_forces_a_new_password(live: str, page: Page) -> None:
    with session_scope() as db:
        give_password(db, "tpadegenis", "Initial7pass", must_change=True)
    page.goto(f"{live}/profile")
    shot(page, "sign-in")
    sign_in(page, live, "tpadegenis", "Initial7pass")
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.goto(f"{live}/profile")
    expect(page).to_have_url(re.compile("/first-password$"))
    page.get_by_label("New password", exact=True).fill("tpadegenis2026")
    page.get_by_label("Confirm new password").fill("tpadegenis2026")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("must not contain your userid")
    shot(page, "first-password")
    page.get_by_label("New password", exact=True).fill("Hartford2026serve")
    page.get_by_label("Confirm new password").fill("Hartford2026serve")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    expect(page.get_by_text("903", exact=True)).to_be_visible()
    shot(page, "profile")


def test_five_wrong_passwords_lock_the_account(live: str, page: Page) -> None:
    with session_scope() as db:
        give_password(db, "msantos")
    for _ in range(5):
        sign_in(page, live, "msantos", "Wrong2026pass")
    sign_in(page, live, "msantos", MARSHAL_PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("locked")
    shot(page, "locked")


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    live: str, page: Page, inbox: tuple[Inbox, int]
) -> None:
    page.goto(f"{live}/sign-in")
    page.get_by_role("link", name="Forgot password?").click()
    shot(page, "forgot-password")
    page.get_by_label("Email").fill("james.okafor@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("If that address is on file")
    assert inbox[0].arrived.wait(10)
    body = inbox[0].messages[0].get_payload(decode=True).decode()
    # the link is PUBLIC_BASE_URL's (https://serveline.test), never the Host's: open its path here
    link = re.search(r"https://serveline\.test(/reset/\S+)", body)
    assert link is not None and inbox[0].messages[0]["To"] == "james.okafor@example.org"
    page.goto(live + link.group(1))
    shot(page, "reset-password")
    page.get_by_label("New password", exact=True).fill("NewHaven2026court")
    page.get_by_label("Confirm new password").fill("NewHaven2026court")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_text("Your password has been set.")).to_be_visible()
    sign_in(page, live, "jokafor", "NewHaven2026court")
    expect(page.get_by_role("heading", name="Profile")).to_be_visible()
    page.goto(live + link.group(1))
    expect(page.get_by_text("has expired or has already been used")).to_be_visible()


def test_a_marshal_changes_the_phone_pin(live: str, page: Page) -> None:
    with session_scope() as db:
        give_password(db, "tpadegenis")
    sign_in(page, live, "tpadegenis", MARSHAL_PASSWORD)
    page.get_by_role("link", name="Change phone PIN").click()
    page.get_by_label("Your web password").fill(MARSHAL_PASSWORD)
    page.get_by_label("New PIN", exact=True).fill("123456")
    page.get_by_label("Confirm new PIN").fill("123456")
    page.get_by_role("button", name="Save PIN").click()
    expect(page.get_by_role("alert")).to_contain_text("too easy")
    shot(page, "pin")
    page.get_by_label("Your web password").fill(MARSHAL_PASSWORD)
    page.get_by_label("New PIN", exact=True).fill("739104")
    page.get_by_label("Confirm new PIN").fill("739104")
    page.get_by_role("button", name="Save PIN").click()
    expect(page.get_by_text("Your phone PIN has been changed.")).to_be_visible()
    with session_scope() as db:
        assert pin_matches(by_userid(db, "tpadegenis").pin_hash, "739104")


def test_staff_find_a_call_and_play_its_recording(
    live: str, page: Page, settings: Settings
) -> None:
    make_wav(Path(settings.recordings_dir) / "CA-browser.wav", seconds=2)
    with session_scope() as db:
        toby = marshal(db, "903")
        make_call(db, "CA-other", toby, minutes_ago=9, docket_text="4012198")
        make_call(
            db,
            "CA-browser",
            toby,
            minutes_ago=3,
            docket_text="HHD-FA26-4012199-S",
            recording_path="CA-browser.wav",
            outcome="recorded",
        )
    staff_sign_in(page, live)
    shot(page, "calls")
    page.get_by_label("Docket").fill("4012199")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("1 found")).to_be_visible()
    page.locator("a[href^='/staff/calls/']").first.click()
    page.wait_for_function("document.getElementById('recording').readyState >= 1")
    assert page.evaluate("document.getElementById('recording').duration") > 1.5
    expect(page.get_by_text("transcript unavailable")).to_be_visible()
    shot(page, "call")


def test_staff_enter_a_service_by_hand_and_download_the_statistics(live: str, page: Page) -> None:
    with session_scope() as db:
        docket = this_year_docket(db, number="4012198").canonical
    staff_sign_in(page, live)
    page.get_by_role("link", name="Manual entry").click()
    page.get_by_label("Docket number").fill(docket)
    page.locator("select[name=marshal]").select_option(label="903 Toby Padegenis")
    page.locator("select[name=kind]").select_option("SERVICE")
    page.get_by_label("Service method").select_option("HAND")
    page.get_by_label("Police assistance requested").check()
    page.get_by_label("Why entered by hand").fill("system unavailable")
    shot(page, "manual-entry")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Confirmation number")).to_be_visible()
    expect(page.get_by_role("heading", name=docket)).to_be_visible()
    shot(page, "docket")
    page.get_by_role("link", name="Statistics").click()
    shot(page, "statistics")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text()
    assert text.splitlines()[0] == (
        "month,court,services,attempts,police_assistance_requests,hearings_with_nothing_recorded"
    )
    assert re.search(r"^\d{4}-\d{2},HHD,1,0,1,0$", text, re.M), text
    for name, url in (
        ("texts", "/staff/texts"),
        ("dockets", "/staff/dockets"),
        ("accounts", "/staff/accounts"),
    ):
        page.goto(live + url)
        shot(page, name)


TWO_DOCKETS_AND_A_COMMENT = [
    "246810",
    "4012199",
    "1",
    "1",
    "1",
    "1",
    "2",
    "3",
    "1",  # service in hand on The Riddler
    "1",
    "4012198",
    "1",
    "5",
    "",
    "1",
    "1",
    "2",
]  # other, with a spoken comment, on The Joker


@pytest.fixture()
def twilio_api(settings: Settings, wiring: Wiring) -> Iterator[TwilioApi]:
    """The softphone's Twilio REST stand-in; the line's jobs fetch from it."""
    api = TwilioApi(Recordings(), TWILIO_TOKEN)
    wiring.configure(
        twilio_api_base=api.url,
        twilio_account_sid="ACtest",
        twilio_auth_token=TWILIO_TOKEN,
        recordings_dir=settings.recordings_dir,
    )
    yield api
    api.close()


def call_with_the_softphone(live: str, api: TwilioApi, wav: Path) -> list[str]:
    heard: list[str] = []
    typed = iter(TWO_DOCKETS_AND_A_COMMENT)
    Softphone(
        url=live,
        sign_base=PUBLIC_BASE,
        caller="+18605550190",
        token=TWILIO_TOKEN,
        read=lambda _: next(typed),
        show=heard.append,
        wav=wav.read_bytes(),
        api=api,
        account_sid="ACtest",
        linger_seconds=10,
    ).run()
    return heard


def audio_answers(page: Page, selector: str) -> None:
    source = page.locator(selector).first.evaluate("element => element.currentSrc")
    assert source
    answer = page.request.get(source)
    assert answer.status == 200 and answer.headers["content-type"] == "audio/wav"
    page.wait_for_function(f"document.querySelector({selector!r}).readyState >= 1", timeout=10_000)
    assert page.evaluate(f"document.querySelector({selector!r}).duration") > 0.5


def test_staff_review_a_softphone_call_with_two_activities_and_a_spoken_comment(
    live: str, page: Page, twilio_api: TwilioApi, tmp_path: Path
) -> None:
    heard = call_with_the_softphone(live, twilio_api, make_wav(tmp_path / "said.wav", 2))
    page.set_viewport_size({"width": 1280, "height": 900})
    confirmations = re.findall(r"Confirmation number ([\d ]+)\.", " ".join(heard))
    assert len(confirmations) == 2, heard
    assert twilio_api.recordings.held() == []  # both recordings fetched
    staff_sign_in(page, live)
    page.get_by_label("Docket").fill("4012198")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("1 found")).to_be_visible()
    expect(page.locator("td.recorded")).to_contain_text("2 activities")
    shot(page, "calls-by-docket")
    page.locator("a[href^='/staff/calls/']").first.click()
    rows = page.locator("table.activities tbody tr")
    expect(rows).to_have_count(2)
    for number in confirmations:
        expect(page.locator("table.activities")).to_contain_text(number.replace(" ", ""))
    expect(rows.nth(0)).to_contain_text("Service in hand")
    expect(rows.nth(1)).to_contain_text("Other information")
    audio_answers(page, "#recording")
    audio_answers(page, "section.comment audio")
    firearms = page.locator("tr.step", has_text="Firearms alleged?")
    expect(firearms.locator("td.understood")).to_have_text("firearms: unknown")
    expect(firearms.locator("td.answer")).to_have_text("3")
    expect(page.locator("tr.step", has_text="your PIN").first.locator("td.answer")).to_have_text(
        "PIN withheld"
    )
    shot(page, "call-two-activities")
    busy_and_corrected(confirmations[0].replace(" ", ""))
    page.locator("table.activities a").first.click()
    expect(page.locator("tr.fax", has_text="CORRECTED")).to_have_count(3)
    busy = page.locator("tr.fax", has_text="next try")
    expect(busy).to_have_count(1)
    expect(busy).not_to_contain_text("Send again")
    expect(page.locator("tr.fax", has_text="dead after 6 tries")).to_contain_text("Send again")
    pdf = page.request.get(page.locator("tr.fax a.pdf").first.evaluate("link => link.href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    shot(page, "docket-faxes")
    page.get_by_role("link", name="Needs attention").click()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    expect(page.locator("td.count")).to_have_text(["0", "1", "1", "0"])
    shot(page, "needs-attention")


def busy_and_corrected(confirmation: str) -> None:
    """The service recorded again (CORRECTED notices), one first notice busy with a retry
    scheduled, one dead; and a service in Norwich, which no police agency on file covers."""
    with session_scope() as db:
        first = db.scalar(select(Activity).where(Activity.confirmation == confirmation))
        assert first is not None
        record_activity(db, report(first.docket, first.marshal, re_record=True))
        busy, dead = db.scalars(
            select(Notification)
            .where(Notification.activity_id == first.id)
            .order_by(Notification.id)
        ).all()[:2]
        busy.status, busy.provider_status, busy.attempts = "failed", "busy", 1
        busy.next_attempt_at = utcnow() + timedelta(minutes=5)
        dead.status, dead.attempts = "dead", 6
        record_activity(db, report(this_year_docket(db, "KNL", "4055555"), marshal(db, "417")))


def test_staff_read_texts_in_words(live: str, page: Page) -> None:
    phone = Texter(
        live, "+18605550190", TWILIO_TOKEN, signed_base=PUBLIC_BASE, account_sid="ACtest"
    )
    for body in ("PIN 246810", "S 4012199 H now P", "OK", "LAST", "A 4012198 NH now F=N", "OK"):
        assert phone.send(body)
    page.set_viewport_size({"width": 1280, "height": 900})
    staff_sign_in(page, live)
    page.get_by_role("link", name="Texts").click()
    options = page.locator("select[name=outcome] option").all_inner_texts()
    assert "PIN accepted" in options and "waiting for OK" in options
    assert not any("_" in option for option in options)
    expect(page.locator("tr", has_text="LAST")).to_contain_text("last activity read back")
    shot(page, "texts-in-words")
    page.locator("tr", has_text="LAST").locator("a").click()
    expect(page.locator("table.activities tbody tr")).to_have_count(2)
    expect(page.get_by_text("LAST records nothing")).to_be_visible()
    shot(page, "text-conversation")
