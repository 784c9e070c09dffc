"""The migrations build exactly the schema the models describe (alembic check)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from core.db import Base
from core.settings import Settings
from web.migrate import check


def test_the_models_and_the_migrations_agree(engine: Engine, settings: Settings) -> None:
    check(settings.database_url)


def test_every_model_table_exists_after_upgrade(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
