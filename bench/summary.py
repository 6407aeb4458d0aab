"""The key figures of one benchmark as JSON, for `bench/suite.py` to gather into one table.

Each script takes `--summary FILE` and, when given, writes there what its table
shows as numbers (no formatting), so the suite never parses a printed table.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

SUMMARY_OPTION = typer.Option(
    None, "--summary", help="Also write the key figures as JSON to this file (for bench/suite.py)."
)


def write_summary(path: Path | None, figures: dict[str, Any]) -> None:
    """Write `figures` to `path` as one JSON object; nothing when no file was asked for."""
    if path is not None:
        path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


def read_summary(path: Path) -> dict[str, Any]:
    """The figures a script wrote with `write_summary`."""
    figures: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return figures
