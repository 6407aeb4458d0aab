"""`distributor db`: create and upgrade the database schema."""

from __future__ import annotations

import typer

from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.config import get_settings
from distributor.db import describe, engine_from_settings
from distributor.schema import schema_state, upgrade

app = typer.Typer(help="Create and upgrade the database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    revision: str = typer.Argument("head", help="Target revision; the newest by default."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Apply every pending migration (safe to run repeatedly; it does nothing when current)."""
    engine = engine_from_settings(get_settings())
    before = schema_state(engine)
    after = upgrade(engine, revision)
    result = {"database": describe(engine.url), "from": before.current, "to": after.current}
    if as_json:
        emit_json(result)
    elif before.current == after.current:
        console.print(f"Database {result['database']} is already at revision {after.current}.")
    else:
        console.print(
            f"Upgraded {result['database']} from {before.current or 'empty'} to {after.current}."
        )


@app.command("status")
def status_command(as_json: bool = JSON_OPTION) -> None:
    """Show the database's schema revision and whether it matches this code."""
    engine = engine_from_settings(get_settings())
    state = schema_state(engine)
    result = {
        "database": describe(engine.url),
        "current": state.current,
        "head": state.head,
        "up_to_date": state.is_current,
    }
    if as_json:
        emit_json(result)
        return
    verdict = "up to date" if state.is_current else "needs `distributor db upgrade`"
    console.print(
        f"{result['database']}: revision {state.current or 'none'} (code: {state.head}), {verdict}"
    )
    if not state.is_current:
        raise typer.Exit(1)
