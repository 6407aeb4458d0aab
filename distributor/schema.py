"""The database schema's revision: upgrade it with Alembic and check it matches the code."""

from __future__ import annotations

from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from distributor.db import check_connection, describe
from distributor.errors import SchemaOutdated, SchemaTooNew
from distributor.paths import MIGRATIONS_DIR


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to `engine`, so migrations run on the caller's connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def schema_state(engine: Engine) -> SchemaState:
    check_connection(engine)
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    head = script.get_current_head()
    assert head is not None, "migrations/ has no revision"
    return SchemaState(current=current, head=head)


def upgrade(engine: Engine, revision: str = "head") -> SchemaState:
    """Apply every migration up to `revision`; refuses a database from a newer release."""
    state = schema_state(engine)
    _refuse_unknown(engine, state)
    command.upgrade(alembic_config(engine), revision)
    return schema_state(engine)


def require_current(engine: Engine) -> None:
    """Raise an error that says what to do unless the database is exactly at the code's head."""
    state = schema_state(engine)
    _refuse_unknown(engine, state)
    if state.current is None:
        raise SchemaOutdated(
            f"the database at {describe(engine.url)} has no tables yet; run `distributor db upgrade`"
        )
    if not state.is_current:
        raise SchemaOutdated(
            f"the database at {describe(engine.url)} is at revision {state.current}, older than this "
            f"code's {state.head}; run `distributor db upgrade`"
        )


def _refuse_unknown(engine: Engine, state: SchemaState) -> None:
    if state.current is None:
        return
    script = ScriptDirectory.from_config(alembic_config(engine))
    if not _known(script, state.current):
        raise SchemaTooNew(
            f"the database at {describe(engine.url)} is at revision {state.current}, which this "
            "version of distributor does not know: it was migrated by a newer version. "
            "Upgrade distributor, or point DISTRIBUTOR_DATABASE_URL at another database."
        )


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:  # raised for ids no migration file defines
        return False
