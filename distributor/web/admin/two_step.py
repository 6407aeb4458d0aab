"""/admin/me/two-step: the signed-in user's two-step login: set it up with a QR code drawn
here (nothing leaves the server), new recovery codes, or back to the password alone."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from distributor.accounts import (
    Enrolment,
    authenticate,
    check_second_step,
    confirm_two_factor,
    enrolment,
    get_user,
    new_recovery_codes,
    recovery_codes_left,
    start_two_factor,
    turn_off_two_factor,
)
from distributor.errors import InvalidInput
from distributor.models import Role, User, utcnow
from distributor.web.admin import forms
from distributor.web.admin.access import Reader
from distributor.web.admin.views import admin_page, done, see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import (
    TWO_STEP_PATH,
    Browsers,
    PageRefused,
    SignedIn,
    refuse_while_limited,
)
from distributor.web.state import AppState

router = APIRouter()
TITLE = "Two-step login"
ISSUER = "distributor"  # how the authenticator app names the account, beside the email
# A stolen session must not become a way to guess codes or the password.
TOO_MANY = "Too many wrong codes or passwords."

Code = Annotated[str, Form()]


@router.get(TWO_STEP_PATH)
def two_step_page(request: Request, who: Reader) -> HTMLResponse:
    return _page(request, who)


@router.post(f"{TWO_STEP_PATH}/start", dependencies=[Depends(csrf_protected)])
def start(request: Request, who: Reader) -> RedirectResponse:
    """A new secret to scan; two-step login is on once a code made from it is typed."""
    with transaction(request) as session:
        start_two_factor(get_user(session, who.email), ISSUER)
    return see_other(TWO_STEP_PATH)


@router.post(f"{TWO_STEP_PATH}/confirm", dependencies=[Depends(csrf_protected)])
def confirm(request: Request, who: Reader, code: Code = "") -> HTMLResponse:
    form = forms.Form({"code": code.strip()})
    with transaction(request) as session:
        user = get_user(session, who.email)
        try:
            codes = confirm_two_factor(session, user, code, who.principal.actor, utcnow())
        except InvalidInput:
            form.refuse(
                "code", "That is not the code the app shows now. Type the six digits it shows."
            )
        else:
            return _codes_page(request, who, codes)
    return _page(request, who, confirm_form=form)


@router.post(
    f"{TWO_STEP_PATH}/recovery-codes", dependencies=[Depends(csrf_protected)], response_model=None
)
def renew_recovery_codes(
    request: Request, who: Reader, code: Code = ""
) -> HTMLResponse | RedirectResponse:
    """Ten new recovery codes, the old ones no longer good; a code from the app proves the phone."""
    form = forms.Form({"code": code.strip()})
    client = refuse_while_limited(request, who.email, TOO_MANY)
    with transaction(request) as session:
        user = get_user(session, who.email)
        if check_second_step(session, user, code, utcnow()):
            Browsers.of(request).limiter.reset(who.email, client)
            return _codes_page(request, who, new_recovery_codes(session, user, who.principal.actor))
    Browsers.of(request).limiter.record(who.email, client)
    form.refuse("code", "That code is not right. Type the six digits the app shows now.")
    return _page(request, who, renew_form=form)


@router.post(f"{TWO_STEP_PATH}/off", dependencies=[Depends(csrf_protected)], response_model=None)
def turn_off(request: Request, who: Reader, password: Code = "") -> HTMLResponse | RedirectResponse:
    """Back to the password alone, once the password is typed again; not for an admin
    where the settings require two steps."""
    if _required(request, who):
        raise PageRefused(
            HTTPStatus.FORBIDDEN, "Admins of this office must log in in two steps: it stays on."
        )
    form = forms.Form()
    client = refuse_while_limited(request, who.email, TOO_MANY)
    with transaction(request) as session:
        if authenticate(session, who.email, password) is None:
            Browsers.of(request).limiter.record(who.email, client)
            form.refuse("password", "This is not the password you log in with. Type it again.")
        else:
            turn_off_two_factor(session, get_user(session, who.email), who.principal.actor)
            return done(
                request, TWO_STEP_PATH, "Two-step login is off: your password alone logs you in."
            )
    return _page(request, who, off_form=form)


def _page(
    request: Request,
    who: SignedIn,
    confirm_form: forms.Form | None = None,
    renew_form: forms.Form | None = None,
    off_form: forms.Form | None = None,
) -> HTMLResponse:
    with transaction(request) as session:
        user = get_user(session, who.email)
        on_since = user.totp_enabled_at
        left = recovery_codes_left(session, user) if on_since else 0
        setting_up = _setting_up(user)
    shown = [f for f in (confirm_form, renew_form, off_form) if f is not None]
    return admin_page(
        request,
        who,
        "two_step.html",
        TITLE,
        shown[0].status if shown else HTTPStatus.OK,
        on_since=on_since,
        left=left,
        setting_up=setting_up,
        qr=_qr(setting_up) if setting_up else None,
        required=_required(request, who),
        confirm_form=confirm_form or forms.Form(),
        renew_form=renew_form or forms.Form(),
        off_form=off_form or forms.Form(),
    )


def _codes_page(request: Request, who: SignedIn, codes: list[str]) -> HTMLResponse:
    """The recovery codes, shown this once."""
    return admin_page(request, who, "two_step_codes.html", "Your recovery codes", codes=codes)


def _setting_up(user: User) -> Enrolment | None:
    if user.totp_enabled_at is not None or user.totp_secret is None:
        return None
    return enrolment(user, ISSUER)


def _qr(setting_up: Enrolment) -> Markup:
    """The QR code of the secret as inline SVG, dark on light whatever the page's colours."""
    code = segno.make_qr(setting_up.uri, error="m")
    svg = code.svg_inline(scale=5, dark="#000", light="#fff", title="QR code for your app")
    return Markup(svg)  # noqa: S704 - segno's own SVG, of our own URI


def _required(request: Request, who: SignedIn) -> bool:
    settings = AppState.of(request).settings
    return settings.admin_two_factor and who.principal.role is Role.ADMIN
