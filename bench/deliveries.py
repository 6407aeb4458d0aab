"""How fast the schema takes a send-out's delivery rows: one INSERT … SELECT against ORM objects.

DESIGN.md asks for set-based bulk work; this measures what it buys on the real
schema (its unique constraint and indexes included), with the row-by-row ORM
way measured in the same run as the baseline.

    .venv/bin/python bench/deliveries.py --contacts 100000
    .venv/bin/python bench/deliveries.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, bindparam, delete, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from bench.summary import SUMMARY_OPTION, write_summary
from distributor.db import make_engine, refresh_statistics
from distributor.models import (
    Channel,
    Contact,
    Delivery,
    DeliveryState,
    MailingList,
    Release,
    ReleaseVersion,
    SendOut,
    SendOutAudience,
    Subscription,
    SubscriptionStatus,
)
from distributor.schema import upgrade
from distributor.tokens import delivery_token


def _populate(engine: Engine, contacts: int) -> tuple[int, list[int]]:
    """A list of `contacts` subscribers and two send-outs to fill; returns (list id, send-out ids)."""
    with Session(engine) as session:
        press = MailingList(slug="press", name="Press")
        release = Release(slug="bench")
        release.versions.append(ReleaseVersion(language="en", title="Bench", body_markdown="."))
        sendouts = [SendOut(release=release), SendOut(release=release)]
        session.add_all([press, release, *sendouts])
        session.commit()
        list_id, sendout_ids = press.id, [s.id for s in sendouts]
    add_subscribers(engine, list_id, contacts)
    return list_id, sendout_ids


def add_subscribers(engine: Engine, list_id: int, contacts: int) -> None:
    """Add `contacts` contacts, every contact subscribed to `list_id`: two set-based statements."""
    with engine.begin() as connection:
        connection.execute(
            insert(Contact),
            [{"email": f"journalist{i}@outlet{i % 500}.example"} for i in range(contacts)],
        )
        connection.execute(
            insert(Subscription).from_select(
                ["list_id", "contact_id", "status", "channel"],
                select(
                    literal(list_id),
                    Contact.id,
                    literal(SubscriptionStatus.SUBSCRIBED.value),
                    literal(Channel.IMPORT.value),
                ),
            )
        )


def sent_sendout(engine: Engine, contacts: int, secret: str, sent_at: datetime) -> dict[int, str]:
    """A send-out to the list "press" of `contacts` subscribers, every delivery sent.

    Set-based, as the pipeline does it: one INSERT … SELECT makes the deliveries, one
    executemany UPDATE records them sent with their Message-IDs and VERP tokens
    (signed with `secret`). Returns each delivery's token by its id.
    """
    with Session(engine) as session:
        press = MailingList(slug="press", name="Press")
        release = Release(slug="bench")
        sendout = SendOut(release=release)
        session.add_all([press, release, sendout])
        session.flush()
        session.add(SendOutAudience(sendout_id=sendout.id, list_id=press.id))
        session.commit()
        list_id, sendout_id = press.id, sendout.id
    add_subscribers(engine, list_id, contacts)
    with engine.begin() as connection:
        connection.execute(
            insert(Delivery).from_select(
                ["sendout_id", "contact_id", "email", "state"],
                select(
                    literal(sendout_id),
                    Contact.id,
                    Contact.email,
                    literal(DeliveryState.QUEUED.value),
                ),
            )
        )
        ids = connection.scalars(select(Delivery.id).where(Delivery.sendout_id == sendout_id))
        tokens = {delivery_id: delivery_token(delivery_id, secret) for delivery_id in ids}
        connection.execute(
            update(Delivery)
            .where(Delivery.id == bindparam("b_id"))
            .values(
                state=DeliveryState.SENT,
                sent_at=sent_at,
                message_id=bindparam("b_message_id"),
                verp_token=bindparam("b_verp"),
            )
            .execution_options(synchronize_session=False),
            [
                {
                    "b_id": delivery_id,
                    "b_message_id": f"<{delivery_id}.{sendout_id}@newsroom.example>",
                    "b_verp": token,
                }
                for delivery_id, token in tokens.items()
            ],
        )
    with Session(engine) as session:
        refresh_statistics(session, Contact, Subscription, Delivery)
        session.commit()
    return tokens


@contextmanager
def temporary_database(server_url: str) -> Iterator[Engine]:
    """An engine on a database created on the PostgreSQL server for this run, dropped after."""
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin.url.set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def _recipients(list_id: int):  # type: ignore[no-untyped-def]
    return (
        select(Contact.id, Contact.email)
        .join(Subscription, Subscription.contact_id == Contact.id)
        .where(
            Subscription.list_id == list_id, Subscription.status == SubscriptionStatus.SUBSCRIBED
        )
    )


def orm_rows(engine: Engine, list_id: int, sendout_id: int) -> int:
    """The baseline: read the recipients, add one Delivery object each, flush."""
    with Session(engine) as session:
        rows = session.execute(_recipients(list_id)).all()
        session.add_all(
            Delivery(sendout_id=sendout_id, contact_id=contact_id, email=email)
            for contact_id, email in rows
        )
        session.commit()
    return len(rows)


def set_based(engine: Engine, list_id: int, sendout_id: int) -> int:
    """One INSERT … SELECT: the database builds every row itself."""
    recipients = _recipients(list_id).subquery()
    with engine.begin() as connection:
        connection.execute(
            insert(Delivery).from_select(
                ["sendout_id", "contact_id", "email"],
                select(literal(sendout_id), recipients.c.id, recipients.c.email),
            )
        )
        # Counted, not rowcount: drivers disagree on rowcount for INSERT … SELECT.
        count = select(func.count()).where(Delivery.sendout_id == sendout_id)
        return connection.scalar(count) or 0


def main(
    contacts: int = typer.Option(100_000, help="Recipients in the list."),
    database_url: str = typer.Option(
        "",
        help="PostgreSQL server to measure on (a temporary database is created); default SQLite.",
    ),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    console = Console()
    with ExitStack() as stack:
        if database_url:
            engine = stack.enter_context(temporary_database(database_url))
        else:
            folder = Path(tempfile.mkdtemp(prefix="distributor-bench-"))
            engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
            stack.callback(engine.dispose)
        upgrade(engine)
        list_id, (first, second) = _populate(engine, contacts)
        timings = []
        for label, method, sendout_id in (
            ("ORM objects (baseline)", orm_rows, first),
            ("INSERT … SELECT", set_based, second),
        ):
            started = time.perf_counter()
            rows = method(engine, list_id, sendout_id)
            timings.append((label, rows, time.perf_counter() - started))
        with engine.begin() as connection:
            connection.execute(delete(Delivery))

    baseline = timings[0][2]
    table = Table(title=f"Creating a send-out's deliveries on {engine.dialect.name}")
    for column in ("method", "rows", "seconds", "rows/s", "vs baseline"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for label, rows, seconds in timings:
        table.add_row(
            label,
            f"{rows:,}",
            f"{seconds:.2f}",
            f"{rows / seconds:,.0f}",
            f"{baseline / seconds:.1f}x",
        )
    console.print(table)
    (_, orm_count, orm_seconds), (_, set_count, set_seconds) = timings
    write_summary(
        summary,
        {
            "database": engine.dialect.name,
            "orm_rows_per_s": orm_count / orm_seconds,
            "set_based_rows_per_s": set_count / set_seconds,
        },
    )


if __name__ == "__main__":
    typer.run(main)
