"""How commands present results: Rich for people, one JSON object on the last line for scripts."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console

console = Console()
errors = Console(stderr=True)

JSON_OPTION = typer.Option(
    False, "--json", help="Print one JSON object (for scripts) instead of text."
)


def emit_json(payload: dict[str, Any]) -> None:
    """Print `payload` as the single last line of output."""
    typer.echo(json.dumps(payload, default=str, ensure_ascii=False, sort_keys=True))
