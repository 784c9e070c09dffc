"""The package installs and migrates without the source tree: the wheel is built from the
shipped files only, installed (not editable) into a new virtualenv, and ``serveline db upgrade``
migrates a scratch SQLite database under the working directory's ``instance/``.

The new virtualenv borrows this one's third-party packages through a ``.pth`` line (so the test
needs no network); ServeLine itself comes only from the wheel.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT


def _packages() -> tuple[str, ...]:
    """The top-level packages pyproject.toml ships (``core*`` → ``core``)."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    found = project["tool"]["setuptools"]["packages"]["find"]["include"]
    return tuple(pattern.rstrip("*") for pattern in found)


SHIPPED = (*_packages(), "pyproject.toml", "README.md")


def run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    for name in SHIPPED:
        origin = PROJECT_ROOT / name
        if origin.is_dir():
            shutil.copytree(
                origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy2(origin, source / name)
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--wheel-dir",
        tmp_path / "dist",
        source,
    )
    return next((tmp_path / "dist").glob("serveline-*.whl"))


def fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        venv / "bin" / "python",
        "install",
        "--quiet",
        "--no-deps",
        wheel,
    )
    site = Path(
        run(
            venv / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ).strip()
    )
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_ships_the_migrations_and_the_pages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "migrations/env.py",
        "migrations/script.py.mako",
        "migrations/versions/0001_registry_schema.py",
        "migrations/versions/0009_court_locations.py",
        "web/templates/accounts.html",
        "web/common_passwords.txt",
        "web/static/style.css",
    } <= names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


def test_an_installed_wheel_migrates_a_new_database_in_the_working_directory(
    wheel: Path, tmp_path: Path
) -> None:
    venv = fresh_venv(tmp_path, wheel)
    work = tmp_path / "registry"
    work.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "INSTANCE_DIR", "PYTHONPATH")
    }
    env["SERVELINE_ENV"] = "development"
    where = run(
        venv / "bin" / "python",
        "-c",
        "import migrations, web; print(migrations.__file__, web.__file__)",
        cwd=work,
        env=env,
    )
    assert str(PROJECT_ROOT) not in where and str(venv) in where
    assert "database is up to date" in run(
        venv / "bin" / "serveline", "db", "upgrade", cwd=work, env=env
    )
    with sqlite3.connect(work / "instance" / "serveline.sqlite3") as database:
        courts = dict(database.execute("SELECT code, name FROM court"))
        version = database.execute("SELECT version_num FROM alembic_version").fetchall()
    assert courts["HHD"] == "Hartford" and courts["KNL"] == "New London"
    assert len(version) == 1
