"""Alembic environment: the engine comes from storage.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.models import Base

# Columns and tables that exist only for full-text search and are managed by hand in migrations.
SEARCH_ONLY = {"search_vector", "lessons_fts"}


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (name in SEARCH_ONLY or (name or "").startswith("lessons_fts"))


def run() -> None:
    engine: Engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run()
