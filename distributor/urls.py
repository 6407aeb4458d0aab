"""Every public address of the web app: the route patterns its routers mount, the absolute URLs
emails and pages carry (built from DISTRIBUTOR_BASE_URL), and which page a path leads to.

Patterns are written as the routers take them (`/u/{token}`: one path segment a
name). The tokens in them (`tokens`) are URL-safe as made and go in as they are;
slugs, file names and languages are percent-encoded. The admin pages, the API and
the provider webhooks are not linked from mail and keep their routes in their routers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, unquote, urlencode, urlsplit

HOME = "/"
NEWSROOM = "/newsroom"
RELEASE = "/releases/{slug}"  # the web version in the release's default language
RELEASE_VERSION = "/releases/{slug}/{language}"  # the web version in another language
MEDIA = "/media/{slug}/{name}"  # a media kit file, in one of its sizes
# The query parameter of RELEASE and RELEASE_VERSION that opens an embargoed release's web
# version before the lift, for the one recipient whose email carries it (tokens.early_web_token).
EARLY_WEB_KEY = "key"
MEDIA_SIGNATURE = "sig"  # the query parameter of MEDIA that opens a file before its embargo
UNSUBSCRIBE = "/u/{token}"  # the page, its answer, and RFC 8058's one-click POST (List-Unsubscribe)
PREFERENCES = "/p/{token}"
CLICK = "/c/{token}"  # a tracked link
OPEN_IMAGE = "/o/{token}.gif"  # a tracked send-out's open-counting image
SIGNUP = "/newsroom/signup"
SIGNUP_CONFIRM = "/newsroom/confirm/{token}"
SUBSCRIBE_AGAIN = "/u/again/{token}"  # after an unsubscribe: its confirm page and the POST
LOGO = "/logo"  # the office's logo (DISTRIBUTOR_LOGO), on every journalist page

PUBLIC = (
    HOME,
    NEWSROOM,
    RELEASE,
    RELEASE_VERSION,
    MEDIA,
    UNSUBSCRIBE,
    PREFERENCES,
    CLICK,
    OPEN_IMAGE,
    SIGNUP,
    SIGNUP_CONFIRM,
    SUBSCRIBE_AGAIN,
    LOGO,
)
_TOKENS = ("token",)  # names whose values go in unencoded
_PART = re.compile(r"\{(\w+)\}")


def path(pattern: str, **values: str) -> str:
    """The path `pattern` names with `values` filled in: `path(UNSUBSCRIBE, token=…)`."""
    return pattern.format_map(
        {
            name: value if name in _TOKENS else quote(value, safe="")
            for name, value in values.items()
        }
    )


def url(base_url: str, pattern: str, query: Mapping[str, str] | None = None, **values: str) -> str:
    """The absolute URL of `path(pattern, **values)` on the web app at `base_url`, with `query`."""
    found = absolute(base_url, path(pattern, **values))
    return f"{found}?{urlencode(query)}" if query else found


def absolute(base_url: str, site_path: str) -> str:
    """The absolute URL of a path (one `path` made) on the web app at `base_url`."""
    return base_url.rstrip("/") + site_path


def route(address: str) -> tuple[str, dict[str, str]] | None:
    """The public pattern a URL or path (percent-encoded, as sent) leads to, with its values
    decoded; None when it is no public page."""
    decoded = unquote(urlsplit(address).path) or "/"
    for pattern, compiled in _COMPILED:
        match = compiled.fullmatch(decoded)
        if match is not None:
            return pattern, match.groupdict()
    return None


def _compiled(pattern: str) -> re.Pattern[str]:
    """`pattern` as the web app matches it: each `{name}` one path segment."""
    pieces = _PART.split(pattern)  # literal text at even positions, names at odd ones
    return re.compile(
        "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>[^/]+)"
            for index, piece in enumerate(pieces)
        )
    )


_COMPILED = tuple((pattern, _compiled(pattern)) for pattern in PUBLIC)
