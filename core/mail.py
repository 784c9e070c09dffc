"""Email: SMTP when MAIL_SERVER is set, otherwise a local outbox folder (one .eml file a mail).

Plain standard library: the core may use it, and so may the fax jobs and the pages.
"""

from __future__ import annotations

import logging
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from core.settings import Settings

log = logging.getLogger(__name__)


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None:
        """Send one plain-text mail."""


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    return message


class SMTPMailer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        assert s.mail_server
        with smtplib.SMTP(s.mail_server, s.mail_port, timeout=30) as smtp:
            if s.mail_use_tls:
                smtp.starttls()
            if s.mail_username and s.mail_password:
                smtp.login(s.mail_username, s.mail_password)
            smtp.send_message(_message(s.mail_sender, to, subject, body))


class OutboxMailer:
    """Writes each mail to ``MAIL_OUTBOX_DIR`` and logs it (a newcomer's machine, no SMTP)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = Path(settings.mail_outbox_dir)

    def send(self, to: str, subject: str, body: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}.eml"
        message = _message(self.settings.mail_sender, to, subject, body)
        (self.folder / name).write_bytes(bytes(message))
        log.warning("mail to %s (%s) written to %s", to, subject, self.folder / name)


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when configured, else the local outbox."""
    return SMTPMailer(settings) if settings.mail_server else OutboxMailer(settings)
