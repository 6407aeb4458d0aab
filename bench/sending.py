"""End-to-end send throughput: a send-out through a real worker, against bare smtplib, same sink.

DESIGN.md asks the whole path (queue, fill-in, SMTP, bookkeeping) for at least
half of what bare `smtplib` reaches against the same SMTP sink in the same run;
the target here is a ratio of 1.0. A send-out of the example release to N
subscribers goes through one `distributor worker --concurrency 2` (two pool
processes) on PostgreSQL and Redis, timed from the dispatch request to the
send-out's `completed`. The baseline hands one message built by the same
pipeline to the same sink N times over one reused smtplib connection, one RCPT
TO per recipient: the SMTP floor, without per-recipient fill-in or bookkeeping.
The peak RSS of each worker process shows whether memory grows with the list.

The sink is Postfix's smtp-sink when installed, else an aiosmtpd server that
discards. PostgreSQL and Redis come from BENCH_DATABASE_URL and BENCH_REDIS_URL
(a database is created for each run and dropped after), or are started from the
binaries on PATH as the tests start them.

    .venv/bin/python bench/sending.py
    .venv/bin/python bench/sending.py --recipients 5000
    .venv/bin/python bench/sending.py --memory        # also 100,000 recipients
"""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from bench.deliveries import add_subscribers, temporary_database
from bench.summary import SUMMARY_OPTION, write_summary
from distributor.audit import SYSTEM
from distributor.config import Settings, load_settings
from distributor.contacts.lists import create_list
from distributor.models import Delivery, Release, SendOut, SendOutState
from distributor.releases.fileformat import read_release_file
from distributor.releases.store import add_release
from distributor.schema import upgrade
from distributor.sending.message.compose import Addressee, PreparedRelease
from distributor.sending.pipeline import send_message
from distributor.sending.scheduling.sendouts import Audience, Schedule, create_sendout
from distributor.sending.throttle import LocalThrottle, ThrottleLimits
from distributor.sending.transports.outcomes import Outcome, OutcomeKind, SendResult
from distributor.tasks.app import create_celery_app
from tests.environment import process_env
from tests.servers import free_port, postgres_server, redis_server, wait_for_port

REPOSITORY = Path(__file__).resolve().parents[1]
RELEASE = REPOSITORY / "docs" / "examples" / "release-en.md"
SMTP_SINK = "/usr/sbin/smtp-sink"
MEMORY_RECIPIENTS = 100_000
WORKER_PROCESSES = 2
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class WorkerRun:
    seconds: float
    dispatch_seconds: float  # from the creation until the deliveries existed (state `sending`)
    states: dict[str, int]
    peak_rss_kb: dict[str, int]  # "main 1234" / "pool 1235" -> VmHWM


