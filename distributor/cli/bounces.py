"""`distributor bounces`: take in returned mail, look at what came back, apply one kept for
review, reactivate an address."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.bounces import (
    RAW_PREVIEW_LINES,
    BounceFilter,
    BouncePolicy,
    apply_reviewed,
    bounce_report,
    describe_bounce,
    get_bounce,
    ingest_message,
    list_bounces,
    pass_on,
    read_messages,
    reason_named,
)
from distributor.bounces import reactivate as reactivate_address
from distributor.cli import bounce_mailbox, bounce_parse, bounce_receiver
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json, errors
from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.errors import DistributorError
from distributor.models import BounceClass, BounceReview, BounceSource, reasons_summary
from distributor.schema import require_current
from distributor.sending import forward_reply

app = typer.Typer(
    help="Bounces and complaints: ingest returned mail, review it, reactivate addresses.",
    no_args_is_help=True,
)

app.command("serve")(bounce_receiver.serve)
app.command("poll")(bounce_mailbox.poll)
app.command("parse")(bounce_parse.parse)

PATHS_ARGUMENT = typer.Argument(
    ..., help=".eml files, Maildir folders, mbox files, folders of .eml."
)
CLASS_OPTION = typer.Option(None, "--class", help="Only this class.")
_PROGRESS_FROM = 20  # messages after which a progress display is worth showing


@contextmanager
def _engine() -> Iterator[Engine]:
    engine = engine_from_settings(get_settings())
    try:
        require_current(engine)
        yield engine
    finally:
        engine.dispose()


@app.command("ingest")
def ingest(paths: list[Path] = PATHS_ARGUMENT, as_json: bool = JSON_OPTION) -> None:
    """Read returned mail from files and apply the bounce policy; each message is kept on its own."""
    settings = get_settings()
    kinds: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    ignored: Counter[str] = Counter()
    unreadable: list[dict[str, str]] = []
    unforwarded: list[dict[str, str]] = []  # replies the relay did not take: read them again
    messages = attributed = forwarded = held = review = 0
    with _engine() as engine, _progress(as_json) as advance:
        for message in read_messages(paths):
            advance()
            if message.raw is None:
                unreadable.append({"path": message.name, "problem": message.problem or ""})
                if not as_json:
                    errors.print(Text(f"{message.name}: {message.problem}"))
                continue
            with Session(engine) as session, session.begin():
                result = ingest_message(
                    session, message.raw, source=BounceSource.FILE, settings=settings
                )
                kinds[result.kind.value] += 1
                for record_id in result.record_ids:
                    record = get_bounce(session, record_id)
                    if record.token_valid is not False:
                        classes[record.classification.value] += 1
                        if record.reason:
                            reasons[record.reason] += 1
            if result.reply is not None:
                try:
                    if pass_on(result.reply, engine, settings, forward_reply):
                        forwarded += 1
                    else:  # over the hour's forwards for its delivery or sender: recorded only
                        held += 1
                except DistributorError as exc:  # relay down or refusing, or a bad address
                    unforwarded.append({"path": message.name, "problem": str(exc)})
                    if not as_json:
                        errors.print(Text(f"{message.name}: reply not forwarded: {exc}"))
            messages += 1
            attributed += result.attributed
            review += result.review
            if result.ignored is not None:
                ignored[result.ignored] += 1
    summary = {
        "messages": messages,
        "kinds": dict(kinds),
        "classes": dict(classes),
        "reasons": dict(reasons),
        "attributed": attributed,
        "needs_review": review,
        "ignored": sum(ignored.values()),
        "ignored_reasons": dict(ignored),
        "unreadable": unreadable,
        "replies_forwarded": forwarded,
        "replies_not_forwarded": unforwarded,
        "replies_over_limit": held,
    }
    if as_json:
        emit_json(summary)
        return
    console.print(f"{messages} messages read, {attributed} recipients tied to a delivery.")
    for title, counts in (("kinds", kinds), ("classes", classes), ("ignored", ignored)):
        if counts:
            shown = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))
            console.print(Text(f"  {title}: {shown}"))
    if reasons:
        console.print(Text(f"  reasons: {reasons_summary(reasons)}"))
    if review:
        console.print(
            f"  {review} recipients kept for review: nothing ties them to an email of ours "
            "(see `distributor bounces list --needs-review`)."
        )
    if unreadable:
        console.print(f"  {len(unreadable)} could not be read (listed above).")
    if forwarded:
        console.print(f"  {forwarded} replies forwarded to the press contacts.")
    if held:
        console.print(f"  {held} replies recorded, not forwarded: over the hour's limit.")
    if unforwarded:
        console.print(
            f"  {len(unforwarded)} replies not forwarded (listed above): read them again."
        )


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[], None]]:
    """A counter of messages read, shown once there are many (never with --json)."""
    if quiet or not console.is_terminal:
        yield lambda: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.completed} messages"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("ingest", total=None, visible=False)

        def advance() -> None:
            progress.advance(task)
            if progress.tasks[0].completed >= _PROGRESS_FROM:
                progress.update(task, visible=True)

        yield advance


@app.command("list")
def list_command(
    classification: BounceClass | None = CLASS_OPTION,
    sendout: int | None = typer.Option(None, "--sendout", help="Only this send-out's bounces."),
    email: str | None = typer.Option(None, "--email", help="Only this address's bounces."),
    reason: str | None = typer.Option(
        None, "--reason", metavar="NAME", help="Only this reason: userunknown, mailboxfull, …"
    ),
    needs_review: bool = typer.Option(
        False, "--needs-review", help="Only those kept for review, to `apply` or leave."
    ),
    limit: int = typer.Option(100, "--limit", min=1),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show received bounces, complaints and warnings, newest first."""
    named = reason_named(reason) if reason is not None else None
    review = BounceReview.NEEDED if needs_review else None
    where = BounceFilter(classification, sendout, email, reason=named, review=review)
    with database_session() as session:
        rows = [describe_bounce(r) for r in list_bounces(session, where, limit)]
    if as_json:
        emit_json({"bounces": rows})
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "received", "class", "reason", "recipient", "status", "decision"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            (row["received_at"] or "")[:16],
            row["classification"],
            Text(row["reason_label"] or ""),
            Text(row["recipient"] or ""),
            Text(row["status_code"] or ""),
            Text(row["decision"] or ""),
        )
    console.print(table)
    console.print(f"{len(rows)} shown.")


