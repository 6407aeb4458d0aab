"""Migrations: they build exactly the models' schema, and a database at the wrong revision says so."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from distributor.db import make_engine
from distributor.errors import DatabaseUnavailable, SchemaOutdated, SchemaTooNew
from distributor.models import Base
from distributor.schema import alembic_config, require_current, schema_state, upgrade
from tests.servers import free_port


def test_migrations_build_exactly_the_models_schema(engine: Engine) -> None:
    upgrade(engine)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == []


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    first = upgrade(engine)
    second = upgrade(engine)
    assert first == second
    assert second.is_current


def test_downgrade_to_base_removes_every_table(engine: Engine) -> None:
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}


def test_empty_database_asks_for_upgrade(engine: Engine) -> None:
    with pytest.raises(SchemaOutdated, match="run `distributor db upgrade`"):
        require_current(engine)


def test_database_from_a_newer_release_is_refused(engine: Engine) -> None:
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))

    with pytest.raises(SchemaTooNew, match="newer version"):
        require_current(engine)
    with pytest.raises(SchemaTooNew):
        upgrade(engine)


def test_unreachable_server_is_one_line_without_password() -> None:
    engine = make_engine(f"postgresql://press:s3cret@127.0.0.1:{free_port()}/press")

    with pytest.raises(DatabaseUnavailable) as caught:
        schema_state(engine)

    message = str(caught.value)
    assert "\n" not in message
    assert "s3cret" not in message
    assert "DISTRIBUTOR_DATABASE_URL" in message
