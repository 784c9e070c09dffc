"""Twilio's REST API (TWILIO_API_BASE): the one place its resource URLs and keys are spelt."""

from __future__ import annotations

from core.settings import Settings

API_VERSION = "2010-04-01"


def account_url(base: str, account: str, *path: str) -> str:
    """``{base}/2010-04-01/Accounts/{account}/{path}``: a resource of the account."""
    return "/".join((base.rstrip("/"), API_VERSION, "Accounts", account, *path))


def resource_url(settings: Settings, *path: str) -> str:
    """The resource of this line's account on the configured API host."""
    return account_url(settings.twilio_api_base, settings.twilio_account_sid, *path)


def keys(settings: Settings) -> tuple[str, str]:
    """The account's keys, as HTTP basic auth."""
    return (settings.twilio_account_sid, settings.twilio_auth_token)
