"""The database schema's revision: upgrade it with Alembic and check it matches the code.

The check reads the revisions from the migration files and the database's from its
`alembic_version` table without importing Alembic, which costs a command more than its work.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from distributor.db import check_connection, describe
from distributor.errors import SchemaOutdated, SchemaTooNew
from distributor.paths import MIGRATIONS_DIR

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(engine: Engine) -> Config:
    """An Alembic config bound to `engine`, so migrations run on the caller's connection."""
    from alembic.config import Config

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


@dataclass(frozen=True)
class Revisions:
    """The migrations' revision ids, as their files assign them."""

    known: frozenset[str]
    head: str


@cache
def revisions() -> Revisions:
    """The revisions in migrations/versions/ and the one no other revises."""
    below: dict[str, object] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        assigned = _literals(path)
        below[str(assigned["revision"])] = assigned.get("down_revision")
    revised = {
        name for down in below.values() for name in (down if isinstance(down, tuple) else (down,))
    }
    heads = sorted(set(below) - revised)
    assert len(heads) == 1, f"migrations/ needs one head revision, has {heads}"
    return Revisions(known=frozenset(below), head=heads[0])


def _literals(path: Path) -> dict[str, object]:
    """The revision and the one it revises, as a migration assigns them at its top
    (`revision: str = "0002"`); its other names may hold anything."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    found[target.id] = ast.literal_eval(node.value)
    return found


def schema_state(engine: Engine) -> SchemaState:
    check_connection(engine)
    with engine.connect() as connection:
        current = (
            connection.scalar(text("SELECT version_num FROM alembic_version"))
            if inspect(connection).has_table("alembic_version")  # Alembic's default name
            else None
        )
    return SchemaState(current=current, head=revisions().head)


def upgrade(engine: Engine, revision: str = "head") -> SchemaState:
    """Apply every migration up to `revision`; refuses a database from a newer release."""
    from alembic import command

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
    if state.current is not None and state.current not in revisions().known:
        raise SchemaTooNew(
            f"the database at {describe(engine.url)} is at revision {state.current}, which this "
            "version of distributor does not know: it was migrated by a newer version. "
            "Upgrade distributor, or point DISTRIBUTOR_DATABASE_URL at another database."
        )
