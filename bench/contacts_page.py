"""The contacts page and its bulk actions with 100,000 contacts, against a trivial admin page.

The target (DESIGN.md, the press officer's desk): with 100,000 contacts on PostgreSQL, the
contacts page answers a search, a filter, a sort and page 1,000 with a p95 under 150 ms,
and a bulk action over 50,000 contacts finishes in under 10 s.

The database holds realistic journalists: names in several scripts, 2,000 outlets, 30
countries and their languages, 1 to 3 of 20 beats each, 5 lists (each contact on 1 to 3),
2 % suppressed, and 10 send-outs whose deliveries were opened or clicked by some. The app
is served by uvicorn as `distributor web` runs it; one signed-in browser asks for each page
in turn (--requests times each), after a warm-up. Measured in the same run:

1. baseline: /admin/me, the smallest page of the admin (same frame, same session check);
2. the contacts page: first page, a search, a filter (list + country + engagement), a
   sort (outlet, descending), page 1,000, a search with filters sorted by name;
3. bulk suppress and bulk add-to-list over the 50,000 contacts of one list, run as the
   page runs them (chunked, a transaction per chunk), against reading the same
   contacts' addresses (the least any action over them must do).

Each database is fresh: SQLite, and with --database-url PostgreSQL too.

    .venv/bin/python bench/contacts_page.py
    .venv/bin/python bench/contacts_page.py --quick
    .venv/bin/python bench/contacts_page.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import random
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, insert, literal, select, text
from sqlalchemy.orm import Session, sessionmaker

from bench.summary import SUMMARY_OPTION, write_summary
from bench.unsubscribe import database, server
from distributor.accounts.passwords import hash_password
from distributor.audit import Actor
from distributor.contacts.bulk import run_bulk, start_bulk
from distributor.contacts.finder import ContactFilter, matching
from distributor.models import (
    BulkAction,
    Channel,
    Contact,
    ContactBeat,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    MailingList,
    Release,
    Role,
    SendOut,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    User,
    email_hash,
    utcnow,
)
from distributor.schema import upgrade

PASSWORD = "bench password"  # noqa: S105 - a throw-away user of a throw-away database
TARGET_P95 = 0.150
TARGET_BULK = 10.0
FIRST = ("Anna", "James", "Léa", "François", "Иван", "Ольга", "Zofia", "Νίκος", "Sarah", "Jürgen")
LAST = ("Smith", "Müller", "Dubois", "Петров", "García", "Wiśniewska", "Taylor", "Núñez", "Berg")
COUNTRIES = (
    ("FR", "fr"), ("DE", "de"), ("GB", "en"), ("US", "en"), ("ES", "es"), ("IT", "it"),
    ("RU", "ru"), ("PL", "pl"), ("GR", "el"), ("PT", "pt"), ("NL", "nl"), ("BE", "fr"),
    ("AT", "de"), ("CH", "de"), ("SE", "sv"), ("NO", "nb"), ("DK", "da"), ("FI", "fi"),
    ("IE", "en"), ("CZ", "cs"), ("HU", "hu"), ("RO", "ro"), ("BG", "bg"), ("HR", "hr"),
    ("UA", "uk"), ("TR", "tr"), ("CA", "en"), ("AU", "en"), ("BR", "pt-BR"), ("MX", "es"),
)  # fmt: skip
BEATS = (
    "politics", "business", "culture", "film", "music", "sport", "science", "health",
    "technology", "education", "environment", "travel", "food", "fashion", "law",
    "energy", "transport", "agriculture", "defence", "religion",
)  # fmt: skip
LISTS = ("national", "regional", "trade", "international", "broadcast")


def populate(engine: Engine, contacts: int, seed: int = 1) -> None:
    """Realistic journalists, their lists, beats, suppressions and reactions; set-based."""
    rng = random.Random(seed)  # noqa: S311 - not a secret
    now = utcnow()
    rows, beats, subscriptions, suppressed = [], [], [], []
    for n in range(1, contacts + 1):
        country, language = COUNTRIES[n % len(COUNTRIES)]
        outlet = f"{rng.choice(('Daily', 'Weekly', 'Radio', 'Tribune', 'Courier'))} {n % 2000}"
        email = f"journalist{n}@outlet{n % 2000}.example"
        rows.append(
            {
                "id": n,
                "email": email,
                "first_name": rng.choice(FIRST),
                "last_name": f"{rng.choice(LAST)}{n % 97 or ''}",
                "outlet": outlet,
                "country": country,
                "language": language,
                "role": rng.choice(("editor", "reporter", "columnist", None)),
                "city": rng.choice(("Paris", "Berlin", "London", "Madrid", None)),
                "attributes": {},
                "created_at": now - timedelta(minutes=contacts - n),
                "updated_at": now,
            }
        )
        beats += [{"contact_id": n, "beat": b} for b in rng.sample(BEATS, rng.randint(1, 3))]
        # The first list holds half of everyone: the bulk actions work on it.
        chosen = {1} if n % 2 else set()
        chosen |= set(rng.sample(range(2, len(LISTS) + 1), rng.randint(0, 2)))
        subscriptions += [
            {
                "list_id": list_id,
                "contact_id": n,
                "status": SubscriptionStatus.SUBSCRIBED
                if rng.random() > 0.05
                else SubscriptionStatus.UNSUBSCRIBED,
                "channel": Channel.IMPORT,
                "created_at": now,
                "changed_at": now,
            }
            for list_id in sorted(chosen)
        ]
        if rng.random() < 0.02:
            suppressed.append(
                {
                    "email_hash": email_hash(email),
                    "email": email,
                    "reason": rng.choice(list(SuppressionReason)),
                    "created_at": now,
                }
            )
    with Session(engine) as session:
        session.add_all(MailingList(slug=slug, name=slug.title()) for slug in LISTS)
        release = Release(slug="bench")
        session.add(release)
        session.add(
            User(
                email="bench@press.example", role=Role.ADMIN, password_hash=hash_password(PASSWORD)
            )
        )
        session.flush()
        sendouts = [SendOut(release_id=release.id) for _ in range(10)]
        session.add_all(sendouts)
        session.commit()
        sendout_ids = [s.id for s in sendouts]
    with engine.begin() as connection:
        for table, values in (
            (Contact, rows),
            (ContactBeat, beats),
            (Subscription, subscriptions),
            (Suppression, suppressed),
        ):
            for start in range(0, len(values), 10_000):
                connection.execute(insert(table), values[start : start + 10_000])
        for number, sendout_id in enumerate(sendout_ids):
            connection.execute(
                insert(Delivery).from_select(
                    ["sendout_id", "contact_id", "email", "state", "sent_at"],
                    select(
                        literal(sendout_id),
                        Contact.id,
                        Contact.email,
                        literal(DeliveryState.SENT.value),
                        literal(now - timedelta(days=number * 20)),
                    ).where(Contact.id % 10 == number),
                )
            )
        reactions = [
            {
                "delivery_id": delivery_id,
                "kind": rng.choice((DeliveryEventKind.OPENED, DeliveryEventKind.CLICKED)),
                "at": sent_at + timedelta(hours=1),
                "data": {},
            }
            for delivery_id, sent_at in connection.execute(select(Delivery.id, Delivery.sent_at))
            if rng.random() < 0.3
        ]
        for start in range(0, len(reactions), 10_000):
            connection.execute(insert(DeliveryEvent), reactions[start : start + 10_000])
    if engine.dialect.name == "postgresql":
        # A database in use has been vacuumed: visibility maps let indexes answer alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


# The pages measured: what a press officer asks the contacts page for.
PAGES = (
    ("first page", "/admin/contacts"),
    ("search 'müller'", "/admin/contacts?text=m%C3%BCller"),
    ("search an outlet", "/admin/contacts?text=tribune+17"),
    ("filter list+country+engaged", "/admin/contacts?list_slug=national&country=FR&engagement=active"),
    ("filter suppressed", "/admin/contacts?status=suppressed"),
    ("filter beat+language", "/admin/contacts?beat=film&language=de"),
    ("sort outlet desc", "/admin/contacts?sort=outlet&direction=desc"),
    ("page 1,000", "/admin/contacts?page=1000"),
    ("page 1,000 by name", "/admin/contacts?sort=name&page=1000"),
    ("search+filter+sort", "/admin/contacts?text=anna&list_slug=trade&sort=added&direction=desc"),
)  # fmt: skip
BASELINE = ("baseline: /admin/me", "/admin/me")


@dataclass(frozen=True)
class Timing:
    label: str
    latencies: list[float]  # sorted

    def percentile(self, fraction: float) -> float:
        return self.latencies[min(len(self.latencies) - 1, int(fraction * len(self.latencies)))]


def measure_pages(port: int, requests: int) -> list[Timing]:
    """Each page `requests` times in turn, after a warm-up of each; every answer must be a 200."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        signed = client.post(
            "/admin/login", data={"email": "bench@press.example", "password": PASSWORD}
        )
        assert signed.status_code == 303, signed.text[:500]
        latencies: dict[str, list[float]] = {label: [] for label, _ in (BASELINE, *PAGES)}
        for label, path in (BASELINE, *PAGES):
            answer = client.get(path)
            assert answer.status_code == 200, f"{label}: {answer.status_code} {answer.text[:300]}"
        for _ in range(requests):
            for label, path in (BASELINE, *PAGES):
                started = time.perf_counter()
                answer = client.get(path)
                latencies[label].append(time.perf_counter() - started)
                assert answer.status_code == 200, f"{label}: {answer.status_code}"
    return [Timing(label, sorted(values)) for label, values in latencies.items()]


