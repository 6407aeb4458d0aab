"""The `distributor` command: parses arguments, calls the services, presents results.

Errors a user can act on (`DistributorError`) become one line on stderr and an
exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import typer

from distributor import __version__
from distributor.cli import (
    bounces,
    contacts,
    database,
    demo,
    lists,
    operations,
    releases,
    segments,
    sendouts,
    suppressions,
    users,
    web,
    workers,
)
from distributor.errors import DistributorError

app = typer.Typer(
    name="distributor",
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


app.add_typer(database.app, name="db")
app.add_typer(lists.app, name="lists")
app.add_typer(contacts.app, name="contacts")
app.add_typer(segments.app, name="segments")
app.add_typer(suppressions.app, name="suppressions")
app.add_typer(releases.app, name="releases")
app.add_typer(sendouts.app, name="sendouts")
app.add_typer(bounces.app, name="bounces")
app.add_typer(users.app, name="users")
operations.register(app)
workers.register(app)
demo.register(app)
app.command("web")(web.web)


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="distributor")
    except DistributorError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(exc.exit_code)
