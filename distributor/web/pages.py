"""Server-rendered HTML pages over `templates/web/`: autoescaped, so names and titles stay text.

The journalists' pages (`office_page`, `office_problem`) carry the office's name and logo
in their header and a way back to the newsroom; `page` and `problem_page` are the bare
frame the admin's own templates build on.
"""

from __future__ import annotations

from functools import lru_cache
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from distributor import urls
from distributor.config import Settings
from distributor.paths import TEMPLATES_DIR
from distributor.rendering import Office
from distributor.web.state import AppState

WEB_TEMPLATES_DIR = TEMPLATES_DIR / "web"
# Pages people reach from an email must never end up in a shared cache or a referrer.
_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def office_of(settings: Settings) -> Office:
    """The office as its pages name it: DISTRIBUTOR_ORGANIZATION and DISTRIBUTOR_LOGO."""
    logo = settings.logo
    if logo is None or not logo.is_file():
        return Office(settings.organization_name)
    # The file's time in the address: a new logo is fetched at once, an unchanged one cached.
    return Office(settings.organization_name, f"{urls.LOGO}?v={int(logo.stat().st_mtime)}")


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


def office_page(
    request: Request,
    template: str,
    title: str,
    status: HTTPStatus = HTTPStatus.OK,
    **variables: Any,
) -> HTMLResponse:
    """A journalist's page: `template` under the office's name and logo."""
    office = office_of(AppState.of(request).settings)
    return page(template, title, status, office=office, **variables)


def office_problem(request: Request, status: HTTPStatus, message: str) -> HTMLResponse:
    """What went wrong, for a journalist: under the office's name, with the way to the newsroom."""
    return office_page(
        request, "problem.html", _PROBLEM_TITLES.get(status, status.phrase), status, message=message
    )


# Headings a reader understands, rather than the protocol's phrases.
_PROBLEM_TITLES = {
    HTTPStatus.NOT_FOUND: "Page not found",
    HTTPStatus.GONE: "This link has expired",
    HTTPStatus.BAD_REQUEST: "Something is missing",
    HTTPStatus.CONFLICT: "This cannot be done",
    HTTPStatus.FORBIDDEN: "Not available",
    HTTPStatus.SERVICE_UNAVAILABLE: "Please try again later",
}
