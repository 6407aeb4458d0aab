"""`distributor web`: the web app in uvicorn."""

from __future__ import annotations

import typer

from distributor.cli.context import database_session
from distributor.web import serve


def web(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the web app: the admin, the journalists' pages, the newsroom, the API and webhooks.

    The admin is at /admin, the REST API under /api/v1 (documented at /docs), the
    providers' bounce webhooks under /webhooks/, and /healthz answers health probes.
    Stop with Ctrl-C or SIGTERM.
    """
    with database_session():
        pass  # refuses to start on a database that is unreachable or not upgraded
    serve(host, port)
