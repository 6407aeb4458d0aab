"""Server-rendered HTML pages over `templates/web/`: autoescaped, so names and titles stay text."""

from __future__ import annotations

from functools import lru_cache
from http import HTTPStatus
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from distributor.paths import TEMPLATES_DIR

WEB_TEMPLATES_DIR = TEMPLATES_DIR / "web"
# Pages people reach from an email must never end up in a shared cache or a referrer.
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@lru_cache(maxsize=1)
def web_environment() -> Environment:
    """Templates are read once per process: no file check per page (a deploy restarts the app)."""
    return Environment(
        loader=FileSystemLoader(WEB_TEMPLATES_DIR),
        auto_reload=False,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def page(
    template: str, title: str, status: HTTPStatus = HTTPStatus.OK, **variables: Any
) -> HTMLResponse:
    """The page `template` rendered with `variables`."""
    html = web_environment().get_template(template).render(title=title, **variables)
    return HTMLResponse(html, status_code=status.value, headers=_HEADERS)


def problem_page(status: HTTPStatus, message: str) -> HTMLResponse:
    """A plain page saying what went wrong, with its status."""
    return page("problem.html", status.phrase, status, message=message)
