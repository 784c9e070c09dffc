"""Webhook endpoints of the fax channel (placeholder until the channel is built)."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("fax", __name__, url_prefix="/fax")
