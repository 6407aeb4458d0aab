"""Command groups whose services are still being built: they explain themselves and exit 2."""

from __future__ import annotations

from collections.abc import Callable

import typer

_GROUPS: dict[str, str] = {}
_COMMANDS: dict[str, str] = {
    "web": "Serve the journalist pages, admin UI and REST API.",
}


def _not_yet(name: str) -> None:
    typer.echo(f"`distributor {name}` is not yet available in this version.", err=True)
    raise typer.Exit(2)


def _group(name: str, help_text: str) -> typer.Typer:
    group = typer.Typer(help=f"{help_text} (not yet available)", invoke_without_command=True)

    @group.callback()
    def _callback(ctx: typer.Context) -> None:
        _not_yet(name)

    return group


def _command(name: str) -> Callable[[], None]:
    def _run() -> None:
        _not_yet(name)

    return _run


def register(app: typer.Typer) -> None:
    for name, help_text in _GROUPS.items():
        app.add_typer(_group(name, help_text), name=name)
    for name, help_text in _COMMANDS.items():
        app.command(name, help=f"{help_text} (not yet available)")(_command(name))
