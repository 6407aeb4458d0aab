"""`distributor releases preview`: write a release as the email a journalist would get.

Writes release.html, release.txt, a complete release.eml and, where Chromium is
installed, PNG screenshots at phone and desktop widths, all filled in with a
sample recipient whose links point at DISTRIBUTOR_BASE_URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

import typer

from distributor import urls
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json, writable_folder
from distributor.config import get_settings
from distributor.models import Release
from distributor.releases import get_release, kit_files
from distributor.rendering import (
    SAMPLE_EMAIL,
    SAMPLE_NAME,
    LocalFile,
    preview_email,
    screenshot,
    screenshots_missing,
)

OUT_OPTION = typer.Option(..., "--out", file_okay=False, help="Folder to write into.")


@dataclass(frozen=True)
class Preview:
    files: list[Path]
    warnings: tuple[str, ...]


def write_preview(
    release: Release, out: Path, language: str | None = None, screenshots: bool = True
) -> Preview:
    """Render `release` for a sample recipient into `out`: the files written and any warnings."""
    settings = get_settings()
    email = preview_email(release, settings, language)
    html, text = email.html, email.text
    out.mkdir(parents=True, exist_ok=True)
    html_file, text_file, eml_file = out / "release.html", out / "release.txt", out / "release.eml"
    html_file.write_text(html, encoding="utf-8")
    text_file.write_text(text, encoding="utf-8")

    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = f"{SAMPLE_NAME} <{SAMPLE_EMAIL}>"
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(
        domain=parseaddr(settings.from_address)[1].rpartition("@")[2]
    )
    message["Content-Language"] = email.language
    message.set_content(text, charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    eml_file.write_bytes(message.as_bytes())

    written = [html_file, text_file, eml_file]
    if screenshots and screenshots_missing() is None:
        kit = {
            urls.absolute(settings.base_url, path): LocalFile(file.path, file.content_type)
            for path, file in kit_files(release, settings).items()
        }
        written.extend(screenshot(html_file, out, served=kit))
    return Preview(files=written, warnings=email.warnings)


def preview(
    release_id: str = typer.Argument(..., help="The release's id or slug."),
    out: Path = OUT_OPTION,
    language: str | None = typer.Option(
        None, "--language", help="Which version (default: the release's default language)."
    ),
    screenshots: bool = typer.Option(
        True, "--screenshots/--no-screenshots", help="PNGs at 375 and 1000 px (needs chromium)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Write a release as .html, .txt and .eml (and PNG screenshots where Chromium is installed)."""
    writable_folder(out, "--out")
    with database_session() as session:
        release = get_release(session, release_id)
        result = write_preview(release, out, language, screenshots)
    if as_json:
        emit_json(
            {
                "id": release.id,
                "files": [str(p) for p in result.files],
                "warnings": list(result.warnings),
            }
        )
        return
    for path in result.files:
        console.print(f"wrote {path}", highlight=False)
    if screenshots and (missing := screenshots_missing()) is not None:
        console.print(f"no screenshots: {missing}", highlight=False, markup=False)
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
