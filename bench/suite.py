"""All of bench/ in one command: each benchmark in a process of its own, their key figures in one table.

Each script runs as it would alone, with `--summary FILE`; its own tables go to a
log file, and the figures it wrote are gathered into one table: each figure, the
baseline measured in the same run, and their ratio. The machine it ran on is
printed above the table. BENCH_DATABASE_URL and BENCH_REDIS_URL name the
PostgreSQL and Redis servers as for each script (PostgreSQL figures beside the
SQLite ones; bench/sending.py starts throw-away servers without them).

    .venv/bin/python bench/suite.py              # the sizes DESIGN.md speaks of (tens of minutes)
    .venv/bin/python bench/suite.py --quick      # smaller sizes, a few minutes
    .venv/bin/python bench/suite.py --markdown   # the table as Markdown, for the README
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from bench.summary import read_summary
from distributor.db import make_engine

BENCH = Path(__file__).resolve().parent
COLUMNS = ("figure", "measured", "baseline (same run)", "ratio")
LEGEND = (
    "ratio: measured / baseline. Targets: send ≥ 0.5x (DESIGN.md; 1.0x aimed for), render ≥ 100x "
    "cheaper, bounce intake ≥ 1,000 msg/s, bounce corpus ≥ 2,000 msg/s parsed and classified "
    "(CPU time), ≤ 2 % wrongly hard, ≤ 5 % missed, ≤ 5 % unknown, ≥ 80 % reasons agree, "
    "≥ 95 % addresses found, unsubscribe ≥ 500 req/s with p99 < 50 ms, worker "
    "memory flat in the list's size, admin pages and contacts page p95 < 150 ms and a bulk "
    "action over 50,000 contacts < 10 s on PostgreSQL, each everyday CLI command ≤ 0.5 s of CPU."
)

Summary = Mapping[str, Any]


@dataclass(frozen=True)
class Benchmark:
    """One script of bench/ and its arguments for a full and a quick run."""

    name: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    takes_database_url: bool = False  # its --database-url reads no environment variable

    def command(self, quick: bool, database_url: str, summary: Path) -> list[str]:
        server = (
            ["--database-url", database_url] if self.takes_database_url and database_url else []
        )
        arguments = self.quick if quick else self.full
        script = str(BENCH / f"{self.name}.py")
        return [sys.executable, script, *arguments, *server, "--summary", str(summary)]


BENCHMARKS = (
    Benchmark("import_contacts", (), ("--rows", "10000"), takes_database_url=True),
    Benchmark("rendering", (), ("--recipients", "2000", "--naive-recipients", "20")),
    Benchmark(
        "sending",
        ("--memory",),
        ("--recipients", "2000", "--memory", "--memory-recipients", "10000"),
    ),
    Benchmark("bounces", (), ("--contacts", "2000", "--messages", "500")),
    Benchmark("bounce_corpus", (), ("--seconds", "1")),
    Benchmark("unsubscribe", (), ("--contacts", "1000")),
    Benchmark("deliveries", (), ("--contacts", "10000"), takes_database_url=True),
    Benchmark("contacts_page", (), ("--quick",), takes_database_url=True),
    Benchmark("admin_pages", (), ("--quick",), takes_database_url=True),
    Benchmark("dkim_signing", (), ("--signatures", "200")),
    Benchmark("cli_startup", (), ("--runs", "3")),
)


@dataclass(frozen=True)
class Figure:
    """One row of the table, formatted."""

    name: str
    measured: str
    baseline: str = ""
    ratio: str = ""


def _import(summary: Summary) -> list[Figure]:
    return [
        Figure(
            f"import, {size['rows']:,} rows, {database}",
            f"{rate:,.0f} rows/s",
            f"{size['load_rows_per_s'][database]:,.0f} rows/s bare load",
            f"{rate / size['load_rows_per_s'][database]:.3f}x",
        )
        for size in summary["sizes"]
        for database, rate in size["import_rows_per_s"].items()
    ]


def _rendering(summary: Summary) -> list[Figure]:
    fill_in, naive = summary["fill_in_seconds"], summary["naive_seconds"]
    return [
        Figure(
            "render cost per recipient (fill-in)",
            f"{fill_in * 1e6:,.1f} µs",
            f"{naive * 1e6:,.0f} µs naive render",
            f"{naive / fill_in:,.0f}x cheaper",
        )
    ]


def _sending(summary: Summary) -> list[Figure]:
    sizes = summary["sizes"]
    first = sizes[0]
    figures = [
        Figure(
            f"send end to end, {first['recipients']:,} recipients",
            f"{first['messages_per_s']:,.0f} msg/s",
            f"{first['smtplib_messages_per_s']:,.0f} msg/s bare smtplib",
            f"{first['messages_per_s'] / first['smtplib_messages_per_s']:.2f}x",
        )
    ]
    if signed := summary.get("signed"):
        figures.append(
            Figure(
                f"send end to end, {signed['recipients']:,} recipients, every message DKIM-signed",
                f"{signed['messages_per_s']:,.0f} msg/s",
                f"{signed['smtplib_messages_per_s']:,.0f} msg/s bare smtplib, unsigned",
                f"{signed['messages_per_s'] / signed['smtplib_messages_per_s']:.2f}x",
            )
        )
    smallest = _largest_process_mb(first)
    for size in sizes:
        peak = _largest_process_mb(size)
        later = size is not first
        figures.append(
            Figure(
                f"worker peak RSS, {size['recipients']:,} recipients",
                f"{peak:,.0f} MB",
                f"{smallest:,.0f} MB at {first['recipients']:,}" if later else "",
                f"{peak / smallest:.2f}x" if later else "",
            )
        )
    return figures


def _largest_process_mb(size: Summary) -> float:
    """The largest VmHWM among the worker's processes (main and pool), in MB."""
    return float(max(size["peak_rss_kb"].values())) / 1024


