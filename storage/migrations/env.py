"""Alembic environment: the engine comes from storage.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.migrate import include_object
from storage.schema import Base


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
