"""`distributor contacts export-data | erase`: a journalist's data protection rights."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the privacy commands to the contacts group."""
