"""Webhook endpoints of the sms channel (placeholder until the channel is built)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("sms", __name__, url_prefix="/sms")
