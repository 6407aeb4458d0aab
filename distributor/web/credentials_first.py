"""A request bringing a body to the admin or the API without any credential is turned away
before its body is read.

FastAPI reads a body (a form, an upload, JSON) before the dependencies that check who
sent it, so anyone could make the app receive, and spool to memory or disk, a form
or an upload as large as the route allows. This only looks for a credential (an
admin session cookie that is ours and unexpired, an `Authorization: Bearer` header);
the routes still check it in full. Logging in, which has no credential yet, is left
to its own small body limit.
"""

from __future__ import annotations

import time
from http import HTTPStatus
from urllib.parse import quote

from starlette.requests import HTTPConnection
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from distributor.web.api import PREFIX as API_PREFIX
from distributor.web.problems import problem
from distributor.web.sessions import (
    CODE_PATH,
    COOKIE,
    HOME_PATH,
    LOGIN_PATH,
    SECOND_STEP_COOKIE,
    Browsers,
)

_READ_ONLY = frozenset({"GET", "HEAD", "OPTIONS"})
_API = f"{API_PREFIX}/"
_ADMIN = f"{HOME_PATH}/"
_GUARDED = (_API, _ADMIN)
_API_KEY_NEEDED = (
    "this API needs an API key: send `Authorization: Bearer dst_…`; "
    "make one with `distributor users keys create`"
)


class CredentialsFirst:
    """The middleware: refuses admin and API requests with a body and no credential."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The path is read from the scope as it is: the busiest POSTs (one-click
        # unsubscribes) are neither admin nor API and should pay nothing here.
        if (
            scope["type"] == "http"
            and scope["method"] not in _READ_ONLY
            and scope["path"].startswith(_GUARDED)
        ):
            refusal = _refusal(HTTPConnection(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refusal(request: HTTPConnection) -> Response | None:
    path = request.url.path
    if path.startswith(_API):
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and key.strip():
            return None
        return problem(HTTPStatus.UNAUTHORIZED, _API_KEY_NEEDED, {"WWW-Authenticate": "Bearer"})
    if path.startswith(_ADMIN) and path != LOGIN_PATH:
        cookies, now = Browsers.of(request).cookies, time.time()
        cookie = request.cookies.get(COOKIE)
        if cookie and cookies.decode(cookie, now) is not None:
            return None
        if path == CODE_PATH and cookies.second_step(request.cookies.get(SECOND_STEP_COOKIE), now):
            return None  # past the password, giving the code
        target = f"{LOGIN_PATH}?next={quote(HOME_PATH, safe='')}"
        return RedirectResponse(target, HTTPStatus.SEE_OTHER)
    return None
