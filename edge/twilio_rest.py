"""Twilio's REST API (TWILIO_API_BASE): the one place its resource URLs and keys are spelt."""

from __future__ import annotations

from core.services import TwilioAccount

API_VERSION = "2010-04-01"


def account_url(base: str, account: str, *path: str) -> str:
    """``{base}/2010-04-01/Accounts/{account}/{path}``: a resource of the account."""
    return "/".join((base.rstrip("/"), API_VERSION, "Accounts", account, *path))


def resource_url(twilio: TwilioAccount, *path: str) -> str:
    """The resource of this line's account on the configured API host."""
    return account_url(twilio.api_base, twilio.account_sid, *path)


def keys(twilio: TwilioAccount) -> tuple[str, str]:
    """The account's keys, as HTTP basic auth."""
    return (twilio.account_sid, twilio.auth_token)
