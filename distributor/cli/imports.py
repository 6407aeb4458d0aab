"""`distributor contacts import`: bring a CSV, XLSX or JSON-lines file into a list."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, TaskProgressColumn, TimeRemainingColumn
from rich.progress import Progress as ProgressBar
from rich.table import Table

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json, errors, writable_file
from distributor.contacts import (
    TARGETS,
    EncodingDoubt,
    ImportReport,
    Issue,
    neutralize_formula,
    parse_overrides,
)

if TYPE_CHECKING:
    from distributor.contacts import Progress

SHOWN_ISSUES = 10


FILE_ARGUMENT = typer.Argument(
    ...,
    help="A CSV (any delimiter; UTF-8, UTF-16, Windows-1252, -1250, -1251, KOI8-R…), .xlsx, "
    "JSON-lines or vCard (.vcf) file. Exports of Outlook, Google Contacts, Mailchimp and "
    "HubSpot are recognised by their columns.",
)
ENCODING_OPTION = typer.Option(
    None,
    "--encoding",
    help="The file's text encoding, e.g. cp1252 (Western European), cp1250 (Central European), "
    "cp1251 or koi8-r (Cyrillic), utf-8. By default it is detected, with a warning when two "
    "encodings read the file equally well.",
)
ERRORS_OPTION = typer.Option(
    None,
    "--errors",
    help="Write every rejected row, dropped value and skipped address to this CSV "
    "(kind, line, column, reason, value).",
)
MAP_OPTION = typer.Option(
    [],
    "--map",
    help="COLUMN=FIELD for a header that is not recognized (repeatable); FIELD is one of "
    + ", ".join(TARGETS),
)


def import_contacts(
    file: Path = FILE_ARGUMENT,
    list_slug: str = typer.Option(..., "--list", help="The list to subscribe the contacts to."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check and count everything, write nothing."
    ),
    errors_out: Path | None = ERRORS_OPTION,
    update: bool = typer.Option(
        False,
        "--update",
        help="Overwrite stored values with the file's; by default only blanks are filled.",
    ),
    mapping: list[str] = MAP_OPTION,
    sheet: str | None = typer.Option(
        None, "--sheet", help="The workbook sheet (default: the first)."
    ),
    encoding: str | None = ENCODING_OPTION,
    check_deliverability: bool = typer.Option(
        False, "--check-deliverability", help="Also check each domain accepts mail (DNS; slower)."
    ),
    create_list: bool = typer.Option(
        False, "--create-list", help="Create the list if it does not exist."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import contacts from a CSV, Excel (.xlsx), JSON-lines or vCard (.vcf) file into a list.

    Known addresses get their blank fields filled (or, with --update, replaced);
    suppressed addresses are skipped; bad rows are reported with their line and
    column and never stop the good ones. Outlook, Google Contacts, Mailchimp and
    HubSpot exports are recognised by their columns, no --map needed; a Mailchimp
    unsubscribed or cleaned export puts its addresses on the suppression list and
    subscribes no one. Title rows above the header row are skipped; the report
    says which line the header was read from.
    """
    # The import pipeline loads only when it runs: the other `contacts` commands start without.
    from distributor.contacts import import_contacts as run_import

    overrides = parse_overrides(mapping)
    if errors_out is not None:  # before the import is committed, not after
        writable_file(errors_out, "--errors")
    with database_session() as session, _progress(show=not as_json) as on_progress:
        report = run_import(
            session,
            file,
            list_slug,
            Actor.command_line(),
            update=update,
            dry_run=dry_run,
            mapping=overrides,
            sheet=sheet,
            encoding=encoding,
            check_deliverability=check_deliverability,
            create_missing_list=create_list,
            on_progress=on_progress,
        )
    if errors_out is not None:
        _write_issues(errors_out, report)
    if as_json:
        emit_json(report.as_dict())
    else:
        _print_report(report, errors_out)


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[Progress], None] | None]:
    """A progress bar on stderr when a person watches; nothing when piped."""
    if not (show and errors.is_terminal):
        yield None
        return
    with ProgressBar(
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("Importing", total=None)

        def advance(progress: Progress) -> None:
            bar.update(task, completed=progress.done, total=progress.total)

        yield advance


def _issues(report: ImportReport) -> Iterator[tuple[str, Issue]]:
    for kind, issues in (
        ("rejected", report.rejected),
        ("warning", report.warnings),
        ("suppressed", report.suppressed),
    ):
        for issue in issues:
            yield kind, issue


def _write_issues(path: Path, report: ImportReport) -> None:
    """Every problem as a CSV a spreadsheet opens safely (UTF-8 with BOM, no live formulas)."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["kind", "line", "column", "reason", "value"])
        for kind, issue in _issues(report):
            writer.writerow(
                [
                    kind,
                    issue.line,
                    *(neutralize_formula(t) for t in (issue.column, issue.reason, issue.value)),
                ]
            )


def _print_report(report: ImportReport, errors_out: Path | None) -> None:
    detected = ", ".join(
        part
        for part in (
            report.format,
            report.encoding,
            report.dialect,
            report.sheet and f"sheet {report.sheet}",
            (report.header_line or 1) > 1 and f"header on line {report.header_line}",
        )
        if part
    )
    done = "Dry run of the import of" if report.dry_run else "Imported"
    if report.recognised:
        console.print(f"Recognised: {escape(report.recognised)}")
    if report.suppression_list:
        console.print(
            f"{done} {escape(report.file)} ({detected}): "
            f"{report.added_to_suppressions:,} added to the suppression list, none subscribed."
        )
    else:
        console.print(f"{done} {escape(report.file)} ({detected}) into {escape(report.list_slug)}:")
    table = Table(box=None, pad_edge=False)
    table.add_column("rows")
    table.add_column("", justify="right")
    for label, count in _counts(report):
        table.add_row(label, f"{count:,}")
    console.print(table)
    if report.encoding_doubt is not None:
        _print_doubt(report.encoding_doubt)
    _print_issues(report, errors_out)
    if report.dry_run:
        console.print("Dry run: nothing was written.")


def _counts(report: ImportReport) -> list[tuple[str, int]]:
    if report.suppression_list:
        return [
            ("read", report.rows),
            ("added to the suppression list", report.added_to_suppressions),
            ("already suppressed", report.already_suppressed),
            ("rejected: invalid", report.invalid),
        ]
    return [
        ("read", report.rows),
        ("created", report.created),
        ("updated", report.updated),
        ("unchanged", report.unchanged),
        ("duplicates in the file (merged)", report.duplicates_in_file),
        ("skipped: suppressed", report.skipped_suppressed),
        ("rejected: invalid", report.invalid),
        ("subscribed to the list", report.subscribed),
        ("already on the list", report.already_subscribed),
        ("kept unsubscribed or pending", report.kept_unsubscribed),
    ]


def _print_issues(report: ImportReport, errors_out: Path | None) -> None:
    issues = list(_issues(report))
    if issues:
        shown = Table(box=None, pad_edge=False)
        for column in ("", "line", "column", "reason", "value"):
            shown.add_column(column, overflow="fold")
        for kind, issue in issues[:SHOWN_ISSUES]:
            shown.add_row(
                kind,
                str(issue.line or ""),
                escape(issue.column),
                escape(issue.reason),
                escape(issue.value),
            )
        console.print(shown)
        if len(issues) > SHOWN_ISSUES and errors_out is None:
            console.print(
                f"… and {len(issues) - SHOWN_ISSUES:,} more; --errors FILE.csv writes them all."
            )
    if errors_out is not None:
        console.print(f"Wrote {len(issues):,} problem(s) to {escape(str(errors_out))}.")


def _print_doubt(doubt: EncodingDoubt) -> None:
    console.print(
        f"[bold]The text encoding is uncertain:[/bold] read as {escape(doubt.chosen)} "
        f"({escape(doubt.sample)!r}); {escape(doubt.other)} reads the file as well "
        f"({escape(doubt.other_sample)!r}). If the names look wrong, import again with "
        f"--encoding {escape(doubt.other)}."
    )
