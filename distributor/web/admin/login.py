"""/admin/login and /admin/logout: where a browser session starts and ends."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from distributor.web.admin import forms
from distributor.web.admin.access import Reader
from distributor.web.admin.views import see_other
from distributor.web.csrf import csrf_protected
from distributor.web.pages import page
from distributor.web.sessions import LOGIN_PATH, Browsers, local_path, log_in, log_out

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
    """Start a session and go where the user was headed; a wrong password shows the form again,
    the email kept."""
    target = local_path(target)
    form = forms.Form({"email": email.strip()})
    if not form.value("email"):
        form.refuse("email", "Enter the email address you log in with.")
    if not password:
        form.refuse("password", "Enter your password.")
    if not form.valid:
        return _form(target, form, form.status)
    session = log_in(request, form.value("email"), password)
    if session is None:
        failed = "The email or password is not right. Check both and try again."
        return _form(target, form, HTTPStatus.UNAUTHORIZED, failed)
    response = see_other(target)
    Browsers.of(request).cookies.set(response, session)
    return response


@router.post("/admin/logout", dependencies=[Depends(csrf_protected)])
def logout(request: Request, who: Reader) -> RedirectResponse:
    log_out(request, who)
    response = see_other(LOGIN_PATH)
    Browsers.of(request).cookies.clear(response)
    return response


def _form(
    target: str,
    form: forms.Form | None = None,
    status: HTTPStatus = HTTPStatus.OK,
    failed: str | None = None,
) -> HTMLResponse:
    """The login form, filled in as posted; `failed` says why the last attempt let no one in."""
    shown = form or forms.Form()
    response = page("admin/login.html", TITLE, status, next=target, form=shown, failed=failed)
    response.headers["X-Frame-Options"] = "DENY"
    return response
