"""One frozen settings object, built from the environment; the only place that reads it.

``load_settings`` reads; ``check`` says whether ServeLine may start with them: a setting that
cannot be read stops it anywhere, a development secret stops it in production (``SERVELINE_ENV``
other than ``development``, or unset).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.hours import OpenHours, parse_hours

# The source tree (tests and benchmarks only: an installed ServeLine never writes under it).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT = "development"
DEVELOPMENT_SECRET_KEY = "dev-only-secret-change-me"
DEVELOPMENT_TWILIO_TOKEN = "dev-twilio-token"
DEVELOPMENT_PIN_PEPPER = "dev-only-pin-pepper-change-me"
FAX_PROVIDERS = ("spool", "signalwire")
STATE_FILE_PROVIDERS = ("spool", "http")
# Each speech engine and the module it needs (None: nothing beyond the base install).
SPEECH_ENGINES: dict[str, str | None] = {
    "twilio": None,
    "vosk": "vosk",
    "whisper": "faster_whisper",
    "off": None,
}


def default_instance_dir() -> Path:
    """``instance/`` of the working directory (``INSTANCE_DIR`` overrides it)."""
    return Path.cwd() / "instance"


def _sqlite_in(folder: Path) -> str:
    return f"sqlite:///{folder / 'serveline.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    """Everything ServeLine reads from its environment, shared by web, worker and Alembic."""

    environment: str = "production"
    instance_dir: Path = field(default_factory=default_instance_dir)
    database_url: str = field(default_factory=lambda: _sqlite_in(default_instance_dir()))
    redis_url: str | None = None
    secret_key: str = DEVELOPMENT_SECRET_KEY
    pin_pepper: str = DEVELOPMENT_PIN_PEPPER
    timezone: str = "America/New_York"
    public_base_url: str | None = None
    twilio_account_sid: str = ""
    twilio_auth_token: str = DEVELOPMENT_TWILIO_TOKEN
    twilio_api_base: str = "https://api.twilio.com"
    fax_provider: str = "spool"
    fax_spool_dir: Path = field(default_factory=lambda: default_instance_dir() / "fax-spool")
    fax_from_number: str = "+18605550100"
    fax_api_base: str = ""
    fax_project_id: str = ""
    fax_api_token: str = ""
    fax_signing_key: str = ""
    recordings_dir: Path = field(default_factory=lambda: default_instance_dir() / "recordings")
    delete_recordings_at_twilio: bool = True
    delete_pin_messages_at_twilio: bool = True
    vosk_model_path: str | None = None
    whisper_model_path: str | None = None
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
    mail_outbox_dir: Path = field(default_factory=lambda: default_instance_dir() / "outbox")
    session_cookie_secure: bool = True
    in_process_sweeper: bool = False
    state_file_provider: str = "spool"
    state_file_spool_dir: Path = field(
        default_factory=lambda: default_instance_dir() / "state-file-spool"
    )
    state_file_url: str = ""
    state_file_token: str = ""
    state_file_client_cert: str = ""
    state_file_client_key: str = ""
    state_file_answer_within_minutes: int = 30
    priority_sms_to: str = ""
    twilio_from_number: str = "+18775550100"
    sms_outbox_dir: Path = field(default_factory=lambda: default_instance_dir() / "sms-outbox")
    sms_sender: str = ""  # twilio or outbox; unset: twilio when TWILIO_ACCOUNT_SID is set
    reminder_days: int = 2
    reminder_time: str = "08:00"
    reminder_eve_time: str = "15:00"
    # Rate limits (Flask-Limiter notation; ";" between several): per client address unless said
    rate_sign_in: str = "10 per minute;100 per hour"
    rate_sign_in_account: str = "20 per minute;200 per hour"  # per userid, all addresses
    rate_forgot_password: str = "5 per minute;30 per hour"
    rate_two_factor: str = "10 per minute"  # per address and per account
    rate_account_change: str = "10 per hour"  # password and PIN changes, per address and account
    rate_sms: str = "6 per minute;60 per hour"  # per sending phone
    rate_ivr: str = "6 per minute;30 per hour"  # calls per caller ID

    @property
    def is_development(self) -> bool:
        return self.environment == DEVELOPMENT

    @property
    def zone(self) -> ZoneInfo:
        """The registry's local time zone (times are stored in UTC, shown and typed in this)."""
        return ZoneInfo(self.timezone)

    @cached_property
    def hours(self) -> OpenHours:
        """REGISTRY_SECTION_HOURS as a value (``check`` has made sure it reads)."""
        return parse_hours(self.registry_section_hours)

    @property
    def default_database(self) -> bool:
        """The database is the SQLite file under INSTANCE_DIR (a newcomer's machine)."""
        return self.database_url == _sqlite_in(self.instance_dir)

    @property
    def pages_url(self) -> str:
        """The base URL people open the pages at, for links printed or mailed from the CLI."""
        return (self.public_base_url or "http://127.0.0.1:5000").rstrip("/")

    def but(self, **changes: Any) -> Settings:
        """A copy with some values changed (tests and tools use it)."""
        return replace(self, **changes)


class SettingsError(ValueError):
    """A setting ServeLine cannot start with; the message is one line naming the variable."""


