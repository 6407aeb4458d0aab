"""/c/<token> and /o/<token>.gif: tracked links and the open image of tracked send-outs.

A click goes only to the URL its signed token carries: an altered or made-up token
gets a plain 404 page and leads nowhere, so these links are never an open redirect.
"""

from __future__ import annotations

import base64
from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from distributor import urls
from distributor.models import utcnow
from distributor.sending import record_click, record_open
from distributor.web.pages import office_problem
from distributor.web.state import AppState

router = APIRouter(tags=["tracking"], include_in_schema=False)
# A 1x1 transparent GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
_NO_CACHE = {
    "Cache-Control": "no-store, no-cache, must-revalidate, max-age=0",
    "Pragma": "no-cache",
    "Expires": "0",
}


@router.get(urls.CLICK, response_model=None)
def click(request: Request, token: str) -> Response:
    """Record the click and send the browser on to the link's own URL."""
    state = AppState.of(request)
    with state.sessions.begin() as session:
        url = record_click(session, token, state.settings.signing_key(), utcnow())
    if url is None:
        return office_problem(request, HTTPStatus.NOT_FOUND, "This link is not valid.")
    # No referrer: the destination need not learn the tracked address.
    return RedirectResponse(
        url,
        status_code=HTTPStatus.FOUND,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@router.get(urls.OPEN_IMAGE, response_model=None)
def open_image(request: Request, token: str) -> Response:
    """The open-counting image: a transparent pixel, never cached, its first load recorded."""
    state = AppState.of(request)
    with state.sessions.begin() as session:
        known = record_open(session, token, state.settings.signing_key(), utcnow())
    if not known:
        return office_problem(request, HTTPStatus.NOT_FOUND, "This image is not valid.")
    return Response(PIXEL, media_type="image/gif", headers=_NO_CACHE)
