"""`distributor bounces poll`: take in the bounces waiting in DISTRIBUTOR_BOUNCE_IMAP_URL now."""

from __future__ import annotations

import typer
from rich.text import Text

from distributor.bounces import DEFAULT_LIMIT, poll_mailbox
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.schema import require_current
from distributor.sending import forward_reply


def poll(
    limit: int = typer.Option(DEFAULT_LIMIT, "--limit", min=1, help="Most messages to take in."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Take in the bounces waiting in the IMAP mailbox, as beat does every
    DISTRIBUTOR_BOUNCE_IMAP_INTERVAL.

    Each message taken in is deleted from the mailbox once its record is stored; one
    that cannot be processed is flagged and left there for review.
    """
    settings = get_settings()
    engine = engine_from_settings(settings)
    try:
        require_current(engine)
        result = poll_mailbox(settings, engine, forward=forward_reply, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        emit_json(result.as_dict())
        return
    console.print(
        Text(
            f"{result.mailbox}: {result.ingested} messages taken in, "
            f"{result.attributed} recipients tied to a delivery."
        )
    )
    for line in result.review:
        console.print(Text(f"  flagged for review: {line}"))
    if result.remaining:
        console.print(f"  {result.remaining} more wait for the next poll.")
