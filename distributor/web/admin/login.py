"""/admin/login (with its second step, /admin/login/code) and /admin/logout: where a browser
session starts and ends."""

from __future__ import annotations

import time
from http import HTTPStatus
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from distributor.web.admin import forms
from distributor.web.admin.access import Reader
from distributor.web.admin.views import see_other
from distributor.web.csrf import csrf_protected
from distributor.web.pages import page
from distributor.web.sessions import (
    CODE_PATH,
    LOGIN_PATH,
    SECOND_STEP_COOKIE,
    Browsers,
    SecondStep,
    finish_login,
    local_path,
    log_in,
    log_out,
)

router = APIRouter()
TITLE = "Log in"
CODE_TITLE = "Log in: your code"


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
    cookies = Browsers.of(request).cookies
    if isinstance(session, SecondStep):
        response = see_other(f"{CODE_PATH}?next={quote(target, safe='')}")
        cookies.set_second_step(response, session)
        return response
    response = see_other(target)
    cookies.set(response, session)
    return response


@router.get(CODE_PATH, response_model=None)
def code_page(
    request: Request, target: Annotated[str, Query(alias="next")] = ""
) -> HTMLResponse | RedirectResponse:
    if _second_step(request) is None:  # no password given lately: start again
        return see_other(LOGIN_PATH)
    return _code_form(local_path(target))


@router.post(CODE_PATH, response_model=None)
def enter_code(
    request: Request,
    code: Annotated[str, Form()] = "",
    target: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """The second step: the app's code or a recovery code starts the session; a wrong one
    shows the form again and counts towards the lock, as a wrong password does."""
    target = local_path(target)
    step = _second_step(request)
    if step is None:
        return see_other(LOGIN_PATH)
    form = forms.Form()
    if not code.strip():
        form.refuse("code", "Type the six digits your authenticator app shows now.")
        return _code_form(target, form, form.status)
    session = finish_login(request, step, code)
    if session is None:
        failed = (
            "That code is not right, or was used already. Type the code the app shows now "
            "(it changes every 30 seconds), or a recovery code you have not used."
        )
        return _code_form(target, form, HTTPStatus.UNAUTHORIZED, failed)
    response = see_other(target)
    cookies = Browsers.of(request).cookies
    cookies.clear_second_step(response)
    cookies.set(response, session)
    return response


@router.post("/admin/logout", dependencies=[Depends(csrf_protected)])
def logout(request: Request, who: Reader) -> RedirectResponse:
    log_out(request, who)
    response = see_other(LOGIN_PATH)
    Browsers.of(request).cookies.clear(response)
    return response


def _second_step(request: Request) -> SecondStep | None:
    cookies = Browsers.of(request).cookies
    return cookies.second_step(request.cookies.get(SECOND_STEP_COOKIE), time.time())


def _form(
    target: str,
    form: forms.Form | None = None,
    status: HTTPStatus = HTTPStatus.OK,
    failed: str | None = None,
    template: str = "admin/login.html",
    title: str = TITLE,
) -> HTMLResponse:
    """The login form (or its second step), filled in as posted; `failed` says why the last
    attempt let no one in."""
    shown = form or forms.Form()
    response = page(template, title, status, next=target, form=shown, failed=failed)
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _code_form(
    target: str,
    form: forms.Form | None = None,
    status: HTTPStatus = HTTPStatus.OK,
    failed: str | None = None,
) -> HTMLResponse:
    return _form(target, form, status, failed, "admin/login_code.html", CODE_TITLE)
