"""`distributor segments`: saved filters over contacts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.contacts import (
    SegmentPreview,
    create_segment,
    delete_segment,
    get_segment,
    list_segments,
    parse_where_all,
    preview_segment,
    update_segment,
)
from distributor.errors import InvalidInput
from distributor.models import Contact, Segment

app = typer.Typer(
    help=(
        "Segments: saved filters over contacts, previewed before use.\n\n"
        "Conditions (--where, repeatable, all must hold): 'beats has film', "
        "'country in FR,DE', 'language = en', 'outlet contains Monde', 'city exists', "
        "'consent_at before 2025-01-01', 'list press-fr', 'not bounced', "
        "'opened within 30 days'. For OR and nesting, give the JSON tree with --rules-json "
        '(e.g. {"any": [{"field": "country", "op": "eq", "value": "FR"}, {"list": "press-fr"}]}).'
    ),
    no_args_is_help=True,
)

NAME_ARGUMENT = typer.Argument(..., help="The segment's name.")
WHERE_OPTION = typer.Option(
    [], "--where", help="A condition such as 'country in FR,DE' (repeatable; all must hold)."
)
RULES_OPTION = typer.Option(
    None, "--rules-json", help="A file with the rules as JSON, or - for standard input."
)
DESCRIPTION_OPTION = typer.Option(None, "--description", help="What the segment is for.")


def _read_rules(where: list[str], rules_json: str | None) -> dict[str, Any] | None:
    """The rules given on the command line, or None when none were given."""
    if where and rules_json:
        raise InvalidInput("give either --where conditions or --rules-json, not both")
    if where:
        return parse_where_all(where)
    if rules_json is None:
        return None
    source = "standard input" if rules_json == "-" else rules_json
    try:
        text = sys.stdin.read() if rules_json == "-" else Path(rules_json).read_text("utf-8")
    except OSError as exc:
        raise InvalidInput(f"--rules-json {rules_json}: {exc.strerror}; check the path") from None
    try:
        rules: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"--rules-json {source}, line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return rules


def _as_dict(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "name": segment.name,
        "description": segment.description,
        "rules": segment.rules,
    }


def _contact_row(contact: Contact) -> dict[str, Any]:
    return {
        "id": contact.id,
        "email": contact.email,
        "name": contact.name,
        "outlet": contact.outlet,
        "country": contact.country,
        "language": contact.language,
        "beats": list(contact.beats),
    }


def _preview_dict(preview: SegmentPreview) -> dict[str, Any]:
    return {
        "count": preview.count,
        "suppressed": preview.suppressed,
        "will_receive": preview.count - preview.suppressed,
        "sample": [_contact_row(c) for c in preview.sample],
    }


def _print_preview(preview: SegmentPreview) -> None:
    console.print(
        f"{preview.count} contact(s) match; {preview.suppressed} of them are suppressed and "
        f"will be skipped at send time, {preview.count - preview.suppressed} will receive."
    )
    if not preview.sample:
        return
    table = Table(box=None, pad_edge=False)
    for column in ("email", "name", "outlet", "country", "language", "beats"):
        table.add_column(column)
    for row in map(_contact_row, preview.sample):
        table.add_row(
            *(
                Text(str(row[key] or ""))
                for key in ("email", "name", "outlet", "country", "language")
            ),
            Text(", ".join(row["beats"])),
        )
    console.print(table)


@app.command("create")
def create(
    name: str = NAME_ARGUMENT,
    where: list[str] = WHERE_OPTION,
    rules_json: str | None = RULES_OPTION,
    description: str | None = DESCRIPTION_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Save a segment from --where conditions or a --rules-json tree."""
    rules = _read_rules(where, rules_json)
    if rules is None:
        raise InvalidInput("a segment needs rules: --where 'country in FR,DE' or --rules-json FILE")
    with database_session() as session:
        segment = create_segment(
            session, name, rules, Actor.command_line(), description=description
        )
        result = _as_dict(segment)
    if as_json:
        emit_json(result)
    else:
        console.print(f"Created segment {escape(segment.name)} (id {segment.id}).")


@app.command("update")
def update(
    name: str = NAME_ARGUMENT,
    where: list[str] = WHERE_OPTION,
    rules_json: str | None = RULES_OPTION,
    description: str | None = DESCRIPTION_OPTION,
    new_name: str | None = typer.Option(None, "--name", help="A new name."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Change a segment's rules, description or name; what is not given stays."""
    rules = _read_rules(where, rules_json)
    with database_session() as session:
        segment = update_segment(
            session,
            name,
            Actor.command_line(),
            rules=rules,
            description=description,
            new_name=new_name,
        )
        result = _as_dict(segment)
    if as_json:
        emit_json(result)
    else:
        console.print(f"Updated segment {escape(result['name'])}.")


@app.command("preview")
def preview(
    name: str | None = typer.Argument(None, help="A saved segment; omit to preview --where."),
    where: list[str] = WHERE_OPTION,
    rules_json: str | None = RULES_OPTION,
    sample: int = typer.Option(10, "--sample", min=0, help="How many matching contacts to show."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Count who a segment (or unsaved conditions) selects now, and show a few of them."""
    rules = _read_rules(where, rules_json)
    target: str | dict[str, Any] | None = rules if name is None else name
    if target is None or (name is not None and rules is not None):
        raise InvalidInput(
            "preview a saved segment by NAME, or conditions with --where/--rules-json"
        )
    with database_session() as session:
        result = preview_segment(session, target, sample)
        payload = _preview_dict(result)
        if not as_json:
            _print_preview(result)
    if as_json:
        emit_json(payload)


@app.command("list")
def list_command(as_json: bool = JSON_OPTION) -> None:
    """Show the saved segments."""
    with database_session() as session:
        rows = [_as_dict(s) for s in list_segments(session)]
    if as_json:
        emit_json({"segments": rows})
        return
    if not rows:
        console.print(
            "No segments yet; create one with `distributor segments create NAME --where …`."
        )
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "name", "description", "rules"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            Text(row["name"]),
            Text(row["description"] or ""),
            Text(json.dumps(row["rules"], ensure_ascii=False)),
        )
    console.print(table)


@app.command("show")
def show(name: str = NAME_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Show a segment's rules and how many contacts it selects now."""
    with database_session() as session:
        segment = get_segment(session, name)
        result = _as_dict(segment) | _preview_dict(preview_segment(session, name, 0))
    if as_json:
        emit_json(result)
        return
    console.print(Text(f"{result['name']} (id {result['id']})", style="bold"))
    if result["description"]:
        console.print(Text(result["description"]))
    console.print(Text(json.dumps(result["rules"], indent=2, ensure_ascii=False)))
    console.print(
        f"{result['count']} contact(s) match; {result['suppressed']} suppressed, "
        f"{result['will_receive']} will receive."
    )


@app.command("delete")
def delete(name: str = NAME_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Delete a segment that no pending send-out uses."""
    with database_session() as session:
        segment = get_segment(session, name)
        result = {"id": segment.id, "name": segment.name, "deleted": True}
        delete_segment(session, name, Actor.command_line())
    if as_json:
        emit_json(result)
    else:
        console.print(f"Deleted segment {escape(name)}.")
