"""Alembic environment: migrates the engine `distributor.schema` hands over, or the configured one."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import distributor.models  # noqa: F401 - registers every table on Base.metadata
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.models.base import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine: Engine = context.config.attributes.get("engine") or engine_from_settings(get_settings())
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things: Alembic rebuilds the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run `distributor db upgrade`")
run_migrations_online()
