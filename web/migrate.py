"""Apply migrations programmatically (``serveline db upgrade``, tests, the Procfile's release).

The migrations ship inside the package (``migrations``, found with importlib.resources), so an
installed ServeLine migrates wherever it runs; no ``alembic.ini`` or source tree is needed.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config


def script_location() -> str:
    """The folder that holds ``env.py`` and ``versions/``, wherever ServeLine is installed."""
    return str(files("migrations"))


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location())
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise if the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(database_url))
