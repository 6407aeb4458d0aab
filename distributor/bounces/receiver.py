"""The SMTP server of the bounce domain: takes DSNs, complaints and unsubscribe mail into a spool.

The SMTP side only checks recipients and writes to the spool, answering 250 once
the message is on disk; a background thread drains the spool through bounce
intake, a few messages to a database transaction (each leaves the spool once
its transaction is committed). A flood therefore only fills the spool, and a
crash loses nothing that was acknowledged: whatever is pending is processed
when the receiver starts again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import islice
from typing import Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SMTPSession
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from distributor.bounces.intake import IngestResult, ingest_message
from distributor.bounces.spool import Spool, SpooledMessage
from distributor.config import Settings
from distributor.models.bounces import BounceSource
from distributor.sending.verp import token_from_address

log = logging.getLogger(__name__)

NO_SUCH_MAILBOX = "550 5.1.1 no such mailbox here"
_LOCAL_PARTS = ("bounces", "unsubscribe")  # verp.return_path and verp.unsubscribe_address
_RECHECK_SECONDS = 5.0  # safety net: look at the spool this often even when nobody says so
BATCH = 20  # spooled messages ingested per transaction


class Ingest(Protocol):
    """`distributor.bounces.intake.ingest_message`, the one entry point of bounce intake."""

    def __call__(
        self,
        session: Session,
        raw: bytes,
        *,
        source: BounceSource,
        settings: Settings,
        envelope_recipients: Sequence[str] = (),
        now: datetime | None = None,
    ) -> IngestResult: ...


def accepts_recipient(address: str, domain: str) -> bool:
    """Whether `address` is `bounces+<token>@domain` or `unsubscribe+<token>@domain`.

    Only the token's form is checked: one with a wrong signature is still taken,
    so that intake can record and count the forgery.
    """
    at_domain = address.strip().strip("<>").rpartition("@")[2]
    if at_domain.lower().rstrip(".") != domain.lower():
        return False
    return any(token_from_address(address, local) is not None for local in _LOCAL_PARTS)


class SpoolingHandler:
    """aiosmtpd hooks: refuse unknown mailboxes, spool every accepted message before the 250."""

    def __init__(self, spool: Spool, domain: str, on_spooled: Callable[[], None]) -> None:
        self._spool = spool
        self._domain = domain
        self._on_spooled = on_spooled

    async def handle_RCPT(
        self,
        server: SMTP,
        session: SMTPSession,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not accepts_recipient(address, self._domain):
            return NO_SUCH_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: SMTPSession, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        assert isinstance(raw, bytes)  # aiosmtpd keeps the bytes unless told to decode
        sender = envelope.mail_from or ""
        loop = asyncio.get_running_loop()
        try:
            # fsync waits for the disk: keep it off the event loop that serves everyone else
            path = await loop.run_in_executor(
                None, self._spool.put, raw, sender, tuple(envelope.rcpt_tos)
            )
        except OSError:
            log.exception("cannot write a message from %r to the spool", sender)
            return "451 4.3.0 cannot store the message now; try again later"
        log.debug("spooled %s from %r (%d bytes)", path.name, sender, len(raw))
        self._on_spooled()
        return "250 2.0.0 OK: spooled"


class SpoolProcessor:
    """Drains the spool in a background thread through bounce intake, a batch per session.

    A message whose intake raises goes to review with the error. While the
    database cannot be used (OperationalError: unreachable, locked), messages
    stay in the spool and are tried again after `retry_after` seconds.
    """

    def __init__(
        self,
        spool: Spool,
        engine: Engine,
        settings: Settings,
        ingest: Ingest = ingest_message,
        *,
        retry_after: float = _RECHECK_SECONDS,
    ) -> None:
        self._spool = spool
        self._engine = engine
        self._settings = settings
        self._ingest = ingest
        self._retry_after = retry_after
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start draining, beginning with whatever an earlier run left pending."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="bounce-spool", daemon=True)
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
        pending = self._spool.pending()
        while not self._stopping.is_set() and (batch := list(islice(pending, BATCH))):
            self._process_batch(batch)
            count += len(batch)
        return count

    def _run(self) -> None:
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
        raws = [message.read() for message in batch]
        try:
            with Session(self._engine) as session:
                results = [
                    self._ingest_one(session, message, raw)
                    for message, raw in zip(batch, raws, strict=True)
                ]
                session.commit()
        except OperationalError:
            raise
        except Exception:  # rolled back: find the culprit one message at a time
            for message in batch:
                self._process(message)
            return
        for message, result in zip(batch, results, strict=True):
            self._done(message, result)

    def _process(self, message: SpooledMessage) -> None:
        raw = message.read()
        try:
            with Session(self._engine) as session:
                result = self._ingest_one(session, message, raw)
                session.commit()
        except OperationalError:
            raise
        except Exception as exc:
            self._spool.to_review(message, _reason(exc))
            log.error("%s set aside for review: %s: %s", message.name, type(exc).__name__, exc)
            return
        self._done(message, result)

    def _ingest_one(self, session: Session, message: SpooledMessage, raw: bytes) -> IngestResult:
        return self._ingest(
            session,
            raw,
            source=BounceSource.RECEIVER,
            settings=self._settings,
            envelope_recipients=message.recipients,
        )

    def _done(self, message: SpooledMessage, result: IngestResult) -> None:
        self._spool.done(message)
        log.info(
            "%s: %s, %d record(s)%s",
            message.name,
            result.kind,
            len(result.record_ids),
            f", ignored: {result.ignored}" if result.ignored else "",
        )


class _LenientSMTP(SMTP):
    # RFC 5321 caps lines at 1000 octets, but broken MTAs send longer ones or bare LFs, which
    # read as one long line: take them rather than bounce a bounce. DATA stays size-limited.
    line_length_limit = 1024 * 1024


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _LenientSMTP(self.handler, **self.SMTP_kwargs)


class BounceReceiver:
    """The SMTP server and its spool processor, started and stopped together."""

    def __init__(
        self,
        settings: Settings,
        spool: Spool,
        engine: Engine,
        *,
        host: str = "127.0.0.1",
        port: int = 2525,
        ingest: Ingest = ingest_message,
    ) -> None:
        self.spool = spool
        self.processor = SpoolProcessor(spool, engine, settings, ingest)
        handler = SpoolingHandler(spool, settings.envelope_domain, self.processor.wake)
        self._controller = _Controller(
            handler,
            hostname=host,
            port=port,
            server_hostname=settings.envelope_domain,  # the default looks up the FQDN: slow
            data_size_limit=settings.bounce_max_bytes,
            enable_SMTPUTF8=True,
        )

    @property
    def host(self) -> str:
        return str(self._controller.hostname)

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> None:
        """Clear writes a crash cut short, start processing what is pending, then listen."""
        if removed := self.spool.clear_unfinished():
            log.info("removed %d unfinished file(s) from %s", removed, self.spool.tmp)
        self.processor.start()
        try:
            self._controller.start()
        except BaseException:
            self.processor.stop()
            raise

    def stop(self) -> None:
        """Stop listening, then let the processor finish the message in hand."""
        self._controller.stop()
        self.processor.stop()

    def __enter__(self) -> BounceReceiver:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _reason(exc: BaseException) -> str:
    """What a reviewer needs: the error in one line, then where it happened."""
    trace = "".join(traceback.format_exception(exc))
    return f"{type(exc).__name__}: {exc}\n\n{trace}"
