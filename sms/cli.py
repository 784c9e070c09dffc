"""`serveline text`: a terminal SMS client against a running ServeLine, playing Twilio's part.

Each message is signed as Twilio signs it (X-Twilio-Signature) with a fresh MessageSid; the reply
in the TwiML answer is printed. One message as an argument sends just that (for scripts). While
the chat runs it also plays Twilio's REST API on ``--api-port`` (as the softphone does), so the
line's deletion of a text that held a PIN reaches Twilio's stand-in, not a closed port.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import click
import requests

from core.accounts import normalise_phone
from core.settings import Settings, cli_settings
from edge.signature import SIMULATOR_ACCOUNT, our_account_sid, sign
from edge.standin import Recordings, TwilioApi
from sms.outbound import outbox_texts

# (url, form, headers) -> (HTTP status, body): requests over the network, or a test client.
Transport = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]


def http_transport(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
    try:
        response = requests.post(url, data=form, headers=headers, timeout=20)
    except requests.ConnectionError as error:
        message = f"cannot reach {url}: is ServeLine running (make run)?"
        raise click.ClickException(message) from error
    return response.status_code, response.text


@dataclass
class Texter:
    """A marshal's phone: sends one text to /sms/inbound, returns the reply (None: no reply)."""

    base_url: str
    from_number: str
    token: str
    signed_base: str | None = None
    to_number: str = "+18005550100"
    transport: Transport = http_transport
    account_sid: str = SIMULATOR_ACCOUNT

    def send(self, body: str) -> str | None:
        form = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "AccountSid": self.account_sid,
            "From": self.from_number,
            "To": self.to_number,
            "Body": body,
            "NumMedia": "0",
        }
        signed_url = (self.signed_base or self.base_url).rstrip("/") + "/sms/inbound"
        headers = {"X-Twilio-Signature": sign(signed_url, form, self.token)}
        status, text = self.transport(self.base_url.rstrip("/") + "/sms/inbound", form, headers)
        if status != 200:
            raise click.ClickException(f"the line answered HTTP {status}")
        message = ElementTree.fromstring(text).find("Message")
        return None if message is None else (message.text or "")


def show(reply: str | None) -> str:
    return "   (no reply)" if reply is None else f"<- {reply}"


@click.command("text")
@click.option(
    "--url", default="http://127.0.0.1:5000", show_default=True, help="the running ServeLine"
)
@click.option(
    "--from",
    "from_number",
    default="+18605550190",
    show_default=True,
    help="the phone you text from (demo marshal 903)",
)
@click.option("--token", default=None, help="Twilio auth token (default: the one in Settings)")
@click.option(
    "--inbox",
    is_flag=True,
    help="show the texts the line sent this phone on its own (reminders) and exit",
)
@click.option(
    "--api-port",
    default=5001,
    show_default=True,
    help="where Twilio's REST API is played (make run's TWILIO_API_BASE)",
)
@click.argument("message", required=False)
def text_command(
    url: str,
    from_number: str,
    token: str | None,
    inbox: bool,
    api_port: int,
    message: str | None,
) -> None:
    """Text the line from a terminal, playing Twilio's part; MESSAGE sends just that one.

    Texts the line sends on its own (reminders), written to the local outbox SMS_OUTBOX_DIR
    when there is no Twilio account, are shown as they arrive.
    """
    settings: Settings = cli_settings(click.get_current_context())
    texter = Texter(
        url,
        from_number,
        token or settings.twilio_auth_token,
        settings.public_base_url,
        account_sid=our_account_sid(settings),
    )
    phone = Inbox(settings.sms_outbox_dir, normalise_phone(from_number))
    if inbox:
        phone.show_new()
        return
    if message is not None:
        click.echo(show(texter.send(message)))
        return
    click.echo(
        f"Texting {url} from {from_number}. Try PIN 246810, then S 4012199 H, OK, "
        "LAST. Ctrl-D leaves."
    )
    api = _rest_stand_in(texter.token, api_port)
    try:
        _chat(texter, phone)
    finally:
        if api is not None:
            api.close()


def _rest_stand_in(token: str, port: int) -> TwilioApi | None:
    """Twilio's REST API on ``port``; None when it is taken (the softphone's already plays it)."""
    try:
        return TwilioApi(Recordings(), token, port)
    except OSError:
        return None


@dataclass
class Inbox:
    """The phone's side of the local outbox: texts the line sent it, each shown once."""

    folder: Path
    phone: str
    seen: set[str] = field(default_factory=set)

    def show_new(self) -> None:
        for text in outbox_texts(self.folder, self.phone):
            if text["sid"] not in self.seen:
                self.seen.add(text["sid"])
                click.echo(f"<= {text['body']}")


def _chat(texter: Texter, phone: Inbox) -> None:
    while True:
        phone.show_new()
        try:
            line = input("-> ")
        except EOFError:
            click.echo()
            return
        if line.strip():
            click.echo(show(texter.send(line)))
