"""How the command line shows the findings of the checks before a send-out."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from distributor.cli.output import console
from distributor.sending import CheckResult, Level

_STYLES = {Level.ERROR: "bold red", Level.WARNING: "yellow"}


def show_findings(sendout_id: int, result: CheckResult) -> None:
    """A table of the findings, or one line saying there are none."""
    if not result.findings:
        console.print(f"Send-out {sendout_id}: the checks found nothing.", highlight=False)
        return
    table = Table(title=f"Checks of send-out {sendout_id}", show_lines=False)
    table.add_column("level")
    table.add_column("code")
    table.add_column("finding", overflow="fold")
    for finding in result.findings:
        level = Text(finding.level.value, style=_STYLES[finding.level])
        table.add_row(level, Text(finding.code), Text(finding.message))
    console.print(table)
    if result.warnings and not result.errors:
        state = "confirmed" if result.confirmed else "not confirmed"
        console.print(f"Warnings {state}.", highlight=False)
