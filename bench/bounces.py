"""Bounce messages parsed and applied per second: intake against reading the MIME alone.

The target is 1,000 messages/s through the whole intake, on 2 cores. A send-out
to N contacts is recorded as sent (Message-IDs and real VERP tokens, as the
send pipeline records them); M bounce messages are made from the shapes of
tests/bounces/corpus (Postfix, Exim, Gmail, Office 365, Outlook.com, Yahoo, a
block, a delayed DSN, a complaint, an auto-reply), each answering a different
sent delivery: its token in the envelope recipient and wherever the original
carries it, its address and Message-ID in place of the corpus ones. Measured in
the same run, on the same messages:

1. `email.message_from_bytes` alone: the baseline, reading the MIME;
2. `parse_report`: what the message says;
3. `ingest_message` with a session and a commit per message;
4. `ingest_batch` the way one intake process drains the spool: its batch of
   messages in one call, one session and one commit;
5. the receiver's intake as `bounces serve` runs it: the messages land in the
   spool at once and its intake processes (one per core on PostgreSQL, one on
   SQLite; --processes to choose) drain it, timed from the arrival to the empty
   spool. The target is judged on this row.

Each intake runs on a fresh database, on SQLite and, with --database-url, on
PostgreSQL too (a temporary database is created and dropped).

--profile prints the top costs of intake, the receiver's way, under cProfile.

    .venv/bin/python bench/bounces.py
    .venv/bin/python bench/bounces.py --messages 2000 --profile
    .venv/bin/python bench/bounces.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import cProfile
import email
import logging
import os
import pstats
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bench.deliveries import sent_sendout, temporary_database
from bench.summary import SUMMARY_OPTION, write_summary
from distributor import tokens
from distributor.bounces.drainers import BATCH as RECEIVER_BATCH
from distributor.bounces.drainers import DrainerPool, default_processes
from distributor.bounces.intake import Incoming, ingest_batch, ingest_message
from distributor.bounces.reports import parse_report
from distributor.bounces.spool import Share, Spool
from distributor.config import Settings, load_settings
from distributor.db import make_engine
from distributor.models import (
    BounceSource,
    Delivery,
)
from distributor.schema import upgrade
from distributor.sending.replies import forward_reply

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "bounces" / "corpus"
SHAPES = (
    "postfix_user_unknown",
    "exim_user_unknown",
    "exim_mailbox_full",
    "gmail_address_not_found",
    "office365_recipient_not_found",
    "outlook_com_mailbox_unavailable",
    "yahoo_no_account",
    "spam_block_571",
    "delayed_dsn",
    "arf_abuse_complaint",
    "out_of_office",
)
SECRET = "bench-secret-0123456789abcdef0123456789"  # noqa: S105 - signs this run's throw-away tokens
BOUNCE_DOMAIN = "bounces.newsroom.example"
TARGET = 1_000  # messages/s
SENT_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Shape:
    """A corpus message and the parts of it that name the delivery it answers."""

    name: str
    raw: bytes
    token: bytes | None
    address: bytes | None
    message_id: bytes | None  # of the returned message, without angle brackets
    own_id: bytes | None  # the report's own Message-ID, without angle brackets

    @classmethod
    def load(cls, name: str) -> Shape:
        raw = (CORPUS / f"{name}.eml").read_bytes()
        report = parse_report(raw)
        token = next(
            (
                t
                for line in raw.splitlines()
                for word in line.replace(b"<", b" ").replace(b">", b" ").split()
                if (t := tokens.token_from_address(word.decode("ascii", "replace"))) is not None
            ),
            None,
        )
        address = report.recipients[0].address if report.recipients else None
        original = report.original_message_id
        return cls(
            name,
            raw,
            token.encode() if token else None,
            address.encode() if address else None,
            original.strip("<>").encode() if original else None,
            report.message_id.strip("<>").encode() if report.message_id else None,
        )

    def answering(self, token: str, email: str, message_id: str) -> bytes:
        """This message as if it answered the delivery with `token`, `email` and `message_id`.

        It gets a Message-ID of its own too: intake takes a second report with
        the same one as a replay, which costs far less than a bounce.
        """
        raw = self.raw
        for old, new in (
            (self.own_id, f"report.{token}@mx.example"),
            (self.token, token),
            (self.address, email),
            (self.message_id, message_id.strip("<>")),
        ):
            if old is not None:
                raw = raw.replace(old, new.encode())
        return raw


@dataclass(frozen=True)
class Bounce:
    shape: str
    raw: bytes
    envelope_recipient: str


@dataclass(frozen=True)
class Row:
    """One measurement: its seconds, and the seconds spent on each shape when they are known."""

    label: str
    seconds: float
    short: str = ""  # column of the per-shape table
    spent: dict[str, float] | None = None
    judged: bool = False  # held to TARGET: intake the way the receiver does it

    @classmethod
    def by_shape(cls, label: str, short: str, spent: dict[str, float]) -> Row:
        return cls(label, sum(spent.values()), short, spent)


def _settings(folder: Path, engine: Engine | None = None) -> Settings:
    """This run's settings; with `engine`, naming its database for processes of their own."""
    values = {
        "DISTRIBUTOR_DATA_DIR": str(folder / "data"),
        "DISTRIBUTOR_SECRET_KEY": SECRET,
        "DISTRIBUTOR_BOUNCE_DOMAIN": BOUNCE_DOMAIN,
        "DISTRIBUTOR_LOG_LEVEL": "WARNING",  # not a line per message from the intake processes
    }
    if engine is not None:
        values["DISTRIBUTOR_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    return load_settings(values)


def populate(engine: Engine, contacts: int) -> None:
    """A send-out to `contacts` subscribers, every delivery sent, as the pipeline records it."""
    sent_sendout(engine, contacts, SECRET, SENT_AT)


def bounces(engine: Engine, messages: int, seed: int) -> list[Bounce]:
    """`messages` bounces, the shapes in turn, each answering a different sent delivery."""
    shapes = [Shape.load(name) for name in SHAPES]
    with engine.connect() as connection:
        sent = connection.execute(
            select(Delivery.verp_token, Delivery.email, Delivery.message_id).order_by(Delivery.id)
        ).all()
    if messages > len(sent):
        raise typer.BadParameter(f"--messages {messages} is more than the {len(sent)} deliveries")
    answered = random.Random(seed).sample(sent, messages)  # noqa: S311 - not a secret
    made = []
    for n, (token, address, message_id) in enumerate(answered):
        assert token is not None  # populate() recorded every delivery sent
        assert message_id is not None
        shape = shapes[n % len(shapes)]
        made.append(
            Bounce(
                shape.name,
                shape.answering(token, address, message_id),
                tokens.return_path(token, BOUNCE_DOMAIN),
            )
        )
    return made


def _ingest(session: Session, settings: Settings, bounce: Bounce) -> object:
    return ingest_message(
        session,
        bounce.raw,
        source=BounceSource.RECEIVER,
        settings=settings,
        envelope_recipients=(bounce.envelope_recipient,),
    )


def intake(engine: Engine, settings: Settings) -> Callable[[Bounce], object]:
    """Ingest one message in its own session and transaction: the cost batching saves."""

    def ingest(bounce: Bounce) -> object:
        with Session(engine) as session:
            result = _ingest(session, settings, bounce)
            session.commit()
        return result

    return ingest


def timed_batches(engine: Engine, settings: Settings, messages: list[Bounce]) -> float:
    """Seconds for all `messages`, `RECEIVER_BATCH` to a call and a transaction as the spool processor does."""
    began = time.perf_counter()
    for first in range(0, len(messages), RECEIVER_BATCH):
        batch = messages[first : first + RECEIVER_BATCH]
        with Session(engine) as session:
            ingest_batch(
                session,
                [Incoming(bounce.raw, (bounce.envelope_recipient,)) for bounce in batch],
                source=BounceSource.RECEIVER,
                settings=settings,
            )
            session.commit()
    return time.perf_counter() - began


def timed_drain(
    engine: Engine, folder: Path, messages: list[Bounce], processes: int
) -> tuple[float, int]:
    """Seconds from the messages' arrival in the spool to the spool drained, and how many went to review.

    The intake processes start and take a first message each before the clock
    starts; the messages are written to a staging folder first and then moved
    into the spool at once, as a burst of bounces arrives.
    """
    settings = _settings(folder, engine)
    spool, staging = Spool(folder / "spool"), Spool(folder / "staging")
    pool = DrainerPool(spool, engine, settings, forward=forward_reply, processes=processes)
    pool.start()
    try:
        shares = [Share(index, processes) for index in range(processes)]
        while shares:  # a warm-up message for each process: started, imported, connected
            name = spool.put(b"Subject: warm-up\r\n\r\n", "", [BOUNCE_DOMAIN]).name
            shares = [share for share in shares if not share.owns(name)]
        pool.wake()
        _wait_drained(spool)
        for bounce in messages:
            staging.put(bounce.raw, "", [bounce.envelope_recipient])
        arrivals = sorted(staging.new.iterdir())
        started = time.perf_counter()
        for path in arrivals:
            os.replace(path, spool.new / path.name)
        pool.wake()
        _wait_drained(spool)
        return time.perf_counter() - started, len(spool.in_review())
    finally:
        pool.stop()


def _wait_drained(spool: Spool) -> None:
    while _any_file(spool.new):
        time.sleep(0.005)


def _any_file(folder: Path) -> bool:
    """Whether `folder` holds a file, reading only its first entries: listing thousands of names
    every few milliseconds would take a share of the CPU from the drainer that shares this process."""
    with os.scandir(folder) as entries:
        return next(entries, None) is not None


def timed(action: Callable[[Bounce], object], messages: list[Bounce]) -> dict[str, float]:
    """Seconds spent on each shape; the whole run is their sum."""
    spent: dict[str, float] = dict.fromkeys(SHAPES, 0.0)
    clock = time.perf_counter
    for bounce in messages:
        started = clock()
        action(bounce)
        spent[bounce.shape] += clock() - started
    return spent


@contextmanager
def database(server_url: str, folder: Path) -> Iterator[Engine]:
    """A migrated database: a temporary one on `server_url`, else an SQLite file in `folder`."""
    if server_url:
        with temporary_database(server_url) as engine:
            upgrade(engine)
            yield engine
        return
    engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()


def _read_mime(bounce: Bounce) -> object:
    return email.message_from_bytes(bounce.raw)


def _profile(console: Console, engine: Engine, settings: Settings, messages: list[Bounce]) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(timed_batches, engine, settings, messages)
    stats = pstats.Stats(profiler, stream=console.file)
    console.print(
        f"[bold]cProfile of intake, {len(messages):,} messages "
        f"{RECEIVER_BATCH} to a transaction, by own time[/]"
    )
    stats.sort_stats("tottime").print_stats(25)
    console.print("[bold]… and by cumulative time[/]")
    stats.sort_stats("cumulative").print_stats(40)


def main(
    contacts: int = typer.Option(20_000, help="Sent deliveries in the database."),
    messages: int = typer.Option(3_000, help="Bounce messages per measurement."),
    database_url: str = typer.Option(
        "",
        envvar="BENCH_DATABASE_URL",
        help="PostgreSQL server to measure intake on as well (a temporary database is created).",
    ),
    processes: int = typer.Option(
        0, min=0, help="Intake processes draining the spool; 0: as `bounces serve` chooses."
    ),
    profile: bool = typer.Option(False, help="Also profile intake (cProfile) on each database."),
    seed: int = typer.Option(2026, help="Which deliveries the bounces answer."),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    console = Console()
    # Blocks and suppressions are logged as they would be in `bounces serve`; not shown here.
    logging.getLogger("distributor").addHandler(logging.NullHandler())
    folder = Path(tempfile.mkdtemp(prefix="distributor-bench-"))
    settings = _settings(folder)
    rows: list[Row] = []
    made: list[Bounce] = []
    setup: list[str] = []
    receivers: list[dict[str, object]] = []
    for server_url in ("", database_url) if database_url else ("",):
        # each intake on a fresh database: a bounce taken in a second time is a cheaper duplicate
        with database(server_url, folder / "each") as engine:
            started = time.perf_counter()
            populate(engine, contacts)
            name = engine.dialect.name
            setup.append(f"{name} {time.perf_counter() - started:.1f}s")
            made = bounces(engine, messages, seed)
            if not rows:
                rows.append(
                    Row.by_shape(
                        "email.message_from_bytes (baseline)", "MIME", timed(_read_mime, made)
                    )
                )
                rows.append(
                    Row.by_shape(
                        "parse_report", "parse", timed(lambda b: parse_report(b.raw), made)
                    )
                )
            ingested = timed(intake(engine, settings), made)
            rows.append(Row.by_shape(f"ingest_message + commit, {name}", f"each {name}", ingested))
        with database(server_url, folder / "batches") as engine:
            populate(engine, contacts)
            made = bounces(engine, messages, seed)
            rows.append(
                Row(
                    f"ingest_batch, {RECEIVER_BATCH} per call and commit, one process, {name}",
                    timed_batches(engine, settings, made),
                )
            )
        with database(server_url, folder / "drain") as engine:
            populate(engine, contacts)
            made = bounces(engine, messages, seed)
            drainers = processes or default_processes(_settings(folder, engine))
            seconds, reviewed = timed_drain(engine, folder / "drain", made, drainers)
            if reviewed:
                console.print(f"[red]{reviewed} message(s) went to review on {name}[/]")
            rows.append(
                Row(
                    f"receiver: spool drained by {drainers} intake process(es), {name}",
                    seconds,
                    judged=True,
                )
            )
            receivers.append(
                {"database": name, "processes": drainers, "messages_per_s": messages / seconds}
            )
        if profile:
            with database(server_url, folder / "profile") as engine:
                populate(engine, contacts)
                _profile(console, engine, settings, bounces(engine, messages, seed))
    _report(console, rows, made, contacts)
    write_summary(
        summary,
        {"message_from_bytes_per_s": messages / rows[0].seconds, "receiver": receivers},
    )
    console.print(f"setup ({contacts:,} sent deliveries): {', '.join(setup)}")


def _report(
    console: Console,
    rows: list[Row],
    made: list[Bounce],
    contacts: int,
) -> None:
    messages = len(made)
    baseline = rows[0].seconds
    table = Table(
        title=f"Bounce intake: {messages:,} messages of {len(SHAPES)} shapes, "
        f"{contacts:,} sent deliveries"
    )
    for column in ("step", "messages", "seconds", "messages/s", "time vs baseline"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for row in rows:
        table.add_row(
            row.label,
            f"{messages:,}",
            f"{row.seconds:.2f}",
            f"{messages / row.seconds:,.0f}",
            f"{row.seconds / baseline:.1f}x",
        )
    console.print(table)

    per_shape = Counter(bounce.shape for bounce in made)
    shaped = [(row, row.spent) for row in rows if row.spent is not None]
    shapes = Table(title="µs per message by shape")
    shapes.add_column("shape")
    for row, _ in shaped:
        shapes.add_column(row.short, justify="right")
    for shape in SHAPES:
        cells = (f"{spent[shape] / per_shape[shape] * 1e6:,.0f}" for _, spent in shaped)
        shapes.add_row(shape, *cells)
    console.print(shapes)

    for row in rows:
        if row.judged:
            rate = messages / row.seconds
            verdict = "meets" if rate >= TARGET else "MISSES"
            console.print(f"target ≥{TARGET:,}/s, {row.label}: {verdict} ({rate:,.0f}/s)")


if __name__ == "__main__":
    typer.run(main)
