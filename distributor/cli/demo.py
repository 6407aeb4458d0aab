"""`distributor demo`: a whole send-out on the embedded defaults, from sample data to the outbox.

It runs what a real installation runs: the schema upgrade, a list and a release
made through the services, a send-out due now, and a real worker process (the
one `distributor worker` starts) that sends it through the file transport.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.cli.context import database_session
from distributor.cli.output import JSON_OPTION, console, emit_json
from distributor.cli.preview import write_preview
from distributor.cli.sendouts import FOLLOW_INTERVAL, follow_with_progress
from distributor.config import Settings, get_settings
from distributor.db import engine_from_settings
from distributor.demo import create_demo_sendout, prepare_demo
from distributor.errors import DistributorError, InvalidInput
from distributor.models import utcnow
from distributor.paths import private_folder
from distributor.releases import get_release
from distributor.schema import upgrade
from distributor.sending import INDEX_NAME, SendOutStatus, sendout_status
from distributor.tasks import request_dispatch

WORKER_LOG = "demo-worker.log"
PREVIEW_FOLDER = "demo-preview"
# How long the worker may take to finish its tasks after SIGTERM before it is killed.
STOP_TIMEOUT = 30.0


def _outbox(settings: Settings) -> Path:
    """The folder the messages go to; the demo refuses to send through a real relay."""
    target = settings.transport
    if target.path is None:
        raise InvalidInput(
            f"the demo sends through a file or maildir transport only, not {target.address}; "
            "unset DISTRIBUTOR_SMTP_URL to use the embedded outbox"
        )
    return target.path


@contextmanager
def _worker(log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`distributor worker` in its own process group, stopped as a supervisor would stop it."""
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "distributor", "worker", "--concurrency", "2"],
            env=os.environ.copy(),
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _status(sendout_id: int) -> SendOutStatus:
    with database_session() as session:
        return sendout_status(session, sendout_id, utcnow())


def _wait(
    sendout_id: int,
    worker: subprocess.Popen[bytes],
    settings: Settings,
    timeout: float,
    show: bool,
) -> SendOutStatus:
    """Until the send-out finishes or `timeout` passes, asking for a dispatch now and then.

    No beat runs during the demo, so the demo asks for a dispatch every
    DISTRIBUTOR_DISPATCH_INTERVAL seconds itself, as beat would.
    """
    deadline = time.monotonic() + timeout
    next_dispatch = time.monotonic() + settings.dispatch_interval

    def nudge() -> None:
        nonlocal next_dispatch
        if worker.poll() is not None:
            raise DistributorError(
                f"the demo's worker stopped with exit code {worker.returncode}; "
                f"see {settings.data_dir / WORKER_LOG}"
            )
        if time.monotonic() >= next_dispatch:
            request_dispatch()
            next_dispatch = time.monotonic() + settings.dispatch_interval

    if show:
        return follow_with_progress(sendout_id, _status, deadline, nudge)
    while True:
        current = _status(sendout_id)
        if current.finished or time.monotonic() > deadline:
            return current
        nudge()
        time.sleep(FOLLOW_INTERVAL)


def demo(
    screenshots: bool = typer.Option(
        True,
        "--screenshots/--no-screenshots",
        help="Add PNG screenshots to the preview (needs chromium).",
    ),
    timeout: float = typer.Option(
        120.0, "--timeout", min=1, help="Seconds to wait for the send-out to complete."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Send a sample release to 40 fictitious journalists, on this machine, with nothing to set up.

    Upgrades the database, adds the list demo-journalists and the sample release
    (both reused when the demo runs again), creates a send-out, starts a worker
    process, follows the send-out to the end, then shows where the messages are
    (one .eml file each, listed in the outbox's index.jsonl) and writes a preview
    of the email. Every address is at a reserved example domain; the demo
    refuses to run with DISTRIBUTOR_SMTP_URL pointing at a real relay.

    Examples:

      distributor demo

      distributor demo --no-screenshots --json
    """
    settings = get_settings()
    outbox = _outbox(settings)
    actor = Actor.command_line()
    engine = engine_from_settings(settings)
    try:
        upgrade(engine)
        with Session(engine, expire_on_commit=False) as session, session.begin():
            data = prepare_demo(session, actor)
            sendout_id = create_demo_sendout(session, data, actor).id
            release_id, list_slug = data.release.id, data.mailing_list.slug
    finally:
        engine.dispose()
    if not as_json:
        console.print(
            f"Send-out {sendout_id}: release {release_id} to the {data.subscribed} journalists "
            f"of list {list_slug}; starting a worker.",
            highlight=False,
        )
    log = settings.data_dir / WORKER_LOG
    private_folder(settings.data_dir)
    try:
        with _worker(log) as worker:
            request_dispatch()
            final = _wait(sendout_id, worker, settings, timeout, show=not as_json)
    except KeyboardInterrupt:
        # The worker is stopped on the way out; the send-out goes on with the next worker.
        raise typer.Exit(130) from None
    if not final.finished:
        raise DistributorError(
            f"send-out {sendout_id} is still {final.state.value} after {timeout:.0f} s "
            f"({final.open} of {final.total} messages open); see the worker's log at {log}"
        )
    with database_session() as session:
        preview = write_preview(
            get_release(session, release_id),
            settings.data_dir / PREVIEW_FOLDER,
            screenshots=screenshots,
        )
    summary = {
        "id": sendout_id,
        "state": final.state.value,
        "release_id": release_id,
        "list": list_slug,
        "journalists": data.subscribed,
        "counts": final.counts,
        "outbox": str(outbox),
        "index": str(outbox / INDEX_NAME),
        "preview": str(preview.files[0]),
        "preview_files": [str(path) for path in preview.files],
    }
    if as_json:
        emit_json(summary)
        return
    counts = ", ".join(f"{n} {state}" for state, n in final.counts.items() if n)
    console.print(f"Send-out {sendout_id} is {final.state.value}: {counts}.", highlight=False)
    console.print(f"Messages: {outbox} (one .eml per journalist)", highlight=False)
    console.print(f"Index:    {outbox / INDEX_NAME} (envelope of each message)", highlight=False)
    console.print(f"Preview:  {preview.files[0]}", highlight=False)
    console.print(
        f"Next: `distributor sendouts report {sendout_id}`, "
        f"`distributor contacts search --list {list_slug}`",
        highlight=False,
    )
