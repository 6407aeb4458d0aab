"""GET /metrics: the web app's Prometheus metrics, and the middleware that counts requests.

Requests are counted by route template (`/u/{token}`, never the token itself), so
one-click unsubscribes show as POST /u/{token}. /metrics tells how busy each page
is, so it answers only clients on loopback or a private network (a scraper beside
the app); anyone else gets a 404, as for a page that does not exist. Behind a
reverse proxy on another machine, keep it off the public side there too: the app
sees the proxy's address unless it is told to trust its forwarded headers.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Iterable
from http import HTTPStatus

from fastapi import FastAPI, Request, Response
from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from distributor.observability import QueueDepth, observe_request
from distributor.web.state import AppState

UNMATCHED = "unmatched"  # no route: a 404, or a file under /static


class RequestMetrics:
    """ASGI middleware: counts each HTTP request and times it, by route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless a response starts: an exception escaped

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # the router leaves the matched route in the scope it was handed
            route = getattr(scope.get("route"), "path", UNMATCHED)
            observe_request(scope["method"], route, status, time.perf_counter() - started)


class _Process(Collector):
    """What this process counted (prometheus_client's default registry), in another registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def install(app: FastAPI, state: AppState) -> None:
    """Count `app`'s requests and serve GET /metrics, with the queue depth read from its database."""
    registry = CollectorRegistry()
    registry.register(_Process())
    registry.register(QueueDepth(state.engine))
    app.add_middleware(RequestMetrics)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        if not _nearby(request.client.host if request.client else ""):
            return Response(status_code=HTTPStatus.NOT_FOUND)
        # the format the scraper asks for: Prometheus text, or OpenMetrics
        encode, content_type = choose_encoder(request.headers.get("accept", ""))
        return Response(encode(registry), media_type=content_type)


def _nearby(host: str) -> bool:
    """Whether `host` is on loopback or a private network, where a metrics scraper runs."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private
