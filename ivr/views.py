"""Webhook endpoints of the ivr channel (placeholder until the channel is built)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("ivr", __name__, url_prefix="/ivr")
