"""`distributor suppressions`: addresses that never receive another email."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="The suppression list: addresses that never receive another email.", no_args_is_help=True
)