@contextmanager
def sink() -> Iterator[tuple[int, str]]:
    """A local SMTP server that accepts and discards everything: (port, its name)."""
    port = free_port()
    if Path(SMTP_SINK).exists():
        privileges = ["-u", "nobody"] if os.geteuid() == 0 else []
        process = subprocess.Popen([SMTP_SINK, *privileges, f"127.0.0.1:{port}", "1000"])
        try:
            wait_for_port(port)
            yield port, "Postfix smtp-sink"
        finally:
            process.terminate()
            process.wait(timeout=10)
        return

    class Discard:
        async def handle_DATA(self, *_: Any) -> str:
            return "250 OK"

    controller = Controller(Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, "aiosmtpd (smtp-sink not installed)"
    finally:
        controller.stop()


class Recorder:
    """A transport that keeps the last message instead of sending it: the baseline's message."""

    envelope_from = ""
    data = b""

    def send(self, envelope_from: str, recipients: list[str], message: bytes) -> SendResult:
        self.envelope_from, self.data = envelope_from, message
        kept = Outcome(OutcomeKind.SENT, 250, None, "kept")
        return SendResult.uniform(recipients, kept, throttle=False)


def _prepare(engine: Engine, recipients: int) -> int:
    """Schema, the example release and `recipients` subscribers of one list; the release's id."""
    upgrade(engine)
    with Session(engine) as session, session.begin():
        press = create_list(session, "press", SYSTEM, name="Press desk")
        release = add_release(session, read_release_file(RELEASE), SYSTEM)
        session.flush()
        list_id, release_id = press.id, release.id
    add_subscribers(engine, list_id, recipients)
    with engine.begin() as connection:
        # What autovacuum does within a minute of a bulk load: without it the planner takes
        # the loaded tables for empty and reads the whole list for every batch. Only these
        # two: `deliveries` analyzed while empty makes delivery creation quadratic.
        connection.execute(text("ANALYZE contacts, subscriptions"))
    return release_id


def _create_sendout(engine: Engine, release_id: int) -> int:
    """What `distributor sendouts create RELEASE --list press` does before it asks for a
    dispatch: the send-out, due now."""
    with Session(engine) as session, session.begin():
        release = session.get_one(Release, release_id)
        sendout = create_sendout(  # the checks' warnings (the hour) do not apply
            session, release, Audience(lists=["press"]), Schedule(), actor=SYSTEM, confirm=True
        )
        session.flush()
        return sendout.id


def _one_message(engine: Engine, sendout_id: int, settings: Settings) -> Recorder:
    """One message of the send-out, built by the pipeline's own code for its first recipient."""
    recorder = Recorder()
    with Session(engine) as session:
        sendout = session.get_one(SendOut, sendout_id)
        prepared = PreparedRelease.for_sendout(session, sendout, settings)
        prepared.version(None)
        throttle = LocalThrottle(ThrottleLimits())
        send_message(prepared, recorder, throttle, None, Addressee(1, _email(0), "", None))  # type: ignore[arg-type]
    return recorder


def _email(number: int) -> str:
    """The address `add_subscribers` gives its `number`-th contact."""
    return f"journalist{number}@outlet{number % 500}.example"


def bare_smtplib(port: int, message: Recorder, recipients: int) -> float:
    """Seconds to hand `message` to the sink once per recipient over one connection."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for number in range(recipients):
            smtp.sendmail(message.envelope_from, [_email(number)], message.data)
    return time.perf_counter() - started


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`distributor worker --concurrency 2`, ready to take tasks; stopped as a supervisor would."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "distributor", "worker", "--concurrency", "2"],
            cwd=REPOSITORY,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()}")
            time.sleep(POLL_SECONDS)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def peak_rss_kb(main_pid: int) -> dict[str, int]:
    """VmHWM of the worker's main process and of each of its children (the pool processes)."""
    peaks = {f"main {main_pid}": _vm_hwm(main_pid)}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            stat = (entry / "stat").read_text()
            parent = int(stat.rpartition(")")[2].split()[1])
            if parent == main_pid:
                peaks[f"pool {entry.name}"] = _vm_hwm(int(entry.name))
    return peaks


def _vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def run_worker(
    engine: Engine, release_id: int, env: dict[str, str], folder: Path
) -> tuple[int, WorkerRun]:
    """Create a send-out of the release for a ready worker and ask for a dispatch, as
    `distributor sendouts create` does; time it until the send-out is completed."""
    app = create_celery_app(load_settings(env))
    with worker(env, folder / "worker.log") as process:
        started = time.perf_counter()
        sendout_id = _create_sendout(engine, release_id)
        app.send_task("distributor.dispatch")
        dispatched = None
        state = SendOutState.SCHEDULED
        while state is not SendOutState.COMPLETED:
            time.sleep(POLL_SECONDS)
            if process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{(folder / 'worker.log').read_text()}")
            with Session(engine) as session:
                state = session.get_one(SendOut, sendout_id).state
            if dispatched is None and state is not SendOutState.SCHEDULED:
                dispatched = time.perf_counter() - started
        seconds = time.perf_counter() - started
        peaks = peak_rss_kb(process.pid)
    app.close()
    with Session(engine) as session:
        counted = session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.sendout_id == sendout_id)
            .group_by(Delivery.state)
        )
        states = {str(state.value): count for state, count in counted}
    return sendout_id, WorkerRun(seconds, dispatched or seconds, states, peaks)


@dataclass(frozen=True)
class Measured:
    recipients: int
    signed: bool
    message_bytes: int
    worker: WorkerRun
    baseline_seconds: float


