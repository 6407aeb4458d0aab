"""`distributor suppressions`: addresses that never receive another email."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.contacts import (
    add_suppression,
    describe_entry,
    import_suppressions,
    list_suppressions,
    reason_from_text,
    remove_suppression,
)
from distributor.models import SuppressionReason

app = typer.Typer(
    help="The suppression list: addresses that never receive another email.", no_args_is_help=True
)

EMAIL_ARGUMENT = typer.Argument(..., help="The address.")
KINDS = ", ".join(r.value for r in SuppressionReason)
KIND_OPTION = typer.Option(None, "--reason", help="Only this kind.")
FILE_ARGUMENT = typer.Argument(
    ..., dir_okay=False, help="A provider's export: CSV, XLSX or one address a line."
)


@app.command("add")
def add(
    email: str = EMAIL_ARGUMENT,
    reason: str = typer.Option(
        ..., "--reason", help=f"One of {KINDS}, or free text (kept as a note of a manual entry)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Suppress an address: it receives no further send-out email, whatever list it joins."""
    with database_session() as session:
        entry, new = add_suppression(session, email, reason, Actor.command_line())
        result = describe_entry(entry) | {"new": new}
    if as_json:
        emit_json(result)
    elif new:
        console.print(f"Suppressed {escape(result['email'])} ({result['reason']}).")
    else:
        console.print(
            f"{escape(email)} was already suppressed ({result['reason']}, {result['created_at']})."
        )


@app.command("list")
def list_command(
    reason: SuppressionReason | None = KIND_OPTION,
    search: str | None = typer.Option(
        None,
        "--search",
        help="Part of an address, source or note; a whole address finds erased ones.",
    ),
    limit: int = typer.Option(100, "--limit", min=1),
    offset: int = typer.Option(0, "--offset", min=0),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show suppressed addresses with their reasons and sources, newest first."""
    with database_session() as session:
        page = list_suppressions(session, reason, search, limit, offset)
        rows = [describe_entry(e) for e in page.entries]
    if as_json:
        emit_json({"total": page.total, "suppressions": rows})
        return
    table = Table(box=None, pad_edge=False)
    for column in ("email", "reason", "channel", "source", "note", "since"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            Text(row["email"] or f"(erased) {row['email_hash'][:12]}…"),
            row["reason"],
            row["channel"] or "",
            Text(row["source"] or ""),
            Text(row["note"] or ""),
            (row["created_at"] or "")[:10],
        )
    console.print(table)
    console.print(f"{len(rows)} of {page.total} shown.")


@app.command("remove")
def remove(
    email: str = EMAIL_ARGUMENT,
    reason: str = typer.Option(..., "--reason", help="Why it may receive mail again (audited)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Let an address receive mail again (admins only; recorded in the audit log)."""
    with database_session() as session:
        entry = remove_suppression(session, email, Actor.command_line(), reason)
        result = describe_entry(entry) | {"removed": True}
    if as_json:
        emit_json(result)
    else:
        console.print(
            f"Removed {escape(email)} from the suppression list (was {result['reason']})."
        )


@app.command("import")
def import_command(
    file: Path = FILE_ARGUMENT,
    reason: str = typer.Option(
        "manual", "--reason", help=f"One of {KINDS}, or free text (kept as a note)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Suppress every address of a provider's export (Mailchimp, SendGrid, Postmark…)."""
    kind, note = reason_from_text(reason)
    with database_session() as session:
        outcome = import_suppressions(session, file, Actor.command_line(), kind, note=note)
    if as_json:
        emit_json(
            {
                "file": outcome.file,
                "column": outcome.column,
                "lines": outcome.lines,
                "added": outcome.added,
                "already": outcome.already,
                "invalid": outcome.invalid,
                "rejected": [asdict(issue) for issue in outcome.rejected],
            }
        )
        return
    console.print(
        f"{escape(outcome.file)} (addresses in column {escape(outcome.column)}): "
        f"{outcome.added} added, {outcome.already} already suppressed, {outcome.invalid} invalid."
    )
    for issue in outcome.rejected:
        console.print(Text(f"  line {issue.line}: {issue.value!r}: {issue.reason}"))
