"""`distributor lists`: journalist lists."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.contacts import (
    archive_list,
    create_list,
    delete_list,
    describe_list,
    list_lists,
    rename_list,
    summarize_list,
    unarchive_list,
)
from distributor.models import MailingList

app = typer.Typer(
    help="Journalist lists: create, rename, describe, archive, delete.", no_args_is_help=True
)

SLUG_ARGUMENT = typer.Argument(..., help="The list's slug, e.g. film-critics-fr.")


def _as_dict(mailing_list: MailingList) -> dict[str, object]:
    return {
        "id": mailing_list.id,
        "slug": mailing_list.slug,
        "name": mailing_list.name,
        "description": mailing_list.description,
        "archived": mailing_list.archived_at is not None,
    }


def _report(mailing_list: MailingList, as_json: bool, done: str) -> None:
    if as_json:
        emit_json(_as_dict(mailing_list))
    else:
        console.print(f"{done} list {escape(mailing_list.slug)} ({escape(mailing_list.name)}).")


@app.command("create")
def create(
    slug: str = SLUG_ARGUMENT,
    name: str | None = typer.Option(None, "--name", help="A name for people; the slug if omitted."),
    description: str | None = typer.Option(None, "--description", help="What the list is for."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Create a list (slug: lowercase letters, digits and hyphens)."""
    with database_session() as session:
        created = create_list(
            session, slug, Actor.command_line(), name=name, description=description
        )
        _report(created, as_json, "Created")


@app.command("list")
def list_command(
    archived: bool = typer.Option(False, "--archived", help="Include archived lists."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show the lists with how many journalists are subscribed, unsubscribed or pending."""
    with database_session() as session:
        summaries = list_lists(session, include_archived=archived)
    if as_json:
        emit_json({"lists": [s.as_dict() for s in summaries]})
        return
    if not summaries:
        console.print("No lists yet; create one with `distributor lists create SLUG`.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("slug", "name", "subscribed", "unsubscribed", "pending", "archived"):
        table.add_column(column, justify="right" if column.endswith("ed") else "left")
    for s in summaries:
        table.add_row(
            Text(s.slug),
            Text(s.name),
            str(s.subscribed),
            str(s.unsubscribed),
            str(s.pending),
            s.archived_at.date().isoformat() if s.archived_at else "",
        )
    console.print(table)


@app.command("show")
def show(slug: str = SLUG_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Show one list, archived or not, with its counts."""
    with database_session() as session:
        summary = summarize_list(session, slug)
    if as_json:
        emit_json(summary.as_dict())
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="bold")
    table.add_column(overflow="fold")
    for key, value in summary.as_dict().items():
        table.add_row(key, Text("" if value is None else str(value)))
    console.print(table)


@app.command("rename")
def rename(
    slug: str = SLUG_ARGUMENT,
    new_name: str | None = typer.Argument(None, help="The new name for people."),
    new_slug: str | None = typer.Option(None, "--slug", help="A new slug as well (or instead)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Rename a list, change its slug, or both."""
    with database_session() as session:
        renamed = rename_list(session, slug, Actor.command_line(), name=new_name, new_slug=new_slug)
        _report(renamed, as_json, "Renamed")


@app.command("describe")
def describe(
    slug: str = SLUG_ARGUMENT,
    text: str = typer.Argument(..., help="What the list is for; an empty text clears it."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Set the description of a list."""
    with database_session() as session:
        described = describe_list(session, slug, text, Actor.command_line())
        _report(described, as_json, "Described")


@app.command("archive")
def archive(slug: str = SLUG_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Archive a list: hidden from `lists list`, no new subscribers; nobody is removed."""
    with database_session() as session:
        _report(archive_list(session, slug, Actor.command_line()), as_json, "Archived")


@app.command("unarchive")
def unarchive(slug: str = SLUG_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Bring an archived list back into use."""
    with database_session() as session:
        _report(unarchive_list(session, slug, Actor.command_line()), as_json, "Unarchived")


@app.command("delete")
def delete(
    slug: str = SLUG_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a list and its subscriptions; its contacts stay. Asks first unless --yes."""
    if not yes:
        with database_session() as session:
            summary = summarize_list(session, slug)
        count = summary.subscribed + summary.unsubscribed + summary.pending
        typer.confirm(
            f"Delete list {slug} and its {count} subscription(s)? Contacts stay.", abort=True
        )
    with database_session() as session:
        deleted = delete_list(session, slug, Actor.command_line())
    if as_json:
        emit_json({"id": deleted.id, "slug": deleted.slug, "subscriptions": deleted.subscriptions})
    else:
        console.print(
            f"Deleted list {escape(deleted.slug)} and {deleted.subscriptions} subscription(s)."
        )
