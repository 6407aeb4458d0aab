"""POST /webhooks/<provider>: bounces and complaints from email providers.

Thin: the body and headers go to the provider of that name in distributor.bounces.providers,
which verifies and reads them; a refused request is a 403 and an unreadable one a 400, as
problem details.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from distributor.bounces import PROVIDERS, ProviderEvent, apply_provider_events
from distributor.models import utcnow
from distributor.web.state import AppState

# Refused with a 413 as it arrives, before any credential is checked: an SNS message is at
# most 256 KB and the providers' batches stay well under this.
WEBHOOK_MAX_BYTES = 4 * 1024 * 1024
router = APIRouter(prefix="/webhooks", tags=["webhooks"], max_body_size=WEBHOOK_MAX_BYTES)


def _webhook(provider: str) -> Callable[[Request], Awaitable[dict[str, Any]]]:
    async def receive(request: Request) -> dict[str, Any]:
        return await _receive(request, provider)

    return receive


for _kind in PROVIDERS:  # one route per provider of the registry
    router.add_api_route(
        f"/{_kind.name}",
        _webhook(_kind.name),
        methods=["POST"],
        name=_kind.name,
        summary=_kind.summary,
    )


async def _receive(request: Request, provider: str) -> dict[str, Any]:
    body = await request.body()
    state = AppState.of(request)
    # Verifying may fetch a certificate and recording talks to the database: both block.
    return await run_in_threadpool(_record, state, provider, body, dict(request.headers))


def _record(state: AppState, provider: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    events = state.webhooks.read(provider, body, headers, utcnow())
    try:
        return _take(state, events)
    except IntegrityError:
        # The same events, recorded meanwhile by another process (a retry racing the
        # request it repeats): taken again, they are found and change nothing.
        return _take(state, events)


def _take(state: AppState, events: list[ProviderEvent]) -> dict[str, Any]:
    with state.sessions.begin() as session:
        taken = apply_provider_events(session, events, state.settings, utcnow())
        return {"recorded": len(taken.records), "repeated": taken.repeated}
