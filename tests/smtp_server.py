"""A real, programmable SMTP server on loopback (aiosmtpd) for tests of sending.

It captures each message (envelope and exact bytes) and can be told to answer
per recipient (`script`), to fail the next commands of a phase (`fail_next`) or
all of them for a while (`fail_for`), to stall, to drop the connection after
DATA, or to close every open connection.
Variants: STARTTLS or implicit TLS with a self-signed certificate, and AUTH.
"""

from __future__ import annotations

import asyncio
import math
import ssl
import subprocess
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers import free_port

Phase = Literal["MAIL", "RCPT", "DATA"]


@dataclass(frozen=True)
class Captured:
    envelope_from: str
    recipients: list[str]
    data: bytes
    mail_options: list[str]

    def message(self) -> EmailMessage:
        """The message as a reader's program parses it."""
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 that is its own CA (pass it as cafile=)."""

    cert: Path
    key: Path


def make_certificate(folder: Path) -> Certificate:
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=localhost",
    ]
    names = ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
    subprocess.run(
        ["openssl", *request, *names, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


@dataclass
class _Handler:
    """aiosmtpd hooks that obey the test's script."""

    messages: list[Captured] = field(default_factory=list)
    recipient_replies: dict[str, str] = field(default_factory=dict)
    failures: dict[str, deque[str]] = field(
        default_factory=lambda: {"MAIL": deque(), "RCPT": deque(), "DATA": deque()}
    )
    # Phase -> (until when on the monotonic clock, the reply meanwhile)
    refusing: dict[str, tuple[float, str]] = field(default_factory=dict)
    stalls: dict[str, float] = field(default_factory=dict)
    drops_after_data: float = 0  # how many more messages to take without answering; inf: all
    pipelining: bool = False

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        """Offer PIPELINING when asked to; aiosmtpd reads pipelined commands in order anyway."""
        session.host_name = hostname
        if self.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def _scripted(self, server: SMTP, phase: Phase, recipient: str = "") -> str | None:
        if seconds := self.stalls.get(phase):
            await asyncio.sleep(seconds)
        queue = self.failures[phase]
        until, refusal = self.refusing.get(phase, (0.0, ""))
        if queue:
            reply: str | None = queue.popleft()
        elif time.monotonic() < until:
            reply = refusal
        else:
            reply = self.recipient_replies.get(recipient)
        if reply is not None and reply.startswith("421"):
            # A 421 means the server is closing the connection; do so after the reply.
            asyncio.get_running_loop().call_soon(_close, server)
        return reply

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if reply := await self._scripted(server, "MAIL"):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if reply := await self._scripted(server, "RCPT", address):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if reply := await self._scripted(server, "DATA"):
            return reply
        assert isinstance(envelope.original_content, bytes)
        self.messages.append(
            Captured(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                envelope.original_content,
                list(envelope.mail_options),
            )
        )
        if self.drops_after_data > 0:
            self.drops_after_data -= 1
            _close(server)
        return "250 2.0.0 queued"


def _close(server: SMTP) -> None:
    if server.transport is not None:
        server.transport.close()


class _Controller(Controller):
    """Counts connections and keeps their protocols, so a test can close them all."""

    def __init__(self, handler: _Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.protocols: list[SMTP] = []

    def factory(self) -> SMTP:
        protocol = SMTP(self.handler, **self.SMTP_kwargs)
        self.protocols.append(protocol)
        return protocol


class CaptureServer:
    """The running server, as tests see it."""

    def __init__(self, controller: _Controller, handler: _Handler, scheme: str) -> None:
        self._controller = controller
        self._handler = handler
        self.port = controller.port
        self.scheme = scheme

    def url(self, *, user: str | None = None, password: str | None = None, **options: str) -> str:
        """`smtp[s]://[user:password@]127.0.0.1:port[?options]` for this server."""
        credentials = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user else ""
        query = "&".join(f"{name}={value}" for name, value in options.items())
        return f"{self.scheme}://{credentials}127.0.0.1:{self.port}" + (
            f"?{query}" if query else ""
        )

    @property
    def messages(self) -> list[Captured]:
        return self._handler.messages

    @property
    def connections(self) -> int:
        return len(self._controller.protocols)

    def script(self, replies: dict[str, tuple[int, str]]) -> None:
        """Answer RCPT TO for these recipients with (code, text) instead of 250."""
        self._handler.recipient_replies.update(
            {address: f"{code} {text}" for address, (code, text) in replies.items()}
        )

    def fail_next(
        self, count: int, *, code: int = 451, text: str = "4.3.0 try later", phase: Phase = "DATA"
    ) -> None:
        """Answer the next `count` commands of `phase` with `code`, then recover."""
        self._handler.failures[phase].extend([f"{code} {text}"] * count)

    def fail_for(
        self,
        seconds: float,
        *,
        code: int = 451,
        text: str = "4.3.0 try later",
        phase: Phase = "DATA",
    ) -> None:
        """Answer every command of `phase` with `code` for the next `seconds`, then recover."""
        self._handler.refusing[phase] = (time.monotonic() + seconds, f"{code} {text}")

    def stall(self, seconds: float, *, phase: Phase = "DATA") -> None:
        """Wait this long before answering every command of `phase`."""
        self._handler.stalls[phase] = seconds

    def drop_after_data(self, count: float = math.inf) -> None:
        """Take each message (or the next `count`), then close the connection without answering."""
        self._handler.drops_after_data = count

    def disconnect_all(self) -> None:
        """Close every open connection, as a relay restarting or timing out idle clients."""

        async def close_all() -> None:
            for protocol in self._controller.protocols:
                _close(protocol)

        asyncio.run_coroutine_threadsafe(close_all(), self._controller.loop).result(timeout=5)


@contextmanager
def smtp_server(
    *,
    tls: Literal["none", "starttls", "implicit"] = "none",
    certificate: Certificate | None = None,
    credentials: tuple[str, str] | None = None,
    pipelining: bool = False,
) -> Iterator[CaptureServer]:
    """Run a capture server on a free loopback port for the duration of the block."""
    handler = _Handler(pipelining=pipelining)
    kwargs: dict[str, Any] = {}
    if tls != "none":
        assert certificate is not None, "TLS needs a certificate (make_certificate)"
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificate.cert, certificate.key)
        kwargs["ssl_context" if tls == "implicit" else "tls_context"] = context
    if credentials is not None:
        kwargs["authenticator"] = _authenticator(*credentials)
        kwargs["auth_require_tls"] = False
    controller = _Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    controller.protocols.clear()  # the controller's own readiness probe is not a client
    try:
        yield CaptureServer(controller, handler, "smtps" if tls == "implicit" else "smtp")
    finally:
        controller.stop()


def _authenticator(user: str, password: str) -> Any:
    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login == user.encode()
            and data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False)

    return authenticate
