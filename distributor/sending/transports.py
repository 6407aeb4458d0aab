"""The one interface outgoing mail goes through, and the factory that picks an implementation.

Like httpx's transports: a small protocol with a real SMTP implementation and folder
implementations for local use, so the send-out pipeline never knows which it talks to.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from distributor.config import Settings
from distributor.sending.files import FileTransport, MaildirTransport
from distributor.sending.outcomes import SendResult
from distributor.sending.smtp import SMTPTransport


class Transport(Protocol):
    def send(self, envelope_from: str, recipients: list[str], message: bytes) -> SendResult:
        """Hand `message` over for `recipients`; report each recipient's outcome."""

    def check(self) -> str:
        """Make sure mail can be handed over now; describe where it goes, or raise TransportError."""

    def close(self) -> None:
        """Release connections; the transport may be used again afterwards."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


def create_transport(settings: Settings) -> Transport:
    """The transport DISTRIBUTOR_SMTP_URL names (a folder of .eml files when unset)."""
    targets = settings.transports
    first = targets[0]
    if first.scheme == "file":
        assert first.path is not None
        return FileTransport(first.path)
    if first.scheme == "maildir":
        assert first.path is not None
        return MaildirTransport(first.path)
    return SMTPTransport(targets, local_hostname=settings.envelope_domain or None)
