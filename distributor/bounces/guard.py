"""Limits that keep one client, or many, from tying up the bounce receiver.

The bounce domain's MX is open to the whole internet, so `distributor bounces serve`
counts connections in total and per client address and refuses more with 421
(an MTA tries again later), closes a connection that stays silent for the idle
timeout or takes longer than the command timeout to complete its next command
(a message's DATA included) with 421, and refuses a line longer than the line
limit with 500. Memory is bounded by these limits: at most the connection cap of
messages of DISTRIBUTOR_BOUNCE_MAX_BYTES are held at once.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiosmtpd.smtp import SMTP

log = logging.getLogger(__name__)

TOO_MANY_CONNECTIONS = "421 4.7.0 too many connections, try again later"
TOO_MANY_FROM_CLIENT = "421 4.7.0 too many connections from your address, try again later"
IDLE_TOO_LONG = "421 4.4.2 nothing received for too long, closing the connection"
COMMAND_TOO_SLOW = "421 4.4.2 command not completed in time, closing the connection"


@dataclass(frozen=True)
class Limits:
    """What one receiver allows: connections at once, per client, and how long a client may take."""

    max_connections: int = 100
    max_per_client: int = 10
    idle_timeout: float = 60.0
    command_timeout: float = 300.0
    line_max_bytes: int = 64 * 1024


def client_key(peer: Any) -> str:
    """Who counts as one client: its IPv4 address, or the /64 of an IPv6 one (one site's share)."""
    host = peer[0] if isinstance(peer, tuple) and peer else str(peer)
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return str(host)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class ConnectionCount:
    """Connections open now, in total and per client; used from the server's event loop only."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._open: Counter[str] = Counter()

    @property
    def total(self) -> int:
        return sum(self._open.values())

    def admit(self, client: str) -> str | None:
        """Count a new connection from `client`; or the 421 that refuses it, counting nothing."""
        if self.total >= self._limits.max_connections:
            return TOO_MANY_CONNECTIONS
        if self._open[client] >= self._limits.max_per_client:
            return TOO_MANY_FROM_CLIENT
        self._open[client] += 1
        return None

    def release(self, client: str) -> None:
        self._open[client] -= 1
        if self._open[client] <= 0:
            del self._open[client]


class GuardedSMTP(SMTP):
    """aiosmtpd's server with the connection caps, both timeouts and the line limit of `Limits`.

    aiosmtpd's own timeout runs from one valid command to the next, so it is the command
    timeout; the idle timer restarts whenever either side sends something.
    """

    def __init__(self, handler: Any, *, count: ConnectionCount, limits: Limits, **kwargs: Any):
        self.line_length_limit = limits.line_max_bytes  # read by SMTP.__init__ for its reader
        super().__init__(handler, timeout=limits.command_timeout, **kwargs)
        self._count = count
        self._limits = limits
        self._client: str | None = None  # set once admitted
        self._idle: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        client = client_key(transport.get_extra_info("peername"))
        refusal = self._count.admit(client)
        if refusal is not None:
            log.debug("refused a connection from %s: %s", client, refusal[10:])
            assert isinstance(transport, asyncio.WriteTransport)
            transport.write(refusal.encode() + b"\r\n")
            transport.close()
            return
        self._client = client
        super().connection_made(transport)
        self._restart_idle()

    def connection_lost(self, error: Exception | None) -> None:
        if self._client is None:  # refused: aiosmtpd never saw it
            return
        self._count.release(self._client)
        self._client = None
        if self._idle is not None:
            self._idle.cancel()
        super().connection_lost(error)

    def data_received(self, data: bytes) -> None:
        self._restart_idle()
        super().data_received(data)

    def eof_received(self) -> bool | None:
        return super().eof_received() if self._client is not None else False

    async def push(self, status: Any) -> None:
        self._restart_idle()
        await super().push(status)

    def _timeout_cb(self) -> None:
        self._close_with(COMMAND_TOO_SLOW)

    def _restart_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
        self._idle = self.loop.call_later(
            self._limits.idle_timeout, self._close_with, IDLE_TOO_LONG
        )

    def _close_with(self, reply: str) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        log.info("%s: %s", self._client, reply[10:])
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(reply.encode() + b"\r\n")
        transport.close()
