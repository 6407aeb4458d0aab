"""How commands present results: Rich for people, one JSON object on the last line for scripts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from distributor.errors import CannotWrite

console = Console()
errors = Console(stderr=True)

JSON_OPTION = typer.Option(
    False, "--json", help="Print one JSON object (for scripts) instead of text."
)


def emit_json(payload: dict[str, Any]) -> None:
    """Print `payload` as the single last line of output."""
    typer.echo(json.dumps(payload, default=str, ensure_ascii=False, sort_keys=True))


def writable_file(path: Path, option: str, *, folders_made: bool = False) -> Path:
    """`path`, once it is sure a file can be written there; else CannotWrite naming `option`,
    the path and the fix. Commands call it before any work, so that nothing is done (or
    committed) for a result that could not be kept. With `folders_made`, the command makes
    missing folders: the nearest existing one must then be a folder it can write to."""
    if path.is_dir():
        raise CannotWrite(f"{option} {path} is a folder: name a file in it, such as {path / 'out'}")
    folder = path.parent
    if not folder.exists() and not folders_made:
        raise CannotWrite(
            f"{option} {path}: the folder {folder} does not exist; create it "
            f"(mkdir -p {folder}) or choose another path"
        )
    _check_folder(folder, option, path)
    if path.exists() and not os.access(path, os.W_OK):
        raise CannotWrite(
            f"{option} {path}: permission denied; choose another file, or change its permissions"
        )
    return path


def writable_folder(path: Path, option: str) -> Path:
    """`path`, once it is sure files can be written into it (missing folders are made when
    writing); else CannotWrite naming `option`, the path and the fix."""
    _check_folder(path, option, path)
    return path


def _check_folder(folder: Path, option: str, named: Path) -> None:
    """The nearest existing folder of `folder` must be a folder this process can write in."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise CannotWrite(
            f"{option} {named}: {existing} is a file, not a folder; choose another path"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CannotWrite(
            f"{option} {named}: permission denied in {existing}; choose a folder you can write "
            "to, or change its permissions"
        )