@app.command("show")
def show(
    record_id: int = typer.Argument(..., metavar="ID", help="The bounce record."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show one bounce with its decision and the first lines of the message as received."""
    with database_session() as session:
        row = describe_bounce(get_bounce(session, record_id), raw_lines=RAW_PREVIEW_LINES)
    if as_json:
        emit_json(row)
        return
    for name, value in row.items():
        if name != "raw_head" and value is not None:
            console.print(Text(f"{name}: {value}"))
    console.print(f"message ({row['raw_size']} bytes, first lines):")
    for line in row["raw_head"]:
        console.print(Text(f"  {line}"))


@app.command("reactivate")
def reactivate(
    email: str = typer.Argument(..., help="The suppressed address."),
    reason: str = typer.Option(..., "--reason", help="Why it may receive mail again (audited)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Let a bounced address receive mail again, its soft count started afresh (admins only)."""
    with database_session() as session:
        entry = reactivate_address(session, email, Actor.command_line(), reason)
        result = {"email": entry.email, "was": entry.reason.value, "reactivated": True}
    if as_json:
        emit_json(result)
    else:
        console.print(f"Reactivated {escape(entry.email or email)} (was {result['was']}).")


@app.command("apply")
def apply(
    record_id: int = typer.Argument(..., metavar="ID", help="A bounce kept for review."),
    reason: str = typer.Option(..., "--reason", help="Why it may be trusted (audited)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Apply a bounce kept for review to its address, as if it had been tied to the latest
    email sent there (admins only); a bounce is applied once."""
    policy = BouncePolicy.from_settings(get_settings())
    with database_session() as session:
        applied = apply_reviewed(session, record_id, Actor.command_line(), reason, policy=policy)
    if as_json:
        emit_json(applied.as_dict())
    else:
        console.print(Text(f"Applied bounce {record_id} to {applied.email}: {applied.decision}."))


@app.command("report")
def report(
    sendout: int | None = typer.Option(None, "--sendout", help="Counts for this send-out."),
    email: str | None = typer.Option(None, "--email", help="Counts for this address."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Count what came back, by class and by reason, for one send-out or one address."""
    with database_session() as session:
        result = bounce_report(session, sendout_id=sendout, email=email).as_dict()
    if as_json:
        emit_json(result)
        return
    console.print(Text(f"{result['scope']}: {result['total']} received"))
    if result["summary"]:
        console.print(Text(f"  {result['summary']}"))
    for name, count in result["by_class"].items():
        if count:
            console.print(f"  {name}: {count}")
    if result["ignored"]:
        console.print(f"  ignored (token does not verify): {result['ignored']}")
    if result["needs_review"]:
        console.print(f"  kept for review, applied to nothing yet: {result['needs_review']}")
    if result["suppression"]:
        console.print(f"  suppressed: {result['suppression']}")
