"""A release's media kit on the web: /media/<release slug>/<file>, pictures in each size
and documents, for releases the newsroom shows, and before that by the signed
addresses emails carry (`?sig=…`)."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from distributor import urls
from distributor.errors import NotFound
from distributor.models import utcnow
from distributor.releases import media_file
from distributor.web.pages import office_problem
from distributor.web.state import AppState

router = APIRouter(tags=["newsroom"], include_in_schema=False)

# A name may be given to another file when its release is edited: browsers ask again
# after an hour, and the ETag makes that question cheap.
CACHE_CONTROL = "public, max-age=3600"
# Served by signature before the embargo lifts: no shared cache may keep it and show it early.
PRIVATE_CACHE_CONTROL = "private, no-store"


@router.get(urls.MEDIA, response_model=None)
def media(request: Request, slug: str, name: str) -> Response:
    state = AppState.of(request)
    signature = request.query_params.get(urls.MEDIA_SIGNATURE)
    try:
        with state.sessions() as session:
            found = media_file(session, state.settings, slug, name, utcnow(), signature)
    except NotFound:
        return office_problem(
            request, HTTPStatus.NOT_FOUND, "There is no public file at this address."
        )
    headers = {
        "ETag": found.etag,
        "Cache-Control": CACHE_CONTROL if found.public else PRIVATE_CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if found.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=HTTPStatus.NOT_MODIFIED, headers=headers)
    return FileResponse(
        found.path,
        media_type=found.content_type,
        headers=headers,
        filename=found.download_name,
        content_disposition_type="attachment",
    )