def _dkim_key(folder: Path) -> Path:
    """A fresh 2048-bit RSA key, as production signs with."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = folder / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def measure(server_url: str, redis_url: str, port: int, recipients: int, signed: bool) -> Measured:
    """One size: a fresh database and worker (every message DKIM-signed if `signed`), then the
    baseline, unsigned, on the same sink."""
    with temporary_database(server_url) as engine, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        signing = {"dkim_selector": "bench", "dkim_key_file": str(_dkim_key(folder))}
        env = process_env(
            folder / "data",
            database_url=engine.url.render_as_string(hide_password=False),
            broker_url=redis_url,
            smtp_url=f"smtp://127.0.0.1:{port}?tls=none",
            dispatch_interval="1",
            secret_key="bench-secret-0123456789abcdef0123456789",  # noqa: S106 - signs throwaway links
            **(signing if signed else {}),
        )
        release_id = _prepare(engine, recipients)
        sendout_id, run = run_worker(engine, release_id, env, folder)
        message = _one_message(engine, sendout_id, load_settings(env))
        baseline = bare_smtplib(port, message, recipients)
    return Measured(recipients, signed, len(message.data), run, baseline)


@contextmanager
def servers(database_url: str, redis_url: str) -> Iterator[tuple[str, str]]:
    """The PostgreSQL and Redis to use: those named, else throw-away ones."""
    with ExitStack() as stack:
        yield (
            database_url or stack.enter_context(postgres_server()),
            redis_url or stack.enter_context(redis_server()),
        )


def _report(console: Console, results: list[Measured], sink_name: str) -> None:
    size = results[0].message_bytes
    table = Table(
        title=f"Send-out end to end, from its creation to `completed`, {WORKER_PROCESSES} "
        f"worker processes → {sink_name}"
    )
    for column in ("recipients", "sender", "seconds", "messages/s", "ratio"):
        table.add_column(column, justify="left" if column == "sender" else "right")
    for result in results:
        ours, floor = result.worker.seconds, result.baseline_seconds
        how = "every message DKIM-signed" if result.signed else "unsigned"
        table.add_row(
            f"{result.recipients:,}",
            "bare smtplib, one connection, unsigned (baseline)",
            f"{floor:.1f}",
            f"{result.recipients / floor:,.0f}",
            "1.00",
        )
        table.add_row(
            f"{result.recipients:,}",
            f"distributor, {how} (deliveries made in {result.worker.dispatch_seconds:.1f} s)",
            f"{ours:.1f}",
            f"{result.recipients / ours:,.0f}",
            f"{floor / ours:.2f}",
        )
    console.print(table)
    console.print(
        f"message: {size / 1024:.0f} KB, built once by the pipeline and sent to each recipient "
        "by the baseline; built (and signed) per recipient by distributor"
    )
    memory = Table(title="Worker peak RSS (VmHWM)")
    for column in ("recipients", "process", "peak RSS MB"):
        memory.add_column(column, justify="left" if column == "process" else "right")
    for result in results:
        for name, kb in result.worker.peak_rss_kb.items():
            memory.add_row(f"{result.recipients:,}", name, f"{kb / 1024:.0f}")
    console.print(memory)
    for result in results:
        console.print(f"{result.recipients:,} deliveries: {result.worker.states}")
    for result in results[:1] + [r for r in results if r.signed]:
        ratio = result.baseline_seconds / result.worker.seconds
        verdict = "meets" if ratio >= 1.0 else "MISSES"
        how = "signed" if result.signed else "unsigned"
        console.print(f"{how}: target ratio ≥ 1.0 (aim 1.5): {verdict} ({ratio:.2f})")


def _figures(result: Measured) -> dict[str, object]:
    return {
        "recipients": result.recipients,
        "messages_per_s": result.recipients / result.worker.seconds,
        "smtplib_messages_per_s": result.recipients / result.baseline_seconds,
        "peak_rss_kb": result.worker.peak_rss_kb,
    }


def main(
    recipients: int = typer.Option(20_000, help="Subscribers the send-out goes to."),
    memory: bool = typer.Option(
        False, "--memory", help="Also send to --memory-recipients, for peak RSS (minutes)."
    ),
    memory_recipients: int = typer.Option(MEMORY_RECIPIENTS, help="The size --memory adds."),
    database_url: str = typer.Option(
        "", envvar="BENCH_DATABASE_URL", help="PostgreSQL server; default: a throw-away one."
    ),
    redis_url: str = typer.Option(
        "", envvar="BENCH_REDIS_URL", help="Redis server; default: a throw-away one."
    ),
    signed: bool = typer.Option(
        True, help="Also send to --recipients with every message DKIM-signed (RSA-2048)."
    ),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    console = Console()
    runs = [(size, False) for size in [recipients, *([memory_recipients] if memory else [])]]
    runs += [(recipients, True)] if signed else []
    with servers(database_url, redis_url) as (server_url, broker_url), sink() as (port, name):
        results = []
        for size, signing in runs:
            how = "signed" if signing else "unsigned"
            console.print(f"sending to {size:,} recipients, {how}, through {name} …")
            results.append(measure(server_url, broker_url, port, size, signing))
    _report(console, results, name)
    figures: dict[str, object] = {
        "sink": name,
        "sizes": [_figures(result) for result in results if not result.signed],
    }
    for result in results:
        if result.signed:
            figures["signed"] = _figures(result)
    write_summary(summary, figures)


if __name__ == "__main__":
    typer.run(main)
