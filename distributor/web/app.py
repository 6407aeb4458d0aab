"""The web app: one FastAPI application over the same services as the CLI and the workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi_swagger import patch_fastapi
from sqlalchemy.orm import sessionmaker
from starlette.exceptions import HTTPException

from distributor import __version__
from distributor.bounces import Fetch, WebhookReader, fetch_https
from distributor.config import Settings
from distributor.db import engine_from_settings
from distributor.errors import DistributorError
from distributor.web import (
    admin,
    api,
    health,
    journalists,
    logo,
    media,
    metrics,
    newsroom,
    signup,
    tracking,
    webhooks,
)
from distributor.web.credentials_first import CredentialsFirst
from distributor.web.problems import distributor_error, http_error, validation_error
from distributor.web.state import AppState

STATIC = Path(__file__).parent / "static"  # vendored scripts the admin pages use (htmx)


def create_app(settings: Settings, *, fetch: Fetch = fetch_https) -> FastAPI:
    """The app for these settings; `fetch` is how it GETs SNS certificates and confirmations."""
    engine = engine_from_settings(settings)
    state = AppState(settings, engine, sessionmaker(engine), WebhookReader(settings, fetch))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    # Swagger UI is served from the app itself, not a CDN: docs work on an offline network.
    app = FastAPI(
        title="distributor",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    patch_fastapi(app, redirect_from_root_to_docs=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.distributor = state
    app.add_middleware(CredentialsFirst)
    metrics.install(app, state)  # outermost: refusals are counted too
    app.add_exception_handler(DistributorError, distributor_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)

    # Routes are tried in order, each costing a few microseconds: the busiest doors
    # (health probes, opens and clicks, one-click unsubscribes) come first.
    app.include_router(health.router)
    app.include_router(tracking.router)
    app.include_router(journalists.router)
    app.include_router(webhooks.router)
    app.include_router(newsroom.router)
    app.include_router(media.router)
    app.include_router(logo.router)
    signup.install(app, settings)
    admin.install(app, settings)
    app.include_router(api.router)
    return app
