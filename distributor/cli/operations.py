"""`distributor health`: check the moving parts."""

from __future__ import annotations

import typer
from rich.table import Table

from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.config import get_settings
from distributor.health import run_checks


def health(as_json: bool = JSON_OPTION) -> None:
    """Check the database, its schema revision, the broker, the mail transport, and the workers and beat; exit 1 if any fails.

    Workers and beat are known by their heartbeats: the check fails when a send-out
    waits on one that is not running, and says which command starts it.
    """
    report = run_checks(get_settings())
    if as_json:
        emit_json(report.as_dict())
    else:
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(justify="right")
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for check in report.checks:
            mark = "[green]ok[/green]" if check.ok else "[red]FAIL[/red]"
            table.add_row(mark, check.name, check.detail)
        if report.counts:
            table.add_row("", "records", ", ".join(f"{n} {k}" for k, n in report.counts.items()))
        console.print(table)
    if not report.ok:
        raise typer.Exit(1)
