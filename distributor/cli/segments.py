"""`distributor segments`: saved filters over contacts."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Segments: saved filters over contacts, previewed before use.", no_args_is_help=True
)
