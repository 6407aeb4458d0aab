"""`distributor contacts`: journalists, their lists, import, export, privacy."""

from __future__ import annotations

import json
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.audit import Actor
from distributor.cli import imports, moves, privacy
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json, errors, writable_file
from distributor.cli.timeline import timeline_table
from distributor.contacts import (
    ATTRIBUTE_PREFIX,
    DEFAULT_LIMIT,
    FIELDS,
    MAX_LIMIT,
    MAX_PAGE,
    EntryKind,
    ExportFormat,
    ExportSummary,
    add_contact,
    add_note,
    contact_details,
    contact_timeline,
    delete_contact,
    edit_contact,
    export_contacts,
    get_contact,
    get_list,
    search_contacts,
    subscribe_contact,
)
from distributor.contacts import subscribe as subscribe_to_list
from distributor.contacts import unsubscribe as unsubscribe_from_list
from distributor.errors import InvalidInput

app = typer.Typer(
    help="Journalists: add, edit, search, import, export; privacy export and erasure.",
    no_args_is_help=True,
)

EMAIL_ARGUMENT = typer.Argument(..., help="The contact's address (any case) or id.")
FIELD_HELP = (
    "FIELD=VALUE, repeatable. Fields: "
    + ", ".join(f.name for f in FIELDS)
    + f"; custom attributes as {ATTRIBUTE_PREFIX}NAME=VALUE."
)
# Options whose defaults are objects, declared once (typer reads them; B008).
FIELDS_OPTION = typer.Option([], "--field", help=FIELD_HELP)
LISTS_OPTION = typer.Option([], "--list", help="Subscribe to this list (repeatable).")
CHANGES_OPTION = typer.Option([], "--set", help=f"{FIELD_HELP} An empty VALUE clears the field.")
TRACKING_OPTION = typer.Option(
    None,
    "--tracking/--no-tracking",
    help="Whether tracked send-outs may track this contact's clicks and opens.",
)
FORMAT_OPTION = typer.Option(
    None, "--format", case_sensitive=False, help="Default: from --out's extension, else csv."
)
OUT_OPTION = typer.Option(
    None, "--out", dir_okay=False, help="The file to write; standard output if omitted."
)


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise InvalidInput(f"{option} expects FIELD=VALUE, got {item!r}")
        pairs[key.strip()] = value
    return pairs


def _fields_table(rows: dict[str, Any]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="bold")
    table.add_column(overflow="fold")
    for key, value in rows.items():
        if value not in (None, "", [], {}):
            shown = "; ".join(value) if isinstance(value, list) else str(value)
            table.add_row(key, Text(shown))  # Text: names are shown, never read as markup
    return table


