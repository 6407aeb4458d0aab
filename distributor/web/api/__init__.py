"""The REST API under /api/v1: thin routes over the services the CLI calls, authenticated
by API keys, answering errors as RFC 9457 problem details."""

from __future__ import annotations

from fastapi import APIRouter

from distributor.web.api import (
    bounces,
    contacts,
    lists,
    moves,
    releases,
    sendouts,
    suppressions,
    timeline,
)

PREFIX = "/api/v1"

BODY_MAX_BYTES = 4 * 1024 * 1024  # a release's text is a few hundred KB at most
router = APIRouter(prefix=PREFIX, max_body_size=BODY_MAX_BYTES)
for resource in (lists, contacts, timeline, moves, releases, sendouts, suppressions, bounces):
    router.include_router(resource.router)
