"""Whether a link to our own web app leads somewhere: matched against the app's routes and
looked up in the database, without a request over the network."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session
from starlette.routing import BaseRoute, Match

from distributor.errors import NotFound
from distributor.models import Release
from distributor.releases.newsroom import named_version, public_release
from distributor.sending import tracking_tokens, verp


def _email_routes() -> list[BaseRoute]:
    """The public pages an email may link to: journalists' pages, newsroom, media, tracking, sign-up."""
    # Imported here: the web app imports the sending services, not the other way round.
    from distributor.web import journalists, media, newsroom, signup, tracking

    return [
        *journalists.router.routes,
        *newsroom.router.routes,
        *media.router.routes,
        *signup.router.routes,
        *tracking.router.routes,
    ]


def own_link_problem(
    session: Session, url: str, release: Release, secret: str, at: datetime
) -> str | None:
    """Why `url` (on our web app) would not work when the send-out goes at `at`; None if it would.

    The send-out's own release may still be under embargo: its web version opens
    when the embargo lifts, as the email says. Any other release must be public by `at`.
    """
    path = unquote(urlsplit(url).path) or "/"
    params = _match(path)
    if params is None:
        return "no page of the web app has this address"
    if "slug" in params:
        return _release_problem(session, params, release, at)
    token = params.get("token")
    if token is None:
        return None
    if path.startswith("/c/"):
        return (
            None
            if tracking_tokens.read_click_token(token, secret) is not None
            else "bad click token"
        )
    if path.startswith("/o/"):
        return (
            None
            if tracking_tokens.read_open_token(token, secret) is not None
            else "bad image token"
        )
    if path.startswith(("/u/", "/p/")):
        return None if verp.read_token(token, secret) is not None else "bad recipient token"
    return None


def _match(path: str) -> dict[str, str] | None:
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    for route in _email_routes():
        found, child = route.matches(scope)
        if found is Match.FULL:
            return {key: str(value) for key, value in child.get("path_params", {}).items()}
    return None


def _release_problem(
    session: Session, params: dict[str, str], release: Release, at: datetime
) -> str | None:
    slug, language = params["slug"], params.get("language")
    if slug == release.slug:
        found: Release = release
    else:
        try:
            found = public_release(session, slug, at)
        except NotFound:
            return f"no release {slug!r} is public on the newsroom by then"
    if language is not None and named_version(found, language) is None:
        return f"release {slug!r} has no version in {language!r}"
    return None
