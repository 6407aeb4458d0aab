"""`distributor contacts`: journalists, their lists, import, export, privacy."""

from __future__ import annotations

import typer

from distributor.cli import imports, privacy

app = typer.Typer(
    help="Journalists: add, edit, search, import, export; privacy export and erasure.",
    no_args_is_help=True,
)

# Commands of other modules that belong to this group.
app.command("import")(imports.import_contacts)
privacy.register(app)
