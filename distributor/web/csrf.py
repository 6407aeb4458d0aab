"""CSRF protection for the admin forms: each POST carries a token bound to the browser session.

The token is an HMAC of the session's random id under a key of its own, so another site
can neither read nor forge it. The journalists' pages and the webhooks are not covered:
their signed links and provider credentials are their own proof.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache
from http import HTTPStatus
from typing import Annotated

from fastapi import Depends, Form, Request

from distributor.web.sessions import PageRefused, SignedIn, signed_in
from distributor.web.state import AppState

FIELD = "csrf_token"
_SALT = b"distributor.web.csrf"


@cache
def _key(signing_key: str) -> bytes:
    return hmac.new(signing_key.encode(), _SALT, hashlib.sha256).digest()


def csrf_token(request: Request, who: SignedIn) -> str:
    """The token the forms of `who`'s pages carry."""
    key = _key(AppState.of(request).settings.signing_key())
    return hmac.new(key, who.session.id.encode(), hashlib.sha256).hexdigest()


def csrf_protected(
    request: Request,
    who: Annotated[SignedIn, Depends(signed_in)],
    token: Annotated[str, Form(alias=FIELD)] = "",
) -> None:
    """The dependency of every admin POST: a missing or wrong token is refused (403) before
    the route runs, so nothing changes."""
    if not hmac.compare_digest(csrf_token(request, who).encode(), token.encode()):
        raise PageRefused(
            HTTPStatus.FORBIDDEN,
            "This form has expired or did not come from this site. Nothing has changed; "
            "go back, reload the page and try again.",
        )
