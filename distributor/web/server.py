"""Serving the web app with uvicorn, for `distributor web` to call."""

from __future__ import annotations

import uvicorn

from distributor.config import Settings, get_settings
from distributor.observability import configure_logging
from distributor.web.app import create_app


def serve(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> None:
    """Serve until interrupted; uvicorn's records go through distributor's logging."""
    settings = settings or get_settings()
    configure_logging(settings)
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_config=None,
        log_level=settings.log_level.lower(),
    )
