"""The SMTP server of the bounce domain: DSNs, complaints, unsubscribe mail and replies to a spool.

The SMTP side only checks recipients and writes to the spool, answering 250 once
the message is on disk; drainers (`distributor.bounces.drainers`) take the spool
through bounce intake in the background, a few messages to a database
transaction (each leaves the spool once its transaction is committed). A flood
therefore only fills the spool, and a crash loses nothing that was
acknowledged: whatever is pending is processed when the receiver starts again.
With DISTRIBUTOR_REPLY_ADDRESS set it also takes mail to that address tagged
with a token; the drainers forward journalists' replies to the press contact,
and a reply stays in the spool until the relay has taken it. The connection caps,
timeouts and line limit of `distributor.bounces.guard` keep clients from tying it up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SMTPSession
from sqlalchemy import Engine

from distributor.bounces.authorship import TxtLookup, lookup_txt
from distributor.bounces.drainers import DrainerPool
from distributor.bounces.guard import ConnectionCount, GuardedSMTP, Limits
from distributor.bounces.intake import IngestBatch, ingest_batch
from distributor.bounces.replies import Forwarder
from distributor.bounces.spool import Spool
from distributor.config import Settings
from distributor.tokens import token_from_address

log = logging.getLogger(__name__)

NO_SUCH_MAILBOX = "550 5.1.1 no such mailbox here"
_LOCAL_PARTS = ("bounces", "unsubscribe")  # tokens.return_path and tokens.unsubscribe_address


def accepts_recipient(address: str, domain: str, reply_address: str = "") -> bool:
    """Whether `address` is `bounces+<token>@domain` or `unsubscribe+<token>@domain`,
    or `reply_address` (when set) tagged with a token.

    Only the token's form is checked: one with a wrong signature is still taken,
    so that intake can record and count the forgery.
    """
    mailboxes = [(local, domain) for local in _LOCAL_PARTS]
    if reply_address:
        reply_local, _, reply_domain = reply_address.rpartition("@")
        mailboxes.append((reply_local, reply_domain))
    at_domain = address.strip().strip("<>").rpartition("@")[2].lower().rstrip(".")
    return any(
        at_domain == mailbox_domain.lower() and token_from_address(address, local) is not None
        for local, mailbox_domain in mailboxes
    )


class SpoolingHandler:
    """aiosmtpd hooks: refuse unknown mailboxes, spool every accepted message before the 250."""

    def __init__(
        self,
        spool: Spool,
        domain: str,
        on_spooled: Callable[[Path], None],
        reply_address: str = "",
    ) -> None:
        self._spool = spool
        self._domain = domain
        self._on_spooled = on_spooled
        self._reply_address = reply_address

    async def handle_RCPT(
        self,
        server: SMTP,
        session: SMTPSession,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not accepts_recipient(address, self._domain, self._reply_address):
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
        self._on_spooled(path)
        return "250 2.0.0 OK: spooled"


def receiver_limits(settings: Settings) -> Limits:
    """The receiver's connection caps, timeouts and line limit from the settings.

    RFC 5321 caps lines at 1000 octets, but broken MTAs send longer ones or bare LFs,
    which read as one long line: the default takes lines of up to 64 KiB rather than
    bounce a bounce.
    """
    return Limits(
        max_connections=settings.bounce_max_connections,
        max_per_client=settings.bounce_max_connections_per_client,
        idle_timeout=settings.bounce_idle_timeout,
        command_timeout=settings.bounce_command_timeout,
        line_max_bytes=settings.bounce_line_max_bytes,
    )


class _Controller(Controller):
    def __init__(self, handler: SpoolingHandler, limits: Limits, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self._limits = limits
        self._count = ConnectionCount(limits)

    def factory(self) -> SMTP:
        return GuardedSMTP(self.handler, count=self._count, limits=self._limits, **self.SMTP_kwargs)


class BounceReceiver:
    """The SMTP server and its spool's drainers, started and stopped together."""

    def __init__(
        self,
        settings: Settings,
        spool: Spool,
        engine: Engine,
        *,
        forward: Forwarder,
        host: str = "127.0.0.1",
        port: int = 2525,
        processes: int = 1,
        ingest: IngestBatch = ingest_batch,
        limits: Limits | None = None,
        dns: TxtLookup = lookup_txt,
    ) -> None:
        """`forward` hands journalists' replies to the relay; `dns` looks up the DKIM keys
        of their senders (tests pass their own)."""
        self.spool = spool
        self.drainers = DrainerPool(
            spool, engine, settings, forward=forward, processes=processes, ingest=ingest, dns=dns
        )
        handler = SpoolingHandler(
            spool,
            settings.envelope_domain,
            lambda path: self.drainers.wake(path.name),
            settings.reply_address,
        )
        self._controller = _Controller(
            handler,
            limits or receiver_limits(settings),
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
        self.drainers.start()
        try:
            self._controller.start()
        except BaseException:
            self.drainers.stop()
            raise

    def stop(self) -> None:
        """Stop listening, then let the drainers finish the messages in hand."""
        self._controller.stop()
        self.drainers.stop()

    def __enter__(self) -> BounceReceiver:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
