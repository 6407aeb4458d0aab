"""The spool drained by several processes at once, each owning a share of its files.

Intake is mostly Python work (MIME parsing, SQL statements built and read), so
one process keeps one core busy at best; a second process on a second core
nearly doubles the rate. The spool's files are split between the processes by
a hash of their names (`Share`), so no two ever take the same message and no
lock is needed: a message stays in `new/` until its own process has committed
it. The first share is drained by a thread of the calling process; the others
by child processes, which a supervising thread restarts if one dies.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import traceback
from itertools import islice
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from distributor.bounces.authorship import TxtLookup, lookup_txt
from distributor.bounces.intake import Incoming, IngestBatch, IngestResult, ingest_batch
from distributor.bounces.replies import Forwarder, Reply, pass_on
from distributor.bounces.spool import WHOLE, Share, Spool, SpooledMessage
from distributor.config import Settings
from distributor.db import engine_from_settings
from distributor.errors import ForwardDeferred
from distributor.models import BounceSource
from distributor.observability import configure_logging

log = logging.getLogger(__name__)

BATCH = 100  # spooled messages ingested per call and transaction: a few statements each
_RECHECK_SECONDS = 5.0  # safety net: look at the spool this often even when nobody says so
_SUPERVISE_SECONDS = 1.0
_STOP_SECONDS = 30.0  # a batch in hand is at most a few seconds of work
# Children start from a fresh interpreter: forking would copy the parent's threads
# (the SMTP server's event loop) and its database connections, which must not be shared.
_CONTEXT = multiprocessing.get_context("spawn")


def default_processes(settings: Settings) -> int:
    """One process per core (at most 4) on PostgreSQL; one on SQLite, which has a single writer."""
    if settings.bounce_processes:
        return settings.bounce_processes
    if settings.database.get_backend_name() == "sqlite":
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


class Flag(Protocol):
    """What a processor needs of an event: `threading.Event`, or a `multiprocessing` one."""

    def set(self) -> None: ...
    def clear(self) -> None: ...
    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


class SpoolProcessor:
    """Drains its share of the spool through bounce intake, a batch per session.

    A message whose intake raises goes to review with the error. While the
    database cannot be used (OperationalError: unreachable, locked), messages
    stay in the spool and are tried again after `retry_after` seconds. It runs
    in a background thread (`start`), or in the calling one (`run`) when it is
    a process of its own, woken and stopped through `wake` and `stopping`.
    """

    def __init__(
        self,
        spool: Spool,
        engine: Engine,
        settings: Settings,
        ingest: IngestBatch = ingest_batch,
        *,
        forward: Forwarder,
        dns: TxtLookup = lookup_txt,
        retry_after: float = _RECHECK_SECONDS,
        share: Share = WHOLE,
        wake: Flag | None = None,
        stopping: Flag | None = None,
    ) -> None:
        self._spool = spool
        self._engine = engine
        self._settings = settings
        self._ingest = ingest
        self._forwarder = forward
        self._dns = dns
        self._retry_after = retry_after
        self._share = share
        self._wake: Flag = wake or threading.Event()
        self._stopping: Flag = stopping or threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start draining, beginning with whatever an earlier run left pending."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self.run, name="bounce-spool", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Say that a message arrived (safe from any thread)."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Finish the messages in hand and stop; the rest stays in the spool for the next start."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def drain(self) -> int:
        """Process every pending message (until asked to stop); the number processed."""
        count = 0
        pending = self._spool.pending(self._share)
        while not self._stopping.is_set() and (batch := list(islice(pending, BATCH))):
            self._process_batch(batch)
            count += len(batch)
        return count

    def run(self) -> None:
        """Drain until `stopping` is set, waking when told to or every `retry_after` seconds."""
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.drain()
            except OperationalError as exc:
                log.warning(
                    "cannot use the database, messages stay in the spool; retrying in %gs: %s",
                    self._retry_after,
                    str(exc.orig or exc).strip().splitlines()[0],
                )
                self._stopping.wait(self._retry_after)
                continue
            except Exception:  # a bug or a broken disk must not end the thread for good
                log.exception(
                    "draining the bounce spool failed; retrying in %gs", self._retry_after
                )
            self._wake.wait(self._retry_after)

    def _process_batch(self, batch: list[SpooledMessage]) -> None:
        """Ingest `batch` in one transaction; if one of them fails, each in its own instead.

        A commit per message costs more than the intake of most; one that fails must
        still go to review alone, with the others kept.
        """
        if len(batch) == 1:
            self._process(batch[0])
            return
        incoming = [Incoming(message.read(), message.recipients) for message in batch]
        try:
            results = self._ingest_committed(incoming)
        except OperationalError:
            raise
        except Exception:  # rolled back: find the culprit one message at a time
            for message in batch:
                self._process(message)
            return
        self._done(list(zip(batch, results, strict=True)))

    def _process(self, message: SpooledMessage) -> None:
        incoming = Incoming(message.read(), message.recipients)
        try:
            (result,) = self._ingest_committed([incoming])
        except OperationalError:
            raise
        except Exception as exc:
            self._spool.to_review(message, _reason(exc))
            log.error("%s set aside for review: %s: %s", message.name, type(exc).__name__, exc)
            return
        self._done([(message, result)])

    def _ingest_committed(self, incoming: list[Incoming]) -> list[IngestResult]:
        with Session(self._engine) as session:
            results = self._ingest(
                session, incoming, source=BounceSource.RECEIVER, settings=self._settings
            )
            session.commit()
        return results

    def _done(self, processed: list[tuple[SpooledMessage, IngestResult]]) -> None:
        self._spool.done(*(message for message, result in processed if result.reply is None))
        for message, result in processed:
            log.info(
                "%s: %s, %d record(s)%s",
                message.name,
                result.kind,
                len(result.record_ids),
                f", ignored: {result.ignored}" if result.ignored else "",
            )
            if result.reply is not None:
                self._forward(message, result.reply)

    def _forward(self, message: SpooledMessage, reply: Reply) -> None:
        """Forward a reply, then record it: it leaves the spool only when both are done.

        While the relay cannot take it, the reply stays in the spool and is tried
        again with the next pass.
        """
        try:
            forwarded = pass_on(reply, self._engine, self._settings, self._forwarder, dns=self._dns)
        except ForwardDeferred as exc:
            log.warning(
                "%s: reply stays in the spool until the relay takes it: %s", message.name, exc
            )
            return
        except Exception as exc:  # refused for good, or a press contact no header can carry
            self._spool.to_review(message, _reason(exc))
            log.error("%s: reply set aside for review: %s", message.name, exc)
            return
        self._spool.done(message)
        log.info(
            "%s: reply to delivery %d %s",
            message.name,
            reply.delivery_id,
            "forwarded" if forwarded else "recorded, not forwarded: over the hour's limit",
        )


def _drain(
    settings: Settings, folder: Path, share: Share, wake: Flag, stopping: Flag, forward: Forwarder
) -> None:
    """A child process: drain `share` until the pool stops."""
    configure_logging(settings)
    engine = engine_from_settings(settings)
    try:
        SpoolProcessor(
            Spool(folder),
            engine,
            settings,
            forward=forward,
            share=share,
            wake=wake,
            stopping=stopping,
        ).run()
    finally:
        engine.dispose()


class DrainerPool:
    """`processes` drainers over one spool, started, woken and stopped together."""

    def __init__(
        self,
        spool: Spool,
        engine: Engine,
        settings: Settings,
        *,
        forward: Forwarder,
        processes: int = 1,
        ingest: IngestBatch = ingest_batch,
        dns: TxtLookup = lookup_txt,
    ) -> None:
        if processes < 1:
            raise ValueError(f"a drainer pool needs at least one process, not {processes}")
        self._spool = spool
        self._settings = settings
        self._forward = forward
        self._shares = [Share(index, processes) for index in range(processes)]
        self._stopping = _CONTEXT.Event()
        self._wakes = [_CONTEXT.Event() for _ in self._shares]
        self._local = SpoolProcessor(
            spool,
            engine,
            settings,
            ingest,
            forward=forward,
            dns=dns,
            share=self._shares[0],
            wake=self._wakes[0],
        )
        self._children: dict[int, SpawnProcess] = {}
        self._supervisor: threading.Thread | None = None

    @property
    def processes(self) -> int:
        return len(self._shares)

    def start(self) -> None:
        """Start every drainer, each beginning with what an earlier run left in its share."""
        self._stopping.clear()
        for index in range(1, len(self._shares)):
            self._start_child(index)
        self._local.start()
        if self._children:
            self._supervisor = threading.Thread(
                target=self._supervise, name="bounce-drainers", daemon=True
            )
            self._supervisor.start()

    def wake(self, name: str | None = None) -> None:
        """Say that the file `name` arrived (or that any may have): its drainer looks now."""
        for share, wake in zip(self._shares, self._wakes, strict=True):
            if name is None or share.owns(name):
                wake.set()

    def stop(self) -> None:
        """Let every drainer finish its batch in hand, then stop; the rest waits in the spool."""
        self._stopping.set()
        self.wake()
        self._local.stop()
        if self._supervisor is not None:
            self._supervisor.join()
            self._supervisor = None
        for child in self._children.values():
            child.join(_STOP_SECONDS)
            if child.is_alive():
                log.error(
                    "bounce drainer %s did not stop in %gs; ending it", child.name, _STOP_SECONDS
                )
                child.terminate()
                child.join()
        self._children.clear()

    def _start_child(self, index: int) -> None:
        child = _CONTEXT.Process(
            target=_drain,
            args=(
                self._settings,
                self._spool.folder,
                self._shares[index],
                self._wakes[index],
                self._stopping,
                self._forward,
            ),
            name=f"bounce-drainer-{index}",
            daemon=True,
        )
        child.start()
        self._children[index] = child

    def _supervise(self) -> None:
        while not self._stopping.wait(_SUPERVISE_SECONDS):
            for index, child in list(self._children.items()):
                if not child.is_alive() and not self._stopping.is_set():
                    log.error(
                        "bounce drainer %s ended (exit code %s); starting it again",
                        child.name,
                        child.exitcode,
                    )
                    self._start_child(index)


def _reason(exc: BaseException) -> str:
    """What a reviewer needs: the error in one line, then where it happened."""
    trace = "".join(traceback.format_exception(exc))
    return f"{type(exc).__name__}: {exc}\n\n{trace}"