def _bounces(summary: Summary) -> list[Figure]:
    floor = summary["message_from_bytes_per_s"]
    return [
        Figure(
            f"bounce intake, {receiver['database']} ({receiver['processes']} intake process(es))",
            f"{receiver['messages_per_s']:,.0f} msg/s",
            f"{floor:,.0f} msg/s message_from_bytes",
            f"{receiver['messages_per_s'] / floor:.2f}x",
        )
        for receiver in summary["receiver"]
    ]


def _bounce_corpus(summary: Summary) -> list[Figure]:
    if "skipped" in summary:
        return [Figure("bounce corpus", summary["skipped"])]
    rate, floor = summary["messages_per_s"], summary["mime_only_messages_per_s"]
    rows = f"{summary['rows']} rows"
    return [
        Figure(
            f"bounce corpus: parse + classify ({summary['messages']} messages)",
            f"{rate:,.0f} msg/s",
            f"{floor:,.0f} msg/s message_from_bytes",
            f"{rate / floor:.2f}x",
        ),
        Figure(f"bounce corpus: wrongly hard ({rows})", f"{summary['wrongly_hard_pct']} %"),
        Figure("bounce corpus: dead addresses missed", f"{summary['missed_hard_pct']} %"),
        Figure("bounce corpus: reason unknown", f"{summary['unknown_pct']} %"),
        Figure("bounce corpus: reason agrees", f"{summary['reason_agrees_pct']} %"),
        Figure("bounce corpus: address found", f"{summary['address_found_pct']} %"),
        Figure("bounce corpus: crashes", str(summary["crashes"])),
    ]


def _unsubscribe(summary: Summary) -> list[Figure]:
    figures = []
    for database in summary["databases"]:
        offered = database["offered"]
        pace = "as fast as answered" if offered is None else f"{offered:,.0f}/s offered"
        rate, p99 = database["requests_per_s"], database["p99_seconds"]
        health_rate, health_p99 = (
            database["healthz_requests_per_s"],
            database["healthz_p99_seconds"],
        )
        figures += [
            Figure(
                f"unsubscribe rate, {database['database']} ({pace})",
                f"{rate:,.0f} req/s",
                f"{health_rate:,.0f} req/s /healthz",
                f"{rate / health_rate:.2f}x",
            ),
            Figure(
                f"unsubscribe p99, {database['database']} ({pace})",
                f"{p99 * 1000:,.1f} ms",
                f"{health_p99 * 1000:,.1f} ms /healthz",
                f"{p99 / health_p99:.1f}x",
            ),
        ]
        figures += [
            Figure(f"unsubscribe problem, {database['database']}", p) for p in database["problems"]
        ]
    return figures


def _deliveries(summary: Summary) -> list[Figure]:
    rate, orm = summary["set_based_rows_per_s"], summary["orm_rows_per_s"]
    return [
        Figure(
            f"deliveries created, {summary['database']}",
            f"{rate:,.0f} rows/s",
            f"{orm:,.0f} rows/s ORM objects",
            f"{rate / orm:.1f}x",
        )
    ]