def _flag(key: str, value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{key}={value!r} is not a yes/no value: use 1 or 0")


_STRINGS = {
    "environment": "SERVELINE_ENV",
    "database_url": "DATABASE_URL",
    "redis_url": "REDIS_URL",
    "secret_key": "SECRET_KEY",
    "pin_pepper": "PIN_PEPPER",
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
    "whisper_model_path": "WHISPER_MODEL_PATH",
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
    "rate_sign_in": "RATE_LIMIT_SIGN_IN",
    "rate_sign_in_account": "RATE_LIMIT_SIGN_IN_ACCOUNT",
    "rate_forgot_password": "RATE_LIMIT_FORGOT_PASSWORD",
    "rate_two_factor": "RATE_LIMIT_TWO_FACTOR",
    "rate_account_change": "RATE_LIMIT_ACCOUNT_CHANGE",
    "rate_sms": "RATE_LIMIT_SMS",
    "rate_ivr": "RATE_LIMIT_IVR",
}
# Folders under INSTANCE_DIR unless set.
_PATHS = {
    "fax_spool_dir": ("FAX_SPOOL_DIR", "fax-spool"),
    "recordings_dir": ("RECORDINGS_DIR", "recordings"),
    "mail_outbox_dir": ("MAIL_OUTBOX_DIR", "outbox"),
    "state_file_spool_dir": ("STATE_FILE_SPOOL_DIR", "state-file-spool"),
    "sms_outbox_dir": ("SMS_OUTBOX_DIR", "sms-outbox"),
}
_NUMBERS = {
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
    instance = Path(env["INSTANCE_DIR"]) if env.get("INSTANCE_DIR") else default_instance_dir()
    values: dict[str, Any] = {"instance_dir": instance, "database_url": _sqlite_in(instance)}
    for name, key in _STRINGS.items():
        if env.get(key):
            values[name] = env[key].strip()
    for name, (key, folder) in _PATHS.items():
        values[name] = Path(env[key]) if env.get(key) else instance / folder
    for name, key in _FLAGS.items():
        values[name] = _flag(key, env.get(key), getattr(base, name))
    if env.get("MAIL_PORT"):
        values["mail_port"] = _port(env["MAIL_PORT"])
    for name, key in _NUMBERS.items():
        if env.get(key):
            values[name] = _whole_number(key, env[key])
    return replace(base, **values)


CLI_SETTINGS = "serveline.settings"  # click's Context.meta key: how the CLI reads its settings


def cli_settings(context: Any) -> Settings:
    """The settings of a simulator command (it needs no app): what the ``serveline`` command's
    root put in click's ``context.meta``, or the environment's for a command run on its own."""
    loaded: Settings = context.meta.get(CLI_SETTINGS, load_settings)()
    return loaded


def _whole_number(key: str, text: str) -> int:
    if not text.strip().isdigit():
        raise SettingsError(f"{key}={text!r} is not a whole number")
    return int(text)


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 65536:
        raise SettingsError(f"MAIL_PORT={text!r} is not a port number")
    return int(text)


def problems(settings: Settings) -> list[str]:
    """What stops ServeLine starting with these settings, one line each (empty: it may start)."""
    found = _unreadable(settings)
    if not settings.is_development:
        found += _development_values(settings)
    return found


def check(settings: Settings) -> Settings:
    """The settings, or SettingsError with the first problem."""
    found = problems(settings)
    if found:
        raise SettingsError(found[0])
    return settings


def load_checked(environ: dict[str, str] | None = None) -> Settings:
    """``load_settings`` then ``check``: what every process does once at start-up."""
    return check(load_settings(environ))


def _unreadable(settings: Settings) -> list[str]:
    found = []
    if settings.fax_provider not in FAX_PROVIDERS:
        found.append(
            f"FAX_PROVIDER={settings.fax_provider!r} is unknown: use " + " or ".join(FAX_PROVIDERS)
        )
    found += _speech_problem(settings)
    if settings.state_file_provider not in STATE_FILE_PROVIDERS:
        found.append(
            f"STATE_FILE_PROVIDER={settings.state_file_provider!r} is unknown: use "
            + " or ".join(STATE_FILE_PROVIDERS)
        )
    try:
        parse_hours(settings.registry_section_hours)
    except ValueError as error:
        found.append(f"REGISTRY_SECTION_HOURS: {error}")
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        found.append(
            f"SERVELINE_TIMEZONE={settings.timezone!r} is not a time zone like America/New_York"
        )
    return found


def _speech_problem(settings: Settings) -> list[str]:
    if settings.ivr_speech not in SPEECH_ENGINES:
        return [f"IVR_SPEECH={settings.ivr_speech!r} is unknown: use " + ", ".join(SPEECH_ENGINES)]
    needs = SPEECH_ENGINES[settings.ivr_speech]
    if needs and not _installed(needs):
        return [
            f"IVR_SPEECH={settings.ivr_speech} needs the speech extra: "
            "pip install 'serveline[speech]'"
        ]
    return []


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def _development_values(settings: Settings) -> list[str]:
    found = []
    if settings.secret_key in ("", DEVELOPMENT_SECRET_KEY):
        found.append(
            "SECRET_KEY is not set (production refuses the development value): "
            "set a long random secret"
        )
    if settings.pin_pepper in ("", DEVELOPMENT_PIN_PEPPER):
        found.append(
            "PIN_PEPPER is not set (production refuses the development value): set a "
            "long random secret kept outside the database (changing it voids every PIN)"
        )
    if settings.twilio_auth_token in ("", DEVELOPMENT_TWILIO_TOKEN):
        found.append(
            "TWILIO_AUTH_TOKEN is not set (production refuses the development "
            "value): set the Twilio account's auth token"
        )
    if not (settings.public_base_url or "").startswith("https://"):
        found.append(
            f"PUBLIC_BASE_URL={settings.public_base_url or ''!r} is not an https URL: "
            "set the https URL Twilio calls"
        )
    return found
