"""The admin UI: server-rendered pages under /admin that work without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from distributor.config import Settings
from distributor.web.admin import (
    api_keys,
    audit,
    bounces,
    contact,
    contacts,
    dashboard,
    follow_ups,
    imports,
    lists,
    login,
    me,
    releases,
    reports,
    segments,
    sendouts,
    suppressions,
    two_step,
    users,
)
from distributor.web.admin.refusals import install_refusals
from distributor.web.admin.storable import storable_input
from distributor.web.sessions import install_sessions

# The admin's forms are small; uploads cap their own bodies (see `capped`).
FORM_MAX_BYTES = 2 * 1024 * 1024
router = APIRouter(
    include_in_schema=False,
    max_body_size=FORM_MAX_BYTES,
    dependencies=[Depends(storable_input)],
)
for part in (
    login,
    dashboard,
    releases,
    sendouts,
    reports,
    follow_ups,
    lists,
    imports,
    segments,
    contacts,
    contact,
    suppressions,
    bounces,
    audit,
    users,
    api_keys,
    me,
    two_step,
):
    router.include_router(part.router)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the admin pages to `app`, with the browser sessions they need."""
    install_sessions(app, settings)
    install_refusals(app)
    app.include_router(router)
