"""Jobs of the text line: delete, at Twilio, a message that held a PIN."""

from __future__ import annotations

import logging

import requests

from core import services
from core.services import TwilioAccount
from core.settings import Settings
from edge.twilio_rest import keys, resource_url

log = logging.getLogger(__name__)


def delete_message(message_sid: str, settings: Settings | None = None) -> None:
    """DELETE the message at Twilio (404: already gone); idempotent, safe to run twice."""
    twilio = TwilioAccount.of(settings) if settings else services.current().twilio
    account = twilio.account_sid
    if not account:
        log.info("no TWILIO_ACCOUNT_SID: message %s is not deleted at Twilio", message_sid)
        return
    url = resource_url(twilio, "Messages", f"{message_sid}.json")
    response = requests.delete(url, auth=keys(twilio), timeout=10)
    if response.status_code != 404:
        response.raise_for_status()
