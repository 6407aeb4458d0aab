"""`distributor lists`: journalist lists."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Journalist lists: create, rename, describe, archive, delete.", no_args_is_help=True
)
