"""How long the dashboard and a send-out's report take to answer with a real office's history,
against the app's cheapest route measured in the same run.

The target is a p95 under 150 ms on PostgreSQL with 100,000 contacts and 200
send-outs. The history is written set-based: contacts of 400 outlets in 20
countries; send-outs two days apart (the last few still to go), each to a slice of
the contacts (--recipients on average, from a quarter to one and three quarters of
it), with what journalists do: delivered, bounced (with a reason), failed,
skipped; opened, clicked one of three links, replied, unsubscribed, complained.
Then a press officer logs in and each page is requested --requests times in this
process (the ASGI app through Starlette's test client, no network), after one request to warm up:

1. GET /healthz: the baseline, one connection checkout;
2. the dashboard over 30 days and over 90 days;
3. the send-out list;
4. the report of the largest send-out, its recipients filtered by state and a
   search, and its 20th page of recipients.

    .venv/bin/python bench/admin_pages.py
    .venv/bin/python bench/admin_pages.py --quick
    .venv/bin/python bench/admin_pages.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/admin_pages.py --no-sqlite --database-url postgresql://…
"""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import typer
from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, case, func, insert, literal, select
from sqlalchemy.orm import Session

from bench.deliveries import temporary_database
from bench.summary import SUMMARY_OPTION, write_summary
from distributor.accounts.passwords import hash_password
from distributor.config import load_settings
from distributor.db import make_engine
from distributor.models import (
    BounceClass,
    BounceRecord,
    BounceSource,
    Contact,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Release,
    ReleaseVersion,
    Role,
    SendOut,
    SendOutState,
    User,
)
from distributor.schema import upgrade
from distributor.web.app import create_app

OFFICER, PASSWORD = "desk@press.example", "correct horse battery staple"
OUTLETS, COUNTRIES = 400, ("FR", "DE", "GB", "IT", "ES", "NL", "BE", "AT", "CH", "SE") * 2
LINKS = ("https://ministry.example/dossier", "https://ministry.example/photos", "https://x.example")
UPCOMING = 5  # of the send-outs, still to go
TARGET_P95 = 0.150


def _contacts(engine: Engine, count: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(Contact),
            [
                {
                    "email": f"journalist{i}@outlet{i % OUTLETS}.example",
                    "first_name": f"Name{i % 997}",
                    "last_name": f"Surname{i % 1009}",
                    "outlet": f"Outlet {i % OUTLETS}",
                    "country": COUNTRIES[i % len(COUNTRIES)],
                }
                for i in range(count)
            ],
        )


def _sendouts(engine: Engine, count: int, now: datetime) -> list[tuple[int, datetime | None]]:
    """`count` send-outs two days apart, the newest UPCOMING still to go; (id, started_at) each."""
    with Session(engine) as session:
        release = Release(slug="bench", embargo_until=now + timedelta(days=1))
        release.versions.append(
            ReleaseVersion(language="en", title="Research fleet launched", body_markdown=".")
        )
        sendouts = []
        for n in range(count):
            at = now - timedelta(days=2 * (count - UPCOMING - n), hours=3)
            started = at if at < now else None
            sendouts.append(
                SendOut(
                    release=release,
                    state=SendOutState.COMPLETED if started else SendOutState.SCHEDULED,
                    scheduled_at=at,
                    started_at=started,
                    finished_at=started + timedelta(minutes=20) if started else None,
                    track_opens=n % 4 != 0,
                    track_clicks=True,
                )
            )
        session.add_all([release, *sendouts])
        session.add(
            User(email=OFFICER, role=Role.PRESS_OFFICER, password_hash=hash_password(PASSWORD))
        )
        session.commit()
        return [(s.id, s.started_at) for s in sendouts]


