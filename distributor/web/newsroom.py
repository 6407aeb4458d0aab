"""The public newsroom (/newsroom, with / leading there) and each release's web version."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from distributor import urls
from distributor.errors import NotFound
from distributor.models import Release, utcnow
from distributor.releases import named_version, public_releases, readable_release, web_path
from distributor.rendering import EarlyReader, release_embargo, web_version
from distributor.web.pages import office_of, office_page, office_problem
from distributor.web.state import AppState

router = APIRouter(tags=["newsroom"], include_in_schema=False)
_EARLY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


@router.get(urls.HOME)
def home() -> RedirectResponse:
    return RedirectResponse(urls.NEWSROOM, status_code=HTTPStatus.SEE_OTHER)


@router.get(urls.NEWSROOM)
def newsroom(request: Request, q: str = "") -> HTMLResponse:
    """The releases whose time has come, newest first; `q` keeps those with all its words."""
    query = " ".join(q.split())[:200]
    with AppState.of(request).sessions() as session:
        releases = public_releases(session, utcnow(), query)
    signup = bool(AppState.of(request).settings.signup_list_slugs)
    title = f"Search results for “{query}”" if query else "Newsroom"
    return office_page(
        request, "newsroom.html", title, releases=releases, signup=signup, query=query
    )


@router.get(urls.RELEASE, response_model=None)
def release(request: Request, slug: str) -> Response:
    """The release as its email shows it; unknown releases are 404, embargoed ones say until when."""
    return _web_version(request, slug, None)


@router.get(urls.RELEASE_VERSION, response_model=None)
def translated_release(request: Request, slug: str, language: str) -> Response:
    """The release in one of its languages; a language it is not written in is 404.

    Another spelling of a version's language (`RU`, `ru-RU`) and the default language
    lead, permanently, to the version's one address (with the reader's key, if any).
    """
    return _web_version(request, slug, language)


def _web_version(request: Request, slug: str, language: str | None) -> Response:
    """The web version of `slug` in `language` (None: the default one) for this reader.

    Before the embargo lifts it opens only for the recipient whose email link carries
    their key; anyone else learns until when the release is under embargo.
    """
    state = AppState.of(request)
    settings = state.settings
    now = utcnow()
    key = request.query_params.get(urls.EARLY_WEB_KEY)
    missing = "There is no public release at this address."
    try:
        with state.sessions() as session:
            found = readable_release(session, slug, now, key, settings.signing_key())
            release = found.release
            if not found.readable:
                return _embargo_page(request, release)
            chosen = None
            if language is not None:
                missing = "There is no public release in this language at this address."
                version = named_version(release, language)
                if version is None:
                    raise NotFound(f"release {slug!r} has no version in {language!r}")
                if version.language != language or version.language == release.default_language:
                    path = web_path(release, version.language)
                    query = {urls.EARLY_WEB_KEY: key} if key and found.early else None
                    return RedirectResponse(
                        f"{path}?{urlencode(query)}" if query else path,
                        status_code=HTTPStatus.PERMANENT_REDIRECT,
                    )
                chosen = version.language
            early = EarlyReader(key, settings.signing_key()) if found.early and key else None
            html = web_version(
                release,
                settings.sender_name(release.organization),
                settings.base_url,
                now,
                chosen,
                early=early,
                office=office_of(settings),
            )
    except NotFound:
        return office_problem(request, HTTPStatus.NOT_FOUND, missing)
    # A page read before the lift must stay out of shared caches, referrers and search engines.
    headers = _EARLY_HEADERS if found.early else None
    return HTMLResponse(html, headers=headers)


def _embargo_page(request: Request, release: Release) -> HTMLResponse:
    return office_page(
        request,
        "embargoed.html",
        "Under embargo",
        HTTPStatus.FORBIDDEN,
        organization=release.organization,
        lift=release_embargo(release, "en"),
    )