def _contacts_page(summary: Summary) -> list[Figure]:
    figures = []
    for database in summary["databases"]:
        name, baseline = database["database"], database["baseline_p95_seconds"]
        figures += [
            Figure(
                f"contacts page p95, {label}, {summary['contacts']:,} contacts, {name}",
                f"{p95 * 1000:,.0f} ms",
                f"{baseline * 1000:,.0f} ms /admin/me",
                f"{p95 / baseline:.1f}x",
            )
            for label, p95 in database["pages"].items()
        ]
        figures += [
            Figure(
                f"bulk {bulk['action']}, {bulk['contacts']:,} contacts, {name}",
                f"{bulk['seconds']:,.2f} s",
                f"{bulk['read_seconds']:,.2f} s reading them",
                f"{bulk['seconds'] / bulk['read_seconds']:.1f}x",
            )
            for bulk in database["bulk"]
        ]
    return figures


def _admin_pages(summary: Summary) -> list[Figure]:
    figures = []
    for database in summary["databases"]:
        pages = database["pages"]
        baseline = pages["healthz"]["p95_seconds"]
        figures += [
            Figure(
                f"{name} p95, {database['database']} ({database['contacts']:,} contacts, "
                f"{database['sendouts']} send-outs)",
                f"{page['p95_seconds'] * 1000:,.1f} ms",
                f"{baseline * 1000:,.1f} ms /healthz",
                f"{page['p95_seconds'] / baseline:,.1f}x",
            )
            for name, page in pages.items()
            if name != "healthz"
        ]
    return figures


def _dkim_signing(summary: Summary) -> list[Figure]:
    ours, dkimpy = summary["ours_seconds"], summary["dkimpy_seconds"]
    floor, both = summary["rsa_floor_seconds"], summary["both_seconds"]
    size = f"{summary['message_bytes'] / 1000:,.0f} KB message"
    return [
        Figure(
            f"DKIM signature, rsa-sha256 2048-bit, {size}",
            f"{ours * 1000:,.2f} ms ({1 / ours:,.0f}/s)",
            f"{dkimpy * 1000:,.2f} ms dkimpy",
            f"{dkimpy / ours:,.0f}x faster",
        ),
        Figure(
            "DKIM signature against its RSA operation",
            f"{ours * 1000:,.2f} ms",
            f"{floor * 1000:,.2f} ms one RSA-2048 signature alone",
            f"{ours / floor:.2f}x",
        ),
        Figure(
            "DKIM signatures, rsa-sha256 + ed25519-sha256",
            f"{both * 1000:,.2f} ms",
            f"{ours * 1000:,.2f} ms rsa-sha256 alone",
            f"{both / ours:.2f}x",
        ),
    ]


def _cli_startup(summary: Summary) -> list[Figure]:
    baseline = summary["baselines"]["import sqlalchemy"]
    return [
        Figure(
            f"CLI CPU, {command}",
            f"{seconds:.2f} s",
            f"{baseline:.2f} s import sqlalchemy",
            f"{seconds / baseline:.2f}x",
        )
        for command, seconds in summary["commands"].items()
    ]


FIGURES: dict[str, Callable[[Summary], list[Figure]]] = {
    "import_contacts": _import,
    "rendering": _rendering,
    "sending": _sending,
    "bounces": _bounces,
    "bounce_corpus": _bounce_corpus,
    "unsubscribe": _unsubscribe,
    "deliveries": _deliveries,
    "contacts_page": _contacts_page,
    "admin_pages": _admin_pages,
    "dkim_signing": _dkim_signing,
    "cli_startup": _cli_startup,
}


def assemble(summaries: Mapping[str, Summary | None]) -> list[Figure]:
    """The table's rows, in the order of FIGURES; a benchmark without a summary shows as failed."""
    figures: list[Figure] = []
    for name, rows in FIGURES.items():
        if name not in summaries:
            continue
        summary = summaries[name]
        figures += rows(summary) if summary is not None else [Figure(f"{name}.py", "FAILED")]
    return figures


def markdown(machine: list[str], figures: list[Figure]) -> str:
    """The machine and the table as Markdown."""
    lines = [f"- {line}" for line in machine] + ["", "| " + " | ".join(COLUMNS) + " |"]
    lines.append("| --- | ---: | ---: | ---: |")
    for figure in figures:
        cells = (figure.name, figure.measured, figure.baseline, figure.ratio)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join([*lines, "", LEGEND])


