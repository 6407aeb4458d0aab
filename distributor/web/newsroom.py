"""The public newsroom (/newsroom, with / leading there) and each release's web version."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from distributor import urls
from distributor.errors import NotFound
from distributor.models import utcnow
from distributor.releases import named_version, public_release, public_releases, web_path
from distributor.rendering import web_version
from distributor.web.pages import page, problem_page
from distributor.web.state import AppState

router = APIRouter(tags=["newsroom"], include_in_schema=False)


@router.get(urls.HOME)
def home() -> RedirectResponse:
    return RedirectResponse(urls.NEWSROOM, status_code=HTTPStatus.SEE_OTHER)


@router.get(urls.NEWSROOM)
def newsroom(request: Request) -> HTMLResponse:
    with AppState.of(request).sessions() as session:
        releases = public_releases(session, utcnow())
    signup = bool(AppState.of(request).settings.signup_list_slugs)
    return page("newsroom.html", "Newsroom", releases=releases, signup=signup)


@router.get(urls.RELEASE)
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


@router.get(urls.RELEASE_VERSION, response_model=None)
def translated_release(request: Request, slug: str, language: str) -> Response:
    """The release in one of its languages; a language it is not written in is 404.

    Another spelling of a version's language (`RU`, `ru-RU`) and the default language
    lead, permanently, to the version's one address.
    """
    state = AppState.of(request)
    now = utcnow()
    try:
        with state.sessions() as session:
            found = public_release(session, slug, now)
            version = named_version(found, language)
            if version is None:
                raise NotFound(f"release {slug!r} has no version in {language!r}")
            if version.language != language or version.language == found.default_language:
                path = web_path(found, version.language)
                return RedirectResponse(path, status_code=HTTPStatus.PERMANENT_REDIRECT)
            html = web_version(
                found, state.settings.from_address, state.settings.base_url, now, version.language
            )
    except NotFound:
        return problem_page(
            HTTPStatus.NOT_FOUND, "There is no public release in this language at this address."
        )
    return HTMLResponse(html)
