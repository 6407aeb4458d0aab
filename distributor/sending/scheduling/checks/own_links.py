"""Whether a link to our own web app leads somewhere: matched against the public addresses
(`urls`) and looked up in the database, without a request over the network."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from distributor import tokens, urls
from distributor.errors import NotFound
from distributor.models import Release
from distributor.releases import named_version, public_release

# The signed tokens an address carries: whether one is ours, and what to say when it is not.
_TOKEN_CHECKS: dict[str, tuple[Callable[[str, str], object | None], str]] = {
    urls.CLICK: (tokens.read_click_token, "bad click token"),
    urls.OPEN_IMAGE: (tokens.read_open_token, "bad image token"),
    urls.UNSUBSCRIBE: (tokens.read_delivery_token, "bad recipient token"),
    urls.PREFERENCES: (tokens.read_delivery_token, "bad recipient token"),
}


def own_link_problem(
    session: Session, url: str, release: Release, secret: str, at: datetime
) -> str | None:
    """Why `url` (on our web app) would not work when the send-out goes at `at`; None if it would.

    The send-out's own release may still be under embargo: its web version opens
    when the embargo lifts, as the email says. Any other release must be public by `at`.
    """
    found = urls.route(url)
    if found is None:
        return "no page of the web app has this address"
    pattern, values = found
    if "slug" in values:
        return _release_problem(session, values, release, at)
    if pattern in _TOKEN_CHECKS:
        read, problem = _TOKEN_CHECKS[pattern]
        return None if read(values["token"], secret) is not None else problem
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
