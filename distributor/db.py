"""Engines and sessions for the configured database (PostgreSQL, or SQLite by default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from distributor.config import Settings, normalize_database_url
from distributor.errors import DatabaseUnavailable
from distributor.models import Base, email_hash
from distributor.paths import create_private_file, private_folder


def make_engine(url: URL | str, **options: Any) -> Engine:
    """An engine with the per-dialect settings distributor relies on.

    SQLite gets foreign keys (off by default there), WAL so that the web app,
    workers and beat can share one file, and a busy timeout instead of
    immediate "database is locked" errors.
    """
    url = normalize_database_url(url) if isinstance(url, str) else url
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            private_folder(Path(url.database).parent)
            create_private_file(Path(url.database))  # SQLite gives its -wal and -shm its mode
        engine = create_engine(url, connect_args={"timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options.setdefault("pool_pre_ping", True)
    # Connections are kept, never opened per request: a burst beyond the pool (the web
    # app's threads, say, after a send-out's one-click unsubscribes) waits for one to be
    # free rather than starting a server process per request, which costs more than the
    # request. Twenty at once per process is more than 2 cores run usefully.
    if "poolclass" not in options:  # a NullPool (a heartbeat's) takes no pool sizes
        options.setdefault("pool_size", 20)
        options.setdefault("max_overflow", 0)
    return create_engine(url, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds ASCII only; searches need Cyrillic, Greek… folded too.
    dbapi_connection.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)
    # A suppression's key, computed where the addresses are (bulk suppression of contacts).
    dbapi_connection.create_function("email_hash", 1, _email_hash, deterministic=True)


def _unicode_lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


def _email_hash(email: str | None) -> str | None:
    return email_hash(email) if isinstance(email, str) else email


def engine_from_settings(settings: Settings) -> Engine:
    return make_engine(settings.database)


def describe(url: URL) -> str:
    """The URL as it may appear in messages and logs: never with its password."""
    return url.render_as_string(hide_password=True)


def check_connection(engine: Engine) -> None:
    """Connect once, turning a refused or misconfigured connection into one actionable line."""
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"cannot connect to the database at {describe(engine.url)}: {reason}. "
            "Start the server, or fix DISTRIBUTOR_DATABASE_URL."
        ) from None


def refresh_statistics(session: Session, *tables: type[Base]) -> None:
    """Have PostgreSQL's planner re-count `tables` before set-based work over them.

    Right after a large import the planner still believes the tables are small and
    plans per-batch lookups as full scans; autovacuum would catch up only a minute later.
    """
    if session.get_bind().dialect.name == "postgresql":
        names = ", ".join(model.__tablename__ for model in tables)
        session.execute(text(f"ANALYZE {names}"))