def _deliveries(
    engine: Engine, sendouts: list[tuple[int, datetime | None]], contacts: int, recipients: int
) -> None:
    """Each started send-out to a slice of the contacts, in one INSERT … SELECT each."""
    outcome = case(
        (Contact.id % 100 < 4, DeliveryState.BOUNCED.value),
        (Contact.id % 100 == 4, DeliveryState.FAILED.value),
        (Contact.id % 100 < 7, DeliveryState.SKIPPED.value),
        else_=DeliveryState.SENT.value,
    )
    with engine.begin() as connection:
        for n, (sendout_id, started_at) in enumerate(sendouts):
            if started_at is None:
                continue
            size = recipients * (1 + n % 7) // 4
            first = (n * 7919) % max(contacts - size, 1)
            connection.execute(
                insert(Delivery).from_select(
                    ["sendout_id", "contact_id", "email", "state", "sent_at"],
                    select(
                        literal(sendout_id),
                        Contact.id,
                        Contact.email,
                        outcome,
                        literal(started_at, Delivery.sent_at.type),
                    ).where(Contact.id > first, Contact.id <= first + size),
                )
            )


def _reactions(engine: Engine) -> None:
    """What journalists did, a few INSERT … SELECT over the deliveries."""
    sent = Delivery.state == DeliveryState.SENT
    reactions = (
        (DeliveryEventKind.OPENED, sent & (Delivery.id % 10 < 3) & SendOut.track_opens, None),
        *(
            (DeliveryEventKind.CLICKED, sent & (Delivery.id % 20 == n), literal(url))
            for n, url in enumerate(LINKS)
        ),
        (DeliveryEventKind.CLICKED, sent & (Delivery.id % 20 == 0), literal(LINKS[0])),
        (DeliveryEventKind.REPLIED, sent & (Delivery.id % 100 == 7), None),
        (DeliveryEventKind.UNSUBSCRIBED, sent & (Delivery.id % 200 == 3), None),
        (DeliveryEventKind.COMPLAINED, sent & (Delivery.id % 1000 == 5), None),
    )
    with engine.begin() as connection:
        for kind, where, url in reactions:
            at = SendOut.started_at  # an hour after would need dialect-specific arithmetic
            connection.execute(
                insert(DeliveryEvent).from_select(
                    ["delivery_id", "kind", "at", "detail", "data"],
                    select(
                        Delivery.id,
                        literal(kind.value),
                        at,
                        url if url is not None else literal(None, DeliveryEvent.detail.type),
                        literal({}, DeliveryEvent.data.type),
                    )
                    .join(SendOut, SendOut.id == Delivery.sendout_id)
                    .where(where),
                )
            )
        reason = case(
            (Delivery.id % 3 == 0, "userunknown"),
            (Delivery.id % 3 == 1, "mailboxfull"),
            else_="blocked",
        )
        connection.execute(
            insert(BounceRecord).from_select(
                ["delivery_id", "recipient", "source", "classification", "reason", "raw_size"],
                select(
                    Delivery.id,
                    Delivery.email,
                    literal(BounceSource.RECEIVER.value),
                    literal(BounceClass.HARD.value),
                    reason,
                    literal(0),
                ).where(Delivery.state == DeliveryState.BOUNCED),
            )
        )
    if engine.dialect.name == "postgresql":
        # As autovacuum leaves a table that has settled: counted, and its index-only scans
        # free of heap visits.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def _largest(engine: Engine) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                select(Delivery.sendout_id, func.count())
                .group_by(Delivery.sendout_id)
                .order_by(func.count().desc())
                .limit(1)
            ).one()[0]
        )


def _timings(client: httpx.Client, path: str, requests: int) -> list[float]:
    client.get(path).raise_for_status()  # warm up
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code}")
    return seconds


def _p95(seconds: list[float]) -> float:
    return statistics.quantiles(seconds, n=20, method="inclusive")[-1]