@app.command("add")
def add(
    email: str = typer.Argument(..., help='The address, e.g. anna@paper.example or "Anna <…>".'),
    first_name: str | None = typer.Option(None, "--first-name"),
    last_name: str | None = typer.Option(None, "--last-name"),
    outlet: str | None = typer.Option(None, "--outlet"),
    country: str | None = typer.Option(None, "--country", help="ISO code or name."),
    language: str | None = typer.Option(None, "--language", help="Code (en, pt-BR) or name."),
    beats: str | None = typer.Option(None, "--beats", help='Separated by ";" or ",".'),
    fields: list[str] = FIELDS_OPTION,
    lists: list[str] = LISTS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Add one journalist, optionally subscribing them to lists."""
    named = {
        "first_name": first_name,
        "last_name": last_name,
        "outlet": outlet,
        "country": country,
        "language": language,
        "beats": beats,
    }
    values = {"email": email, **{k: v for k, v in named.items() if v is not None}}
    values |= _pairs(fields, "--field")
    actor = Actor.command_line()
    with database_session() as session:
        contact = add_contact(session, values, actor)
        for slug in lists:
            subscribe_contact(session, contact, get_list(session, slug), actor)
        result = {"id": contact.id, "email": contact.email, "lists": lists}
    if as_json:
        emit_json(result)
    else:
        on = f" and subscribed to {escape(', '.join(lists))}" if lists else ""
        console.print(f"Added {escape(str(result['email']))} (id {result['id']}){on}.")


@app.command("edit")
def edit(
    email: str = EMAIL_ARGUMENT,
    changes: list[str] = CHANGES_OPTION,
    tracking: bool | None = TRACKING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Change fields of a contact, or whether their clicks and opens may be tracked."""
    with database_session() as session:
        change = edit_contact(
            session,
            email,
            _pairs(changes, "--set"),
            Actor.command_line(),
            tracking_allowed=tracking,
        )
        contact_id, address = change.contact.id, change.contact.email
    if as_json:
        emit_json({"id": contact_id, "email": address, "changed": change.changed})
    elif not change.changed:
        console.print(f"Nothing changed for {escape(address)}.")
    else:
        console.print(f"Changed {escape(', '.join(change.changed))} of {escape(address)}.")


@app.command("show")
def show(
    email: str = EMAIL_ARGUMENT,
    limit: int = typer.Option(
        DEFAULT_LIMIT, "--limit", min=1, max=MAX_LIMIT, help="Timeline entries."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show a contact: fields, lists, suppression, and their timeline, newest first."""
    with database_session() as session:
        contact = get_contact(session, email)
        details = contact_details(session, contact.id)
        entries = contact_timeline(session, contact, limit)
    if as_json:
        emit_json(details.as_dict() | {"timeline": [vars(entry) for entry in entries]})
        return
    data = details.as_dict()
    shown = {k: v for k, v in data.items() if k not in ("subscriptions", "suppression")}
    shown |= {ATTRIBUTE_PREFIX + k: v for k, v in shown.pop("attributes").items()}
    console.print(_fields_table(shown))
    if details.suppression:
        console.print(
            f"[red]Suppressed[/red] ({details.suppression.reason}) since "
            f"{details.suppression.created_at:%Y-%m-%d}: no send-out reaches this address."
        )
    if details.subscriptions:
        table = Table(box=None, pad_edge=False)
        for column in ("list", "status", "channel", "when", "by", "reason"):
            table.add_column(column)
        for s in details.subscriptions:
            table.add_row(
                Text(s.list_slug),
                s.status.value,
                s.channel,
                f"{s.changed_at:%Y-%m-%d %H:%M}",
                Text(s.actor or ""),
                Text(s.reason or ""),
            )
        console.print(table)
    console.print(timeline_table(entries))
    if any(e.kind is EntryKind.MOVED and e.result == "open" for e in entries):
        console.print(
            "Answer a suggestion with `distributor contacts moved accept ID [--as-colleague]` "
            "or `distributor contacts moved dismiss ID`."
        )


@app.command("note")
def note(
    email: str = EMAIL_ARGUMENT,
    text: str = typer.Argument(..., help="What colleagues should know, e.g. 'prefers calls'."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Leave a note on a contact; it shows in their timeline."""
    with database_session() as session:
        contact = get_contact(session, email)
        added = add_note(session, contact, text, Actor.command_line())
        address = contact.email
        payload = {"id": added.id, "contact_id": contact.id, "email": address}
    if as_json:
        emit_json(payload)
    else:
        console.print(f"Noted on {escape(address)}'s timeline.")


@app.command("search")
def search(
    text: str | None = typer.Argument(None, help="Part of the address, name or outlet."),
    list_slug: str | None = typer.Option(None, "--list", help="Subscribed to this list."),
    outlet: str | None = typer.Option(None, "--outlet"),
    country: str | None = typer.Option(None, "--country"),
    language: str | None = typer.Option(None, "--language", help='"en" also finds "en-GB".'),
    beat: str | None = typer.Option(None, "--beat"),
    limit: int = typer.Option(50, "--limit", min=1, max=MAX_PAGE),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = JSON_OPTION,
) -> None:
    """Find contacts; every filter given must match, text in any case."""
    with database_session() as session:
        page = search_contacts(
            session,
            text,
            list_slug=list_slug,
            outlet=outlet,
            country=country,
            language=language,
            beat=beat,
            limit=limit,
            offset=offset,
        )
    if as_json:
        emit_json(
            {
                "total": page.total,
                "offset": page.offset,
                "limit": page.limit,
                "contacts": [vars(c) for c in page.contacts],
            }
        )
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "email", "name", "outlet", "country", "language"):
        table.add_column(column)
    for c in page.contacts:
        table.add_row(
            str(c.id),
            Text(c.email),
            Text(c.name),
            Text(c.outlet or ""),
            c.country or "",
            c.language or "",
        )
    console.print(table)
    shown = f"{page.offset + 1}-{page.offset + len(page.contacts)}" if page.contacts else "none"
    console.print(f"{shown} of {page.total} contact(s).")


@app.command("delete")
def delete(
    email: str = EMAIL_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a contact and its subscriptions; past deliveries keep their statistics.

    Not a data-protection erasure: for that, use `distributor contacts erase`.
    """
    if not yes:
        typer.confirm(f"Delete contact {email} and its subscriptions?", abort=True)
    with database_session() as session:
        deleted = delete_contact(session, email, Actor.command_line())
    if as_json:
        emit_json({"id": deleted.id, "email": deleted.email})
    else:
        console.print(f"Deleted {escape(deleted.email)} (id {deleted.id}).")


@app.command("subscribe")
def subscribe(
    email: str = EMAIL_ARGUMENT,
    list_slug: str = typer.Option(..., "--list", help="The list's slug."),
    reason: str | None = typer.Option(
        None, "--reason", help="Why; required to resubscribe someone who unsubscribed."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Subscribe a contact to a list (never a suppressed address)."""
    with database_session() as session:
        result = subscribe_to_list(session, email, list_slug, Actor.command_line(), reason=reason)
        payload = {
            "id": result.subscription.id,
            "contact_id": result.subscription.contact_id,
            "list": list_slug,
            "outcome": result.outcome.value,
            "status": result.subscription.status.value,
        }
    if as_json:
        emit_json(payload)
    else:
        console.print(f"{escape(email)} on {escape(list_slug)}: {result.outcome.value}.")


@app.command("unsubscribe")
def unsubscribe(
    email: str = EMAIL_ARGUMENT,
    list_slug: str | None = typer.Option(None, "--list", help="The list's slug."),
    all_lists: bool = typer.Option(False, "--all", help="From every list."),
    reason: str | None = typer.Option(None, "--reason", help="Why, for the record."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Unsubscribe a contact from one list (--list) or from all (--all)."""
    if (list_slug is None) == (not all_lists):
        raise InvalidInput("give exactly one of --list SLUG and --all")
    with database_session() as session:
        result = unsubscribe_from_list(
            session, email, list_slug, Actor.command_line(), reason=reason
        )
    if as_json:
        emit_json(
            {
                "id": result.contact_id,
                "email": result.email,
                "unsubscribed": result.unsubscribed,
                "already": result.already,
            }
        )
    elif result.unsubscribed:
        console.print(
            f"Unsubscribed {escape(result.email)} from {escape(', '.join(result.unsubscribed))}."
        )
    else:
        console.print(f"{escape(result.email)} was not subscribed; nothing changed.")


def _export_format(format: ExportFormat | None, out: Path | None) -> ExportFormat:
    """The format asked for, else the one the file name ends with, else CSV."""
    if format is not None:
        return format
    suffix = out.suffix.lower().lstrip(".") if out else ""
    return ExportFormat(suffix) if suffix in set(ExportFormat) else ExportFormat.CSV


@app.command("export")
def export(
    list_slug: str | None = typer.Option(None, "--list", help="The subscribers of this list."),
    segment: str | None = typer.Option(None, "--segment", help="The contacts of this segment."),
    format: ExportFormat | None = FORMAT_OPTION,
    out: Path | None = OUT_OPTION,
    all_statuses: bool = typer.Option(
        False, "--all-statuses", help="With --list: unsubscribed and pending contacts too."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Export a list, a segment or every contact to CSV, Excel (xlsx) or JSON lines.

    Cells a spreadsheet would run as a formula get a leading quote (CSV, xlsx).
    A CSV file gets a byte order mark so that Excel reads UTF-8; CSV on standard
    output does not. With data on standard output, the summary goes to stderr.
    """
    chosen = _export_format(format, out)
    if out is None and chosen == ExportFormat.XLSX:
        raise InvalidInput("an xlsx export needs a file: add --out FILE.xlsx")
    if out is not None:
        writable_file(out, "--out")

    def run(stream: Any) -> ExportSummary:
        with database_session() as session:
            return export_contacts(
                session,
                stream,
                chosen,
                Actor.command_line(),
                list_slug=list_slug,
                segment=segment,
                all_statuses=all_statuses,
                excel_bom=out is not None,
            )

    if out is None:
        summary = run(sys.stdout.buffer)
        sys.stdout.flush()
        if as_json:
            typer.echo(_summary_json(summary, None), err=True)
        else:
            errors.print(f"Exported {summary.rows} contact(s) ({escape(summary.scope)}).")
        return
    # Written beside the target and moved into place: a failed export leaves no half file.
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as stream:
            summary = run(stream)
        os.replace(partial, out)
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
    if as_json:
        typer.echo(_summary_json(summary, out))  # the one JSON line, as emit_json prints it
    else:
        console.print(
            f"Exported {summary.rows} contact(s) ({escape(summary.scope)}) to {escape(str(out))}."
        )


def _summary_json(summary: ExportSummary, out: Path | None) -> str:
    return json.dumps({**summary.as_dict(), "file": str(out) if out else None}, sort_keys=True)


# Commands of other modules that belong to this group.
app.command("import")(imports.import_contacts)
privacy.register(app)
app.add_typer(moves.app, name="moved")
