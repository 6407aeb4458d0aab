"""The `distributor` command: parses arguments, calls the services, presents results.

Errors a user can act on (`DistributorError`) become one line on stderr and an
exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys

import typer
from typer import _click  # Typer's own copy of click, whose types its classes use
from typer.core import TyperGroup

from distributor import __version__
from distributor.config import get_settings
from distributor.errors import ConfigError, DistributorError
from distributor.observability import configure_logging

# Each command and the module (in distributor.cli) and attribute defining it: a Typer app
# is a group of subcommands, a function is one command. Listed in the order --help shows.
_COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("database", "app"),
    "lists": ("lists", "app"),
    "contacts": ("contacts", "app"),
    "segments": ("segments", "app"),
    "suppressions": ("suppressions", "app"),
    "releases": ("releases", "app"),
    "sendouts": ("sendouts", "app"),
    "bounces": ("bounces", "app"),
    "users": ("users", "app"),
    "health": ("operations", "health"),
    "worker": ("workers", "worker"),
    "beat": ("workers", "beat"),
    "demo": ("demo", "demo"),
    "web": ("web", "web"),
}


class _LazyCommands(TyperGroup):
    """Imports a command's module only when that command runs: a command starts in a
    fraction of the time it takes to import every service (only --help lists them all)."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*super().list_commands(ctx), *_COMMANDS]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        if cmd_name not in _COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = _COMMANDS[cmd_name]
        target = getattr(importlib.import_module(f"distributor.cli.{module}"), attribute)
        if not isinstance(target, typer.Typer):
            single = typer.Typer()
            single.command(cmd_name)(target)
            target = single
        command = typer.main.get_command(target)
        command.name = cmd_name
        return command


app = typer.Typer(
    name="distributor",
    cls=_LazyCommands,
    help=(
        "Email press distribution: keep journalist lists clean, turn releases into "
        "responsive emails, send them reliably and follow every bounce and unsubscribe.\n\n"
        "Settings come from DISTRIBUTOR_* environment variables; with none set, everything "
        "runs on embedded defaults in ./var (SQLite, a folder-based queue, .eml files)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"distributor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Email press distribution."""
    try:
        settings = get_settings()
    except ConfigError:
        return  # the command reports it, if it needs the settings at all (--help does not)
    # A command prints its result and one-line errors, so only problems are logged; the
    # servers (worker, beat, web, bounces serve) log at DISTRIBUTOR_LOG_LEVEL once started.
    configure_logging(settings, max(logging.WARNING, logging.getLevelName(settings.log_level)))


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="distributor")
    except DistributorError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(exc.exit_code)


__all__ = ["app", "main"]
