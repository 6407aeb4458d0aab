"""/logo: the office's logo (DISTRIBUTOR_LOGO), served by the app itself so no page of ours
loads anything from another host."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from distributor import urls
from distributor.web.pages import office_problem
from distributor.web.state import AppState

router = APIRouter(tags=["newsroom"], include_in_schema=False)
_HEADERS = {
    # The pages ask for it with the file's time in the address: a new file is a new address.
    "Cache-Control": "public, max-age=86400",
    "X-Content-Type-Options": "nosniff",
    # An SVG opened on its own runs no script and loads nothing.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


@router.get(urls.LOGO, response_model=None)
def logo(request: Request) -> Response:
    settings = AppState.of(request).settings
    if settings.logo is None or not settings.logo.is_file():
        return office_problem(request, HTTPStatus.NOT_FOUND, "There is no logo at this address.")
    return FileResponse(settings.logo, media_type=settings.logo_type, headers=_HEADERS)
