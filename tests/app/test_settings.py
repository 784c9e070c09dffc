"""Settings are read once and checked: production refuses development values and settings it
cannot read, each with one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.hours import OpenHours
from core.settings import SettingsError, load_checked, load_settings, problems

PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-0123456789",
    "TWILIO_AUTH_TOKEN": "twilio-token-of-the-account",
    "PIN_PEPPER": "a-long-random-pin-pepper-0123456789",
    "PUBLIC_BASE_URL": "https://serveline.registry.example",
}


def test_production_with_everything_set_may_start() -> None:
    settings = load_checked(PRODUCTION)
    assert not settings.is_development and settings.public_base_url == PRODUCTION["PUBLIC_BASE_URL"]


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        ("SECRET_KEY", "SECRET_KEY"),
        ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN"),
        ("PIN_PEPPER", "PIN_PEPPER"),
        ("PUBLIC_BASE_URL", "PUBLIC_BASE_URL"),
    ],
)
def test_production_refuses_a_missing_secret_or_base_url(unset: str, named: str) -> None:
    environ = {k: v for k, v in PRODUCTION.items() if k != unset}
    with pytest.raises(SettingsError) as refused:
        load_checked(environ)
    assert str(refused.value).startswith(named) and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("SECRET_KEY", "dev-only-secret-change-me"),
        ("TWILIO_AUTH_TOKEN", "dev-twilio-token"),
        ("PIN_PEPPER", "dev-only-pin-pepper-change-me"),
        ("PUBLIC_BASE_URL", "http://serveline.registry.example"),
    ],
)
def test_production_refuses_development_values(key: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{key}"):
        load_checked({**PRODUCTION, key: value})


def test_any_other_serveline_env_is_production() -> None:
    assert problems(load_settings({"SERVELINE_ENV": "staging"}))
    assert problems(load_settings({"SERVELINE_ENV": "development"})) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("FAX_PROVIDER", "twilio-fax"),
        ("IVR_SPEECH", "siri"),
        ("REGISTRY_SECTION_HOURS", "9 to 5"),
        ("REGISTRY_SECTION_HOURS", "Someday 08:00-17:00"),
        ("SERVELINE_TIMEZONE", "America/Hartford"),
        ("MAIL_PORT", "twenty-five"),
        ("DELETE_RECORDINGS_AT_TWILIO", "maybe"),
    ],
)
def test_a_setting_that_cannot_be_read_stops_even_a_development_run(key: str, value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_checked({"SERVELINE_ENV": "development", key: value})
    assert str(refused.value).startswith(key) and "\n" not in str(refused.value)


def test_the_hours_are_a_value() -> None:
    hours = load_checked(
        {"SERVELINE_ENV": "development", "REGISTRY_SECTION_HOURS": "Mon-Sat 07:30-18:00"}
    ).hours
    assert hours == OpenHours(range(0, 6), "07:30", "18:00")


def test_instance_folders_come_from_instance_dir_or_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = load_settings({"INSTANCE_DIR": str(tmp_path)})
    assert given.fax_spool_dir == tmp_path / "fax-spool"
    assert given.recordings_dir == tmp_path / "recordings"
    assert given.database_url == f"sqlite:///{tmp_path / 'serveline.sqlite3'}"
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).mail_outbox_dir == tmp_path / "instance" / "outbox"
    assert load_settings({"FAX_SPOOL_DIR": "/srv/fax"}).fax_spool_dir == Path("/srv/fax")