def table(figures: list[Figure], title: str) -> Table:
    rendered = Table(title=title)
    for column in COLUMNS:
        rendered.add_column(column, justify="left" if column == "figure" else "right")
    for figure in figures:
        rendered.add_row(figure.name, figure.measured, figure.baseline, figure.ratio)
    return rendered


def machine(database_url: str, redis_url: str) -> list[str]:
    """What the figures were measured on, one line each."""
    return [
        f"CPU: {_cpu_model()}, {os.cpu_count()} cores",
        f"RAM: {_memory_gb():.1f} GB",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"PostgreSQL {_postgres_version(database_url)}, Redis {_redis_version(redis_url)}",
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "unknown CPU"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _postgres_version(database_url: str) -> str:
    """The server's version when one is named, else the binary's on PATH that sending.py starts."""
    if database_url:
        engine = make_engine(database_url)
        try:
            with engine.connect() as connection:
                return str(connection.scalar(text("SHOW server_version")))
        finally:
            engine.dispose()
    return _binary_version(["postgres", "--version"], r"(\d+(\.\d+)+)") + " (throw-away)"


def _redis_version(redis_url: str) -> str:
    if redis_url:
        client = redis.Redis.from_url(redis_url)
        try:
            return str(client.info("server")["redis_version"])
        finally:
            client.close()
    return _binary_version(["redis-server", "--version"], r"v=(\S+)") + " (throw-away)"


def _binary_version(command: list[str], pattern: str) -> str:
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "not installed"
    found = re.search(pattern, output)
    return found.group(1) if found else "unknown"


def run(
    benchmark: Benchmark, quick: bool, database_url: str, redis_url: str, folder: Path
) -> Summary | None:
    """Run one script with its output in `folder`; its summary, or None when it failed."""
    servers = {"BENCH_DATABASE_URL": database_url, "BENCH_REDIS_URL": redis_url}
    env = os.environ | {name: url for name, url in servers.items() if url}
    summary, log = folder / f"{benchmark.name}.json", folder / f"{benchmark.name}.log"
    progress = Console(stderr=True)
    progress.print(f"{benchmark.name}.py …")
    started = time.perf_counter()
    with log.open("wb") as output:
        done = subprocess.run(
            benchmark.command(quick, database_url, summary),
            cwd=BENCH.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
    seconds = time.perf_counter() - started
    if done.returncode != 0 or not summary.exists():
        tail = log.read_text(errors="replace")[-3000:]
        progress.print(f"[red]{benchmark.name}.py failed (exit {done.returncode}):[/]\n{tail}")
        return None
    progress.print(f"{benchmark.name}.py: {seconds:,.0f} s, its tables in {log}", soft_wrap=True)
    return read_summary(summary)


ONLY_OPTION = typer.Option(
    [], help=f"Run only these benchmarks (repeatable): {', '.join(FIGURES)}."
)


def main(
    quick: bool = typer.Option(False, help="Smaller sizes: a few minutes instead of tens."),
    as_markdown: bool = typer.Option(False, "--markdown", help="Print the table as Markdown."),
    only: list[str] = ONLY_OPTION,
    database_url: str = typer.Option("", envvar="BENCH_DATABASE_URL", help="PostgreSQL server."),
    redis_url: str = typer.Option("", envvar="BENCH_REDIS_URL", help="Redis server."),
) -> None:
    chosen = [benchmark for benchmark in BENCHMARKS if not only or benchmark.name in only]
    folder = Path(tempfile.mkdtemp(prefix="distributor-bench-suite-"))
    summaries = {
        benchmark.name: run(benchmark, quick, database_url, redis_url, folder)
        for benchmark in chosen
    }
    figures = assemble(summaries)
    described = machine(database_url, redis_url)
    if as_markdown:
        typer.echo(markdown(described, figures))
    else:
        console = Console()
        if not console.is_terminal:
            console.width = 160  # a log or a pipe: no wrapping inside the table
        for line in described:
            console.print(line)
        console.print(table(figures, "distributor benchmarks" + (" (--quick)" if quick else "")))
        console.print(LEGEND)
    if None in summaries.values():
        raise typer.Exit(1)


if __name__ == "__main__":
    typer.run(main)
