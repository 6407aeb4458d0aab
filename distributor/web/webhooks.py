"""POST /webhooks/<provider>: bounces and complaints from email providers.

Thin: the body and headers go to the provider of that name in distributor.bounces.providers,
which verifies and reads them; a refused request is a 403 and an unreadable one a 400, as
problem details.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from distributor.bounces import apply_provider_events
from distributor.models import utcnow
from distributor.web.state import AppState

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post("/ses", summary="Amazon SES bounces and complaints, through an SNS subscription")
async def ses(request: Request) -> dict[str, Any]:
    return await _receive(request, "ses")


@router.post("/sendgrid", summary="SendGrid's signed event webhook")
async def sendgrid(request: Request) -> dict[str, Any]:
    return await _receive(request, "sendgrid")


@router.post("/postmark", summary="Postmark bounce and spam complaint webhooks")
async def postmark(request: Request) -> dict[str, Any]:
    return await _receive(request, "postmark")


@router.post("/mailgun", summary="Mailgun's failed and complained event webhooks")
async def mailgun(request: Request) -> dict[str, Any]:
    return await _receive(request, "mailgun")


async def _receive(request: Request, provider: str) -> dict[str, Any]:
    body = await request.body()
    state = AppState.of(request)
    # Verifying may fetch a certificate and recording talks to the database: both block.
    return await run_in_threadpool(_record, state, provider, body, dict(request.headers))


def _record(state: AppState, provider: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    events = state.webhooks.read(provider, body, headers, utcnow())
    with state.sessions.begin() as session:
        records = apply_provider_events(session, events, state.settings, utcnow())
        return {"recorded": len(records)}
