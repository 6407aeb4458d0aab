"""A contact's timeline as `distributor contacts show` prints it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from distributor.contacts import TimelineEntry


def timeline_table(entries: Sequence[TimelineEntry]) -> Table:
    """One row per entry, newest first; every text as typed, never read as markup."""
    table = Table(box=None, pad_edge=False, title="Timeline", title_justify="left")
    for column in ("when", "what", "", "detail", "by"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            f"{entry.at:%Y-%m-%d %H:%M}",
            entry.kind.value,
            Text(_summary(entry)),
            Text(entry.detail or ""),
            Text(entry.actor or ""),
        )
    if not entries:
        table.add_row("", "", "Nothing yet.", "", "")
    return table


def _summary(entry: TimelineEntry) -> str:
    """A suggestion that they moved on carries its id and state, for `contacts moved`."""
    if entry.move_id is None:
        return entry.summary
    return f"{entry.summary} [suggestion {entry.move_id}, {entry.result}]"
