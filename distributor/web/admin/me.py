"""/admin/me: the signed-in user's own settings: the time zone their times are shown in, their
password, two-step login (see `two_step`), and the browsers where they are logged in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import (
    MIN_PASSWORD_LENGTH,
    available_zones,
    change_password,
    get_user,
    list_login_sessions,
    log_out_everywhere,
    set_time_zone,
)
from distributor.errors import InvalidInput, WrongPassword
from distributor.models import LoginSession
from distributor.web.admin import forms
from distributor.web.admin.access import Reader
from distributor.web.admin.views import admin_page, done, see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import LOGIN_PATH, Browsers, SignedIn, refuse_while_limited

router = APIRouter()
PATH = "/admin/me"

Text = Annotated[str, Form()]


@router.get(PATH)
def settings_page(request: Request, who: Reader) -> HTMLResponse:
    return _page(request, who)


@router.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
def save_settings(
    request: Request, who: Reader, time_zone: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    form = forms.Form({"time_zone": time_zone})
    if time_zone not in available_zones():
        form.refuse("time_zone", "Choose your time zone from the list, such as Europe/Paris.")
        return _page(request, who, form)
    with transaction(request) as session:
        set_time_zone(session, get_user(session, who.email), time_zone, who.principal.actor)
    return done(request, PATH, f"Times are now shown in {time_zone}.")


@router.post(f"{PATH}/password", dependencies=[Depends(csrf_protected)], response_model=None)
def save_password(
    request: Request,
    who: Reader,
    current_password: Text = "",
    new_password: Text = "",
    new_password_again: Text = "",
) -> HTMLResponse | RedirectResponse:
    """Change the password; every other browser logged in as this user must log in again."""
    form = forms.Form()  # every field is a password: none is shown again
    if not current_password:
        form.refuse("current_password", "Type the password you log in with now.")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        form.refuse(
            "new_password",
            f"Choose a new password of at least {MIN_PASSWORD_LENGTH} characters: a few words are "
            "easy to remember and hard to guess.",
        )
    elif new_password_again != new_password:
        form.refuse("new_password_again", "Type the same new password again, to be sure of it.")
    if not form.valid:
        return _page(request, who, password_form=form)
    limiter = Browsers.of(request).limiter
    # a stolen cookie must not become a way to guess the password
    client = refuse_while_limited(request, who.email, "Too many wrong passwords.")
    with transaction(request) as session:
        user = get_user(session, who.email)
        try:
            change_password(
                session,
                user,
                current_password,
                new_password,
                who.principal.actor,
                keep=who.session_key,
            )
        except WrongPassword:
            limiter.record(who.email, client)
            field, why = "current_password", "This is not the password you log in with now."
        except InvalidInput:
            field, why = "new_password", "Choose another new password, of a few words."
        else:
            limiter.reset(who.email, client)
            return done(
                request,
                PATH,
                "Your password is changed. Anywhere else you were logged in, "
                "you must log in again.",
            )
    form.refuse(field, f"{why} Type it again.")
    return _page(request, who, password_form=form)


@router.post(f"{PATH}/log-out-everywhere", dependencies=[Depends(csrf_protected)])
def log_out_of_every_browser(request: Request, who: Reader) -> RedirectResponse:
    """End every session of this user, this one too: a lost phone or laptop is logged out."""
    with transaction(request) as session:
        log_out_everywhere(session, get_user(session, who.email), who.principal.actor)
    response = see_other(LOGIN_PATH)
    Browsers.of(request).cookies.clear(response)
    return response


def _page(
    request: Request,
    who: SignedIn,
    form: forms.Form | None = None,
    password_form: forms.Form | None = None,
) -> HTMLResponse:
    password_form = password_form or forms.Form()
    with transaction(request) as session:
        user = get_user(session, who.email)
        form = form or forms.Form({"time_zone": user.time_zone or "UTC"})
        browsers = [_Browser.of(row, who.session_key) for row in list_login_sessions(session, user)]
        two_step_on = user.totp_enabled_at is not None
    zones = [(zone, zone.replace("_", " ")) for zone in sorted(available_zones())]
    status = form.status if not form.valid else password_form.status
    return admin_page(
        request,
        who,
        "me.html",
        "Your settings",
        status,
        form=form,
        password_form=password_form,
        zones=zones,
        browsers=browsers,
        two_step_on=two_step_on,
        min_password=MIN_PASSWORD_LENGTH,
    )


@dataclass(frozen=True)
class _Browser:
    """One live login session, as its user sees it in the list of where they are logged in."""

    started: datetime
    last_seen: datetime
    address: str
    name: str
    is_this_one: bool

    @classmethod
    def of(cls, row: LoginSession, current: str) -> _Browser:
        return cls(
            row.created_at,
            row.last_seen_at,
            row.client_address or "an unknown address",
            browser_name(row.user_agent),
            row.id == current,
        )


# Most specific first: Edge and Opera also say Chrome, and Chrome also says Safari.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("CriOS/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "an iPhone"),
    ("iPad", "an iPad"),
    ("Android", "Android"),
    ("CrOS", "a Chromebook"),
    ("Windows", "Windows"),
    ("Macintosh", "a Mac"),
    ("Linux", "Linux"),
)
_PROGRAM = re.compile(r"^[\w.-]+")


def browser_name(user_agent: str | None) -> str:
    """What a browser calls itself, in a few words: "Firefox on Windows", "Safari on an iPhone"."""
    if not user_agent:
        return "An unknown browser"
    name = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((system for mark, system in _SYSTEMS if mark in user_agent), None)
    if name is None:
        program = _PROGRAM.match(user_agent)  # "curl/8.5.0" → curl
        name = program.group(0) if program else "An unknown browser"
    return f"{name} on {system}" if system else name
