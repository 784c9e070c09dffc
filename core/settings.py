"""One frozen settings object, built from the environment; the only place that reads it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'serveline.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    """Everything ServeLine reads from its environment, shared by web, worker and Alembic."""

    database_url: str = field(default_factory=_default_database_url)
    redis_url: str | None = None
    secret_key: str = "dev-only-secret-change-me"
    timezone: str = "America/New_York"
    public_base_url: str | None = None
    twilio_account_sid: str = ""
    twilio_auth_token: str = "dev-twilio-token"
    twilio_api_base: str = "https://api.twilio.com"
    fax_provider: str = "spool"
    fax_spool_dir: Path = INSTANCE_DIR / "fax-spool"
    fax_from_number: str = "+18605550100"
    fax_api_base: str = ""
    fax_project_id: str = ""
    fax_api_token: str = ""
    fax_signing_key: str = ""
    recordings_dir: Path = INSTANCE_DIR / "recordings"
    delete_recordings_at_twilio: bool = True
    delete_pin_messages_at_twilio: bool = True
    vosk_model_path: str | None = None
    ivr_speech: str = "twilio"
    registry_section_phone: str = "+18773127807"
    registry_section_email: str = "justice.support@example.org"
    registry_section_hours: str = "Mon-Fri 08:00-17:00"
    mail_server: str | None = None
    mail_port: int = 25
    mail_username: str | None = None
    mail_password: str | None = None
    mail_use_tls: bool = False
    mail_sender: str = "ServeLine <serveline@example.org>"
    mail_outbox_dir: Path = INSTANCE_DIR / "outbox"
    session_cookie_secure: bool = True
    in_process_sweeper: bool = False
    state_file_provider: str = "spool"
    state_file_spool_dir: Path = INSTANCE_DIR / "state-file-spool"
    state_file_url: str = ""
    state_file_token: str = ""
    state_file_client_cert: str = ""
    state_file_client_key: str = ""
    state_file_answer_within_minutes: int = 30
    priority_sms_to: str = ""
    twilio_from_number: str = "+18775550100"
    sms_outbox_dir: Path = INSTANCE_DIR / "sms-outbox"
    sms_sender: str = ""  # twilio or outbox; unset: twilio when TWILIO_ACCOUNT_SID is set
    reminder_days: int = 2
    reminder_time: str = "08:00"
    reminder_eve_time: str = "15:00"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        """The registry's local time zone (times are stored in UTC, shown and typed in this)."""
        return ZoneInfo(self.timezone)

    def but(self, **changes: Any) -> Settings:
        """A copy with some values changed (tests and tools use it)."""
        return replace(self, **changes)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


_STRINGS = {
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "secret_key": "SECRET_KEY",
    "timezone": "SERVELINE_TIMEZONE",
    "public_base_url": "PUBLIC_BASE_URL",
    "twilio_account_sid": "TWILIO_ACCOUNT_SID",
    "twilio_auth_token": "TWILIO_AUTH_TOKEN",
    "twilio_api_base": "TWILIO_API_BASE",
    "fax_provider": "FAX_PROVIDER",
    "fax_from_number": "FAX_FROM_NUMBER",
    "fax_api_base": "FAX_API_BASE",
    "fax_project_id": "FAX_PROJECT_ID",
    "fax_api_token": "FAX_API_TOKEN",
    "fax_signing_key": "FAX_SIGNING_KEY",
    "vosk_model_path": "VOSK_MODEL_PATH",
    "ivr_speech": "IVR_SPEECH",
    "registry_section_phone": "REGISTRY_SECTION_PHONE",
    "registry_section_email": "REGISTRY_SECTION_EMAIL",
    "registry_section_hours": "REGISTRY_SECTION_HOURS",
    "mail_server": "MAIL_SERVER",
    "mail_username": "MAIL_USERNAME",
    "mail_password": "MAIL_PASSWORD",
    "mail_sender": "MAIL_SENDER",
    "state_file_provider": "STATE_FILE_PROVIDER",
    "state_file_url": "STATE_FILE_URL",
    "state_file_token": "STATE_FILE_TOKEN",
    "state_file_client_cert": "STATE_FILE_CLIENT_CERT",
    "state_file_client_key": "STATE_FILE_CLIENT_KEY",
    "priority_sms_to": "PRIORITY_SMS_TO",
    "twilio_from_number": "TWILIO_FROM_NUMBER",
    "reminder_time": "REMINDER_TIME",
    "sms_sender": "SMS_SENDER",
    "reminder_eve_time": "REMINDER_EVE_TIME",
}
_PATHS = {
    "fax_spool_dir": "FAX_SPOOL_DIR",
    "recordings_dir": "RECORDINGS_DIR",
    "mail_outbox_dir": "MAIL_OUTBOX_DIR",
    "state_file_spool_dir": "STATE_FILE_SPOOL_DIR",
    "sms_outbox_dir": "SMS_OUTBOX_DIR",
}
_NUMBERS = {
    "mail_port": "MAIL_PORT",
    "state_file_answer_within_minutes": "STATE_FILE_ANSWER_WITHIN_MINUTES",
    "reminder_days": "REMINDER_DAYS",
}
_FLAGS = {
    "delete_recordings_at_twilio": "DELETE_RECORDINGS_AT_TWILIO",
    "delete_pin_messages_at_twilio": "DELETE_PIN_MESSAGES_AT_TWILIO",
    "mail_use_tls": "MAIL_USE_TLS",
    "session_cookie_secure": "SESSION_COOKIE_SECURE",
    "in_process_sweeper": "SERVELINE_INPROCESS_SWEEPER",
}


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment (or from the mapping given)."""
    env = dict(os.environ if environ is None else environ)
    base = Settings()
    values: dict[str, Any] = {}
    for name, key in _STRINGS.items():
        if env.get(key):
            values[name] = env[key]
    for name, key in _PATHS.items():
        if env.get(key):
            values[name] = Path(env[key])
    for name, key in _FLAGS.items():
        values[name] = _flag(env.get(key), getattr(base, name))
    for name, key in _NUMBERS.items():
        if env.get(key):
            values[name] = int(env[key])
    return replace(base, **values)
