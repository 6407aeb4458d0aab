"""How fast a contact file imports, and whether memory stays flat as the file grows.

DESIGN.md asks for a 100,000-contact import in seconds with memory flat in the
file's size. Each size is a synthetic file (names, duplicates, invalid and
display-name addresses) imported into a fresh database, in a process of its
own so that its peak RSS is its own. The floor, measured on the same file in
the same run, is a bare csv.reader pass: what reading alone costs. Between the
two, distributor's reader (detection, line tracking, recovery) without the
cleaning and the database. The baseline for each database is a bare load of the
same file into a table of text columns with no index (PostgreSQL's COPY of the
CSV, SQLite's executemany of csv.reader's rows): what the database's own bulk
load costs, without validation, dedupe or subscriptions.

    .venv/bin/python bench/import_contacts.py
    .venv/bin/python bench/import_contacts.py --million
    .venv/bin/python bench/import_contacts.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from bench.summary import SUMMARY_OPTION, write_summary
from distributor.audit import SYSTEM
from distributor.contacts.importing import import_contacts
from distributor.contacts.importing.readers import open_source
from distributor.contacts.lists import create_list
from distributor.contacts.synthetic import write_contacts
from distributor.db import make_engine
from distributor.schema import upgrade

CHILD = "--child"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(kind: str, path: str, database_url: str) -> None:
    """One measurement in this process; prints seconds and peak RSS as JSON."""
    file = Path(path)
    result: dict[str, Any] = {}
    if kind == "floor":
        started = time.perf_counter()
        with file.open(encoding="utf-8", newline="") as stream:
            rows = sum(1 for _ in csv.reader(stream)) - 1
    elif kind == "reader":
        started = time.perf_counter()
        with open_source(file) as source:
            rows = sum(1 for _ in source.rows)
    elif kind == "load":
        engine = make_engine(database_url)
        started = time.perf_counter()
        with engine.begin() as connection:
            rows = _bare_load(connection, file)
        engine.dispose()
    else:
        engine = make_engine(database_url)
        upgrade(engine)
        with Session(engine) as session, session.begin():
            create_list(session, "bench", SYSTEM)
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            report = import_contacts(session, file, "bench", SYSTEM)
        rows = report.rows
        result = {"created": report.created, "invalid": report.invalid}
        engine.dispose()
    seconds = time.perf_counter() - started
    print(json.dumps(result | {"rows": rows, "seconds": seconds, "peak_mb": _peak_mb()}))


def _bare_load(connection: Connection, file: Path) -> int:
    """The file's rows into a new table of text columns, as the database bulk-loads them."""
    with file.open(encoding="utf-8", newline="") as stream:
        width = len(next(csv.reader(stream)))
    table = sa.Table(
        "bare_load", sa.MetaData(), *(sa.Column(f"c{i}", sa.Text) for i in range(width))
    )
    table.create(connection)
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor:
            copying = "COPY bare_load FROM STDIN (FORMAT csv, HEADER true)"
            with cursor.copy(copying) as copy, file.open("rb") as stream:
                while block := stream.read(1 << 20):
                    copy.write(block)
            return int(cursor.rowcount)
    with file.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        next(reader)
        return int(driver.executemany(str(sa.insert(table).compile(connection)), reader).rowcount)


def _measure(kind: str, path: Path, database_url: str = "") -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, CHILD, kind, str(path), database_url],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _postgres_database(server_url: str) -> tuple[str, str]:
    """A fresh database on the server: (its URL, its name)."""
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"bench_import_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return url, name


def _drop(server_url: str, name: str) -> None:
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _rates(runs: list[tuple[str, dict[str, Any]]], method: str) -> dict[str, float]:
    """Rows per second of the runs of one method, by database."""
    return {
        label.removeprefix(method).lower(): run["rows"] / run["seconds"]
        for label, run in runs
        if label.startswith(method)
    }


ROWS_OPTION = typer.Option([10_000, 100_000], "--rows", help="File sizes (repeatable).")


def main(
    rows: list[int] = ROWS_OPTION,
    million: bool = typer.Option(False, "--million", help="Also import 1,000,000 rows (minutes)."),
    database_url: str = typer.Option(
        "", help="Also measure on this PostgreSQL server (a temporary database per size)."
    ),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    console = Console()
    figures: list[dict[str, Any]] = []
    sizes = sorted({*rows, *([1_000_000] if million else [])})
    folder = Path(tempfile.mkdtemp(prefix="distributor-bench-import-"))
    table = Table(title="Importing a contact CSV (validation, dedupe, subscription)")
    for column in ("rows", "method", "seconds", "rows/s", "peak RSS MB", "vs floor"):
        table.add_column(column, justify="left" if column == "method" else "right")
    for size in sizes:
        path = folder / f"contacts-{size}.csv"
        written = write_contacts(path, size, seed=size)
        console.print(
            f"{size:,} rows: {path.stat().st_size / 1e6:.1f} MB, {written.distinct:,} distinct, "
            f"{written.duplicates:,} duplicates, {written.invalid:,} invalid"
        )
        runs = [
            ("csv.reader (floor)", _measure("floor", path)),
            ("distributor reader only", _measure("reader", path)),
            (
                "bare load, SQLite",
                _measure("load", path, f"sqlite:///{folder / f'{size}-load.sqlite3'}"),
            ),
            ("import, SQLite", _measure("import", path, f"sqlite:///{folder / f'{size}.sqlite3'}")),
        ]
        if database_url:
            for kind, label in (
                ("load", "bare load, PostgreSQL"),
                ("import", "import, PostgreSQL"),
            ):
                url, name = _postgres_database(database_url)
                try:
                    runs.append((label, _measure(kind, path, url)))
                finally:
                    _drop(database_url, name)
        floor = runs[0][1]["seconds"]
        figures.append(
            {
                "rows": size,
                "floor_rows_per_s": runs[0][1]["rows"] / floor,
                "import_rows_per_s": _rates(runs, "import, "),
                "load_rows_per_s": _rates(runs, "bare load, "),
                "peak_mb": {label: run["peak_mb"] for label, run in runs},
            }
        )
        for label, run in runs:
            seconds = run["seconds"]
            table.add_row(
                f"{size:,}",
                label,
                f"{seconds:.2f}",
                f"{run['rows'] / seconds:,.0f}",
                f"{run['peak_mb']:.0f}",
                f"{seconds / floor:.0f}x",
            )
        path.unlink()
    console.print(table)
    write_summary(summary, {"sizes": figures})


if __name__ == "__main__":
    if sys.argv[1:2] == [CHILD]:
        child(*sys.argv[2:5])
    else:
        typer.run(main)
