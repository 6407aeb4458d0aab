"""The one interface outgoing mail goes through; it knows no implementation.

Like httpx's transports: a small protocol with a real SMTP implementation and folder
implementations for local use, so the send-out pipeline never knows which it talks to.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from distributor.sending.transports.outcomes import SendResult


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
