"""`distributor bounces parse`: what returned mail says, read from files, with no database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.text import Text

from distributor.bounces import describe_message, read_messages
from distributor.cli.output import JSON_OPTION, console, errors

PATHS_ARGUMENT = typer.Argument(
    ..., help=".eml files, Maildir folders, mbox files, folders of .eml."
)


def parse(paths: list[Path] = PATHS_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Read bounces, complaints and auto-replies and say who failed and why; changes nothing.

    With --json, one line per message:
    {"file", "kind", "recipients": [{"address", "status", "reply_code", "reason",
    "class", "label", "diagnostic"}], "original_message_id", "problems"}; kind is
    bounce, delayed, delivered, complaint, auto_reply, reply or not_a_report.
    A path that cannot be read is named on standard error and the exit code is 1.
    """
    unreadable = 0
    for message in read_messages(paths):
        if message.raw is None:
            unreadable += 1
            errors.print(Text(f"{message.name}: {message.problem}"), soft_wrap=True)
            continue
        described = describe_message(message.raw, message.name)
        if as_json:
            typer.echo(json.dumps(described, ensure_ascii=False))
        else:
            _show(described)
    if unreadable:
        raise typer.Exit(1)


def _show(described: dict[str, Any]) -> None:
    console.print(Text(f"{described['file']}: {described['kind'].replace('_', ' ')}"))
    for recipient in described["recipients"]:
        codes = " ".join(c for c in (recipient["reply_code"], recipient["status"]) if c)
        line = f"  {recipient['address'] or '(no address)'}: {recipient['label']}"
        line += f" ({recipient['class']}{', ' + codes if codes else ''})"
        console.print(Text(line))
        if recipient["diagnostic"]:
            console.print(Text(f"    {recipient['diagnostic'][:300]}"), style="dim")
    for problem in described["problems"]:
        console.print(Text(f"  note: {problem}"), style="dim")
