"""CSRF protection for the admin forms: each POST carries a token bound to the browser session.

The token is an HMAC of the session's random id (`tokens.csrf_token`), so another site
can neither read nor forge it. The journalists' pages and the webhooks are not covered:
their signed links and provider credentials are their own proof.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import Depends, Form, Request

from distributor import tokens
from distributor.web.sessions import PageRefused, SignedIn, signed_in
from distributor.web.state import AppState

FIELD = "csrf_token"


def csrf_token(request: Request, who: SignedIn) -> str:
    """The token the forms of `who`'s pages carry."""
    return tokens.csrf_token(who.session.id, AppState.of(request).settings.signing_key())


def csrf_protected(
    request: Request,
    who: Annotated[SignedIn, Depends(signed_in)],
    token: Annotated[str, Form(alias=FIELD)] = "",
) -> None:
    """The dependency of every admin POST: a missing or wrong token is refused (403) before
    the route runs, so nothing changes."""
    secret = AppState.of(request).settings.signing_key()
    if not tokens.csrf_token_valid(who.session.id, token, secret):
        raise PageRefused(
            HTTPStatus.FORBIDDEN,
            "This form has expired or did not come from this site. Nothing has changed; "
            "go back, reload the page and try again.",
        )