def measure(
    engine: Engine, folder: Path, contacts: int, sendouts: int, recipients: int, requests: int
) -> dict[str, object]:
    now = datetime.now(UTC)
    upgrade(engine)
    started = time.perf_counter()
    _contacts(engine, contacts)
    made = _sendouts(engine, sendouts, now)
    _deliveries(engine, made, contacts, recipients)
    _reactions(engine)
    seeded = time.perf_counter() - started
    with Session(engine) as session:
        rows = {
            "deliveries": session.scalar(select(func.count(Delivery.id))),
            "events": session.scalar(select(func.count(DeliveryEvent.id))),
        }
    largest = _largest(engine)
    settings = load_settings(
        {
            "DISTRIBUTOR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "DISTRIBUTOR_DATA_DIR": str(folder / "data"),
            "DISTRIBUTOR_SECRET_KEY": "bench-secret-0123456789abcdef0123456789",
        }
    )
    app = create_app(settings)
    report = f"/admin/sendouts/{largest}/report"
    pages = {
        "healthz": "/healthz",
        "dashboard, 30 days": "/admin",
        "dashboard, 90 days": "/admin?days=90",
        "send-out list": "/admin/sendouts",
        "report": report,
        "report, filtered": f"{report}?state=clicked&q=outlet+1",
        "report, page 20": f"{report}?page=20",
    }
    found: dict[str, list[float]] = {}
    with TestClient(app, follow_redirects=False) as client:
        login = client.post("/admin/login", data={"email": OFFICER, "password": PASSWORD})
        if login.status_code != 303:
            raise RuntimeError(f"login: {login.status_code}")
        for name, path in pages.items():
            found[name] = _timings(client, path, requests)
    app.state.distributor.engine.dispose()
    return {
        "database": engine.dialect.name,
        "contacts": contacts,
        "sendouts": sendouts,
        "seed_seconds": seeded,
        **rows,
        "pages": {
            name: {"p50_seconds": statistics.median(times), "p95_seconds": _p95(times)}
            for name, times in found.items()
        },
    }


def main(
    contacts: int = typer.Option(100_000, help="Contacts in the address book."),
    sendouts: int = typer.Option(200, help="Send-outs, two days apart."),
    recipients: int = typer.Option(2_000, help="Recipients of a send-out, on average."),
    requests: int = typer.Option(40, help="Requests of each page."),
    quick: bool = typer.Option(
        False, "--quick", help="10,000 contacts, 40 send-outs, 15 requests."
    ),
    database_url: str = typer.Option(
        "",
        help="PostgreSQL server to measure on too (a temporary database is created); default SQLite only.",
    ),
    sqlite: bool = typer.Option(True, help="Measure on SQLite too (--no-sqlite: PostgreSQL only)."),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    if quick:
        contacts, sendouts, recipients, requests = 10_000, 40, 500, 15
    console = Console()
    results = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="distributor-bench-")))
        engines = [make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")] if sqlite else []
        for engine in engines:
            stack.callback(engine.dispose)
        if database_url:
            engines.append(stack.enter_context(temporary_database(database_url)))
        for engine in engines:
            results.append(measure(engine, folder, contacts, sendouts, recipients, requests))
    for result in results:
        table = Table(
            title=f"Admin pages on {result['database']}: {result['contacts']:,} contacts, "
            f"{result['sendouts']} send-outs, {result['deliveries']:,} deliveries, "
            f"{result['events']:,} events (seeded in {result['seed_seconds']:.0f} s)"
        )
        for column in ("page", "p50 ms", "p95 ms", "p95 vs /healthz"):
            table.add_column(column, justify="left" if column == "page" else "right")
        pages = result["pages"]
        assert isinstance(pages, dict)
        baseline = pages["healthz"]["p95_seconds"]
        for name, figures in pages.items():
            table.add_row(
                name,
                f"{figures['p50_seconds'] * 1000:,.1f}",
                f"{figures['p95_seconds'] * 1000:,.1f}",
                f"{figures['p95_seconds'] / baseline:,.1f}x",
            )
        console.print(table)
    console.print(f"Target: p95 < {TARGET_P95 * 1000:.0f} ms on PostgreSQL for each page.")
    write_summary(summary, {"databases": results})


if __name__ == "__main__":
    typer.run(main)
