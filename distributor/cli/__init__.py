"""The `distributor` command: parses arguments, calls the services, presents results.

Errors a user can act on (`DistributorError`) become one line on stderr and an
exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import NamedTuple

import typer
from typer import _click  # Typer's own copy of click, whose types its classes use
from typer.core import TyperCommand, TyperGroup

from distributor.errors import ConfigError, DistributorError


class _Entry(NamedTuple):
    """Where a command is defined (a module of distributor.cli and its attribute: a Typer app
    is a group of subcommands, a function is one command) and its summary for --help."""

    module: str
    attribute: str
    summary: str


# Listed in the order --help shows. Each summary is the first paragraph of the command's own
# help (tests/cli/test_startup.py holds them equal), so --help lists them importing no command.
_COMMANDS: dict[str, _Entry] = {
    "db": _Entry("database", "app", "Create and upgrade the database schema."),
    "lists": _Entry("lists", "app", "Journalist lists: create, rename, describe, archive, delete."),
    "contacts": _Entry(
        "contacts",
        "app",
        "Journalists: add, edit, search, import, export; privacy export and erasure.",
    ),
    "segments": _Entry(
        "segments", "app", "Segments: saved filters over contacts, previewed before use."
    ),
    "suppressions": _Entry(
        "suppressions",
        "app",
        "The suppression list: addresses that never receive another email.",
    ),
    "releases": _Entry(
        "releases",
        "app",
        "Press releases: add from Markdown files with a YAML front matter (see "
        "docs/examples/release-en.md), import from Word or text documents, list, show, edit, "
        "delete, preview.",
    ),
    "sendouts": _Entry(
        "sendouts",
        "app",
        "Send-outs: a release to lists and segments, now or on a schedule; follow, pause, "
        "resume, cancel, report, and test sends.",
    ),
    "bounces": _Entry(
        "bounces",
        "app",
        "Bounces and complaints: ingest returned mail, review it, reactivate addresses.",
    ),
    "users": _Entry(
        "users",
        "app",
        "Users of the web app and their API keys. Make the first admin with "
        "`distributor users create EMAIL --role admin`.",
    ),
    "health": _Entry(
        "operations",
        "health",
        "Check the database, its schema revision, the broker, the mail transport, and the "
        "workers and beat; exit 1 if any fails.",
    ),
    "run": _Entry(
        "run",
        "run",
        "Run the whole system on this machine: the web app, a worker, beat and the bounce "
        "receiver.",
    ),
    "worker": _Entry(
        "workers",
        "worker",
        "Run tasks: send batches, process bounces. Stop with Ctrl-C or SIGTERM; running tasks "
        "finish first.",
    ),
    "beat": _Entry(
        "workers",
        "beat",
        "Start scheduled tasks on time, such as send-outs that fall due. Run exactly one.",
    ),
    "demo": _Entry(
        "demo",
        "demo",
        "Send a sample release to 40 fictitious journalists, on this machine, with nothing "
        "to set up.",
    ),
    "web": _Entry(
        "web",
        "web",
        "Serve the web app: the admin, the journalists' pages, the newsroom, the API and webhooks.",
    ),
}


def load_command(name: str) -> _click.Command:
    """The command `name`, its module imported now."""
    entry = _COMMANDS[name]
    target = getattr(importlib.import_module(f"distributor.cli.{entry.module}"), entry.attribute)
    if not isinstance(target, typer.Typer):
        single = typer.Typer()
        single.command(name)(target)
        target = single
    command = typer.main.get_command(target)
    command.name = name
    return command


class _LazyCommands(TyperGroup):
    """Imports a command's module only when that command runs: --help lists every command
    from its summary, and a command imports what it uses, not every service."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*super().list_commands(ctx), *_COMMANDS]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """A stand-in holding the summary: all that --help and telling a command from a typo
        need. `resolve_command` swaps in the real command when it is run."""
        if cmd_name in _COMMANDS:
            return TyperCommand(cmd_name, help=_COMMANDS[cmd_name].summary)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in _COMMANDS:
            command = load_command(name)
        return name, command, rest


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
        from distributor import __version__

        typer.echo(f"distributor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Email press distribution."""
    from distributor.config import get_settings
    from distributor.observability import configure_logging

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
