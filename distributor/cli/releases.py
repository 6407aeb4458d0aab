"""`distributor releases`: press releases from Markdown files with a YAML front matter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from distributor.audit import Actor
from distributor.cli import preview
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json, errors, writable_file
from distributor.config import get_settings
from distributor.errors import InvalidInput, NotFound
from distributor.releases import (
    ImportedRelease,
    add_release,
    attach_kit,
    delete_release,
    get_release,
    import_release,
    imported_text,
    list_releases,
    prepare_kit,
    read_release_file,
    release_as_dict,
    save_pictures,
    update_release_from_file,
)

app = typer.Typer(
    help=(
        "Press releases: add from Markdown files with a YAML front matter "
        "(see docs/examples/release-en.md), import from Word or text documents, list, show, "
        "edit, delete, preview."
    ),
    no_args_is_help=True,
)

FILE_ARGUMENT = typer.Argument(
    ..., exists=False, dir_okay=False, help="A release file: Markdown with a YAML front matter."
)
DOCUMENT_ARGUMENT = typer.Argument(
    ..., dir_okay=False, help="The release as .docx, .odt, .html, .txt or .md."
)
ID_ARGUMENT = typer.Argument(..., help="The release's id or slug.")


def _report(summary: dict[str, Any], as_json: bool, done: str) -> None:
    if as_json:
        emit_json(summary)
    else:
        console.print(
            f"{done} release {summary['id']} ({escape(summary['slug'])}): "
            f"{escape(summary['title'])}",
            highlight=False,
        )


@app.command("add")
def add(file: Path = FILE_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Check a release file and store it; prints the new release's id."""
    document = read_release_file(file)
    kit = prepare_kit(document, get_settings())
    with database_session() as session:
        release = add_release(session, document, Actor.command_line())
        attach_kit(session, release, document, kit)
        summary = release_as_dict(release)
    _report(summary, as_json, "Added")


@app.command("list")
def list_command(as_json: bool = JSON_OPTION) -> None:
    """Show every release, newest first."""
    with database_session() as session:
        summaries = [release_as_dict(r) for r in list_releases(session)]
    if as_json:
        emit_json({"releases": summaries})
        return
    if not summaries:
        console.print("No releases yet; add one with `distributor releases add FILE`.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "slug", "title", "languages", "date", "embargo"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for s in summaries:
        table.add_row(
            str(s["id"]),
            Text(s["slug"]),
            Text(s["title"]),
            ", ".join(s["languages"]),
            s["date"] or "",
            s["embargo"] or "",
        )
    console.print(table)


@app.command("show")
def show(release_id: str = ID_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Show one release: its fields, media contacts, images, links and body."""
    with database_session() as session:
        summary = release_as_dict(get_release(session, release_id), full=True)
    if as_json:
        emit_json(summary)
        return
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right", style="bold")
    table.add_column(overflow="fold")
    for key, value in summary.items():
        if key in ("contacts", "images", "links", "body_markdown"):
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        table.add_row(key, Text("" if shown is None else str(shown)))
    for contact in summary["contacts"]:
        parts = [contact["name"], contact["role"], contact["email"], contact["phone"]]
        table.add_row("contact", Text(" · ".join(p for p in parts if p)))
    for image in summary["images"]:
        table.add_row("image", Text(f"{image['url']} — {image['alt']}"))
    for link in summary["links"]:
        table.add_row("link", Text(f"{link['label'] or ''} {link['url']}".strip()))
    console.print(table)
    console.print()
    console.print(Text(summary["body_markdown"]))


@app.command("edit")
def edit(
    release_id: str = ID_ARGUMENT, file: Path = FILE_ARGUMENT, as_json: bool = JSON_OPTION
) -> None:
    """Replace a release's text, facts, contacts, images and links with a new version of its file."""
    document = read_release_file(file)
    kit = prepare_kit(document, get_settings())
    with database_session() as session:
        release = update_release_from_file(session, release_id, document, Actor.command_line())
        attach_kit(session, release, document, kit)
        summary = release_as_dict(release)
    _report(summary, as_json, "Updated")


@app.command("delete")
def delete(
    release_id: str = ID_ARGUMENT,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a release no send-out uses. Asks first unless --yes."""
    if not yes:
        with database_session() as session:
            summary = release_as_dict(get_release(session, release_id))
        typer.confirm(f"Delete release {summary['id']} ({summary['title']})?", abort=True)
    with database_session() as session:
        deleted = delete_release(session, release_id, Actor.command_line())
    if as_json:
        emit_json({"id": deleted.id, "slug": deleted.slug, "title": deleted.title})
    else:
        console.print(f"Deleted release {deleted.id} ({escape(deleted.slug)}).", highlight=False)


@app.command("import")
def import_command(
    file: Path = DOCUMENT_ARGUMENT,
    out: str = typer.Option(
        "-",
        "--out",
        "-o",
        help="Where to write the release file (.md); its pictures go beside it. "
        "'-' (the default) prints it.",
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Turn a Word, OpenDocument, HTML or text release into a release file to review.

    Title, subtitle, dateline, embargo, quotes and who said them, the media
    contacts block, links, pictures with their captions, language and
    organisation are recognised; what was found and what to check is listed.
    Nothing is stored: check the file, then `releases add` it.
    """
    if out != "-":  # its folder is made if missing, and the pictures go beside it
        writable_file(Path(out), "--out", folders_made=True)
    try:
        content = file.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"{file} does not exist; check the path") from None
    except IsADirectoryError:
        raise InvalidInput(f"{file} is a folder; name the release document") from None
    target = None if out == "-" else Path(out)
    imported = import_release(content, str(file), pictures_named=target.stem if target else None)
    text = imported_text(imported)
    pictures = []
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        pictures = [str(path) for path in save_pictures(imported, target.parent)]
        target.write_text(text, encoding="utf-8")
    if as_json:
        emit_json(_import_summary(imported, file, target, text, pictures))
        return
    if target is None:
        typer.echo(text, nl=False)
    report = errors if target is None else console  # the text owns stdout when printed
    for line in imported.recognised:
        report.print(Text(line))
    for line in imported.checks:
        report.print(Text(line, style="yellow"))
    if target is not None:
        report.print(
            f"Wrote {escape(str(target))}; check it, then add it with "
            f"`distributor releases add {escape(str(target))}`.",
            highlight=False,
        )


def _import_summary(
    imported: ImportedRelease, file: Path, target: Path | None, text: str, pictures: list[str]
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "file": str(file),
        "out": str(target) if target else None,
        "title": imported.document.title,
        "recognised": list(imported.recognised),
        "checks": list(imported.checks),
        "pictures": pictures,
    }
    if target is None:
        summary["text"] = text
    return summary


app.command("preview")(preview.preview)
