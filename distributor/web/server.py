"""Serving the web app with uvicorn, for `distributor web` to call.

uvicorn waits for a request's headers as long as a client likes, so a client that
opens connections and sends nothing, or a byte now and then, could hold thousands
of them. Here each request's headers must arrive within HEAD_TIMEOUT of the
connection opening or of the previous response, an idle connection is closed
after KEEP_ALIVE, and beyond MAX_CONCURRENT connections or requests at once new
requests are answered 503 at once.
"""

from __future__ import annotations

import asyncio

import uvicorn
from starlette.types import ASGIApp
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from distributor.config import Settings, get_settings
from distributor.observability import configure_logging
from distributor.web.app import create_app

HEAD_TIMEOUT = 10.0  # seconds a client has to send a request's headers
KEEP_ALIVE = 5  # seconds an idle connection is kept open between requests
MAX_CONCURRENT = 1000  # connections or requests at once; beyond, a request is answered 503


class HeadDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, closing a connection whose next request's headers are late."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self.loop.call_later(HEAD_TIMEOUT, self._head_deadline, self.cycle)

    def _head_deadline(self, waiting_after: object) -> None:
        """Close the connection when no request has begun since the deadline was armed, and
        none is being answered (a slow answer is the app's time, not the client's)."""
        idle = self.cycle is None or self.cycle.response_complete
        if self.cycle is waiting_after and idle and not self.transport.is_closing():
            self.transport.close()


def server_config(app: ASGIApp, host: str, port: int, settings: Settings) -> uvicorn.Config:
    """How `distributor web` serves `app`: the timeouts and limit above, distributor's logging."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=HeadDeadlineProtocol,
        timeout_keep_alive=KEEP_ALIVE,
        limit_concurrency=MAX_CONCURRENT,
        log_config=None,
        log_level=settings.log_level.lower(),
    )


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Serve until interrupted; uvicorn's records go through distributor's logging."""
    settings = settings or get_settings()
    configure_logging(settings)
    uvicorn.Server(server_config(create_app(settings), host, port, settings)).run()