@dataclass(frozen=True)
class BulkTiming:
    action: str
    contacts: int
    changed: int
    seconds: float
    read_seconds: float  # reading the same contacts' addresses


def measure_bulk(engine: Engine) -> list[BulkTiming]:
    """Suppress, then add to a list, the contacts of the list "national", as the page runs it."""
    sessions = sessionmaker(engine)
    actor = Actor("bench", Role.ADMIN)
    wanted = ContactFilter(list_slug="national")
    timings = []
    for action, slug, reason in (
        (BulkAction.ADD_TO_LIST, "broadcast", None),
        (BulkAction.SUPPRESS, None, "bench: the desk closed"),
    ):
        started = time.perf_counter()
        with sessions() as session:
            emails = session.scalars(select(Contact.email).where(matching(session, wanted))).all()
        read = time.perf_counter() - started
        started = time.perf_counter()
        with sessions.begin() as session:
            job_id = start_bulk(session, action, wanted, actor, list_slug=slug, reason=reason).id
        done = run_bulk(sessions, job_id)
        seconds = time.perf_counter() - started
        assert done.processed == len(emails), (done.processed, len(emails), done.error)
        timings.append(BulkTiming(action.value, done.processed, done.changed, seconds, read))
    return timings


def main(
    contacts: int = typer.Option(100_000, help="Contacts in the database."),
    requests: int = typer.Option(40, help="Times each page is asked for."),
    quick: bool = typer.Option(False, help="10,000 contacts, 10 requests a page."),
    database_url: str = typer.Option(
        "",
        envvar="BENCH_DATABASE_URL",
        help="PostgreSQL server to measure on too (a temporary database is created).",
    ),
    sqlite: bool = typer.Option(True, help="Measure on SQLite too (--no-sqlite: PostgreSQL only)."),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    if quick:
        contacts, requests = min(contacts, 10_000), min(requests, 10)
    console = Console()
    results = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="distributor-bench-")))
        for server_url in [*([""] if sqlite else []), *([database_url] if database_url else [])]:
            engine = stack.enter_context(database(server_url, folder))
            upgrade(engine)
            started = time.perf_counter()
            populate(engine, contacts)
            console.print(
                f"{engine.dialect.name}: {contacts:,} contacts populated in "
                f"{time.perf_counter() - started:,.1f} s"
            )
            with server(engine, folder, 1) as port:
                pages = measure_pages(port, requests)
            bulk = measure_bulk(engine)
            results.append((engine.dialect.name, pages, bulk))
            console.print(report(engine.dialect.name, contacts, pages, bulk))
    write_summary(
        summary,
        {
            "contacts": contacts,
            "databases": [
                {
                    "database": name,
                    "baseline_p95_seconds": pages[0].percentile(0.95),
                    "pages": {t.label: t.percentile(0.95) for t in pages[1:]},
                    "bulk": [vars(b) for b in bulk],
                }
                for name, pages, bulk in results
            ],
        },
    )


def report(database: str, contacts: int, pages: list[Timing], bulk: list[BulkTiming]) -> Table:
    baseline = pages[0].percentile(0.95)
    table = Table(title=f"contacts page, {contacts:,} contacts, {database}")
    for column in ("what", "p50", "p95", "baseline p95", "ratio", f"< {TARGET_P95 * 1000:.0f} ms"):
        table.add_column(column, justify="left" if column == "what" else "right")
    for timing in pages:
        p95 = timing.percentile(0.95)
        table.add_row(
            timing.label,
            f"{timing.percentile(0.5) * 1000:,.1f} ms",
            f"{p95 * 1000:,.1f} ms",
            f"{baseline * 1000:,.1f} ms",
            f"{p95 / baseline:,.1f}x",
            "yes" if p95 < TARGET_P95 else "NO",
        )
    for b in bulk:
        table.add_row(
            f"bulk {b.action}, {b.contacts:,} contacts ({b.changed:,} changed)",
            "",
            f"{b.seconds:,.2f} s",
            f"{b.read_seconds:,.2f} s read",
            f"{b.seconds / b.read_seconds:,.1f}x",
            "yes" if b.seconds < TARGET_BULK else "NO",
        )
    return table


if __name__ == "__main__":
    typer.run(main)
