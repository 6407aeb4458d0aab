"""A release's web version: rendered by the same renderer as the email, filled in with neutral
values instead of one recipient's, so it carries no personal links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from distributor import urls
from distributor.models import Release, ReleaseVersion
from distributor.releases import body_html, web_path
from distributor.rendering.compose import Office, RenderContext, VersionLink, render_release
from distributor.rendering.views import release_view
from distributor.wording import read_in


@dataclass(frozen=True)
class EarlyReader:
    """A recipient reading before the embargo lifts, with the key their email's link carries."""

    key: str  # kept on the links to the other language versions
    media_secret: str  # signs the media links, which are not public yet either


def web_version(
    release: Release,
    sender: str,
    base_url: str,
    now: datetime,
    language: str | None = None,
    *,
    early: EarlyReader | None = None,
    office: Office | None = None,
) -> str:
    """The release's HTML in `language` as the email shows it, its footer leading to the newsroom.

    A reader of the web page has no personal links, and may not be a subscriber at all.
    The page names its other language versions, as alternates and as visible links, and
    carries the `office`'s logo and name above the release.
    """
    base = base_url.rstrip("/")
    secret = early.media_secret if early else None
    view = release_view(release, language, body_html, base, media_secret=secret)
    query = f"?{urlencode({urls.EARLY_WEB_KEY: early.key})}" if early else ""
    versions = tuple(
        VersionLink(
            language=version.language,
            url=urls.absolute(base, web_path(release, version.language)) + query,
            label=read_in(version.language),
            current=version.language == view.language,
        )
        for version in sorted(release.versions, key=_default_first(release))
    )
    context = RenderContext(
        sender=sender,
        now=now,
        newsroom_url=urls.url(base, urls.NEWSROOM),
        versions=versions,
        office=office,
    )
    return render_release(view, context).html


def _default_first(release: Release) -> Callable[[ReleaseVersion], tuple[bool, str]]:
    return lambda version: (version.language != release.default_language, version.language)
