"""/admin/login and /admin/logout: where a browser session starts and ends."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from distributor.web.admin.access import Reader
from distributor.web.admin.views import see_other
from distributor.web.csrf import csrf_protected
from distributor.web.pages import page
from distributor.web.sessions import LOGIN_PATH, Browsers, local_path, log_in

router = APIRouter()
TITLE = "Log in"


@router.get(LOGIN_PATH)
def login_page(target: Annotated[str, Query(alias="next")] = "") -> HTMLResponse:
    return _form(local_path(target))


@router.post(LOGIN_PATH)
def login(
    request: Request,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    target: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Start a session and go where the user was headed; a wrong password shows the form again."""
    target = local_path(target)
    session = log_in(request, email, password)
    if session is None:
        return _form(target, email, "The email or password is not right.", HTTPStatus.UNAUTHORIZED)
    response = see_other(target)
    Browsers.of(request).cookies.set(response, session)
    return response


@router.post("/admin/logout", dependencies=[Depends(csrf_protected)])
def logout(request: Request, who: Reader) -> RedirectResponse:
    response = see_other(LOGIN_PATH)
    Browsers.of(request).cookies.clear(response)
    return response


def _form(
    target: str, email: str = "", error: str | None = None, status: HTTPStatus = HTTPStatus.OK
) -> HTMLResponse:
    response = page("admin/login.html", TITLE, status, next=target, email=email, error=error)
    response.headers["X-Frame-Options"] = "DENY"
    return response
