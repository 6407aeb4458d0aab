"""The public newsroom (/newsroom, with / leading there) and each release's web version."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.errors import NotFound
from distributor.models.base import utcnow
from distributor.releases.newsroom import public_release, public_releases, web_version
from distributor.web.pages import page, problem_page
from distributor.web.state import AppState

router = APIRouter(tags=["newsroom"], include_in_schema=False)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/newsroom", status_code=HTTPStatus.SEE_OTHER)


@router.get("/newsroom")
def newsroom(request: Request) -> HTMLResponse:
    with AppState.of(request).sessions() as session:
        releases = public_releases(session, utcnow())
    signup = bool(AppState.of(request).settings.signup_list_slugs)
    return page("newsroom.html", "Newsroom", releases=releases, signup=signup)


@router.get("/releases/{slug}")
def release(request: Request, slug: str) -> HTMLResponse:
    """The release as its email shows it; unknown and still embargoed releases alike are 404."""
    state = AppState.of(request)
    now = utcnow()
    try:
        with state.sessions() as session:
            found = public_release(session, slug, now)
            html = web_version(found, state.settings.from_address, state.settings.base_url, now)
    except NotFound:
        return problem_page(HTTPStatus.NOT_FOUND, "There is no public release at this address.")
    return HTMLResponse(html)
