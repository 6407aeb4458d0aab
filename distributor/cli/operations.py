"""`distributor worker | beat | health`: run and check the moving parts."""

from __future__ import annotations

import typer

from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.config import get_settings
from distributor.health import run_checks


def health(as_json: bool = JSON_OPTION) -> None:
    """Check the database, its schema revision, the broker and the mail transport; exit 1 if any fails."""
    report = run_checks(get_settings())
    if as_json:
        emit_json(report.as_dict())
    else:
        for check in report.checks:
            mark = "[green]ok[/green]" if check.ok else "[red]FAIL[/red]"
            console.print(f"{mark:>20}  {check.name:<10} {check.detail}")
        if report.counts:
            console.print("          " + ", ".join(f"{n} {k}" for k, n in report.counts.items()))
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("health")(health)
