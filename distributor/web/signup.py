"""/newsroom/signup and /newsroom/confirm/<token>: the newsroom's sign-up with double opt-in.

Off unless DISTRIBUTOR_SIGNUP_LISTS names lists: then both answer 404. The form's
answer is the same page whether the address is new, known or suppressed. The
emailed link only shows a button: a GET never confirms, since mail scanners
fetch every link in a message. Requests are limited per address and client and
per client (`SIGNUP_LIMITS`), so the form cannot be used to mail strangers in bulk.
"""

from __future__ import annotations

import math
from functools import partial
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse

from distributor import urls
from distributor.accounts import SIGNUP_LIMITS, AttemptLimiter, create_attempt_limiter
from distributor.config import Settings
from distributor.contacts import (
    ListOffer,
    SignupExpired,
    SignupForm,
    SignupInProgress,
    SignupRefused,
    UnknownSignup,
    confirm_signup,
    open_signup,
    request_signup,
    signup_offer,
)
from distributor.errors import Conflict, TransportError
from distributor.models import utcnow
from distributor.sending import send_signup_confirmation
from distributor.web.pages import office_page, office_problem
from distributor.web.state import AppState

FORM_MAX_BYTES = 64 * 1024
router = APIRouter(tags=["newsroom"], include_in_schema=False, max_body_size=FORM_MAX_BYTES)
TITLE = "Sign up for our press releases"
CONFIRM_TITLE = "Confirm your sign-up"
NO_SIGNUP = "There is no sign-up form here."
TOO_MANY = "Too many sign-ups were sent from here just now. Please try again later."


def install(app: FastAPI, settings: Settings) -> None:
    """Give `app` the sign-up pages and the limiter of their requests."""
    app.state.signup_limiter = create_attempt_limiter(settings, SIGNUP_LIMITS)
    app.include_router(router)


def _limiter(request: Request) -> AttemptLimiter:
    limiter: AttemptLimiter = request.app.state.signup_limiter
    return limiter


def _form_page(
    request: Request,
    settings: Settings,
    offer: tuple[ListOffer, ...],
    form: SignupForm,
    problems: dict[str, str] | None = None,
) -> HTMLResponse:
    return office_page(
        request,
        "signup.html",
        TITLE,
        HTTPStatus.BAD_REQUEST if problems else HTTPStatus.OK,
        action=urls.SIGNUP,
        offer=offer,
        form=form,
        problems=problems or {},
        consent_text=settings.signup_consent,
    )


@router.get(urls.SIGNUP)
def signup_form(request: Request) -> HTMLResponse:
    state = AppState.of(request)
    with state.sessions() as session:
        offer = signup_offer(session, state.settings)
    if not offer:
        return office_problem(request, HTTPStatus.NOT_FOUND, NO_SIGNUP)
    return _form_page(request, state.settings, offer, SignupForm())


@router.post(urls.SIGNUP)
def signup(
    request: Request,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    lists: Annotated[list[str] | None, Form(alias="list")] = None,
    consent: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    state = AppState.of(request)
    form = SignupForm(email, name, outlet, tuple(lists or ()), consent is not None)
    send = partial(send_signup_confirmation, state.settings)
    client = request.client.host if request.client else ""
    wait = _limiter(request).retry_after(email, client)
    if wait > 0:
        held = office_problem(request, HTTPStatus.TOO_MANY_REQUESTS, TOO_MANY)
        held.headers["Retry-After"] = str(math.ceil(wait))
        return held
    try:
        with state.sessions.begin() as session:
            offer = signup_offer(session, state.settings)
            if not offer:
                return office_problem(request, HTTPStatus.NOT_FOUND, NO_SIGNUP)
            request_signup(session, state.settings, form, utcnow(), send)
    except SignupRefused as refused:  # mails no one, so it does not count
        return _form_page(request, state.settings, offer, form, refused.problems)
    except SignupInProgress:
        pass  # the same answer: the concurrent request sends the one mail
    except TransportError:
        _limiter(request).record(email, client)
        return office_problem(
            request,
            HTTPStatus.SERVICE_UNAVAILABLE,
            "We could not send the confirmation email just now. Please try again in a few minutes.",
        )
    _limiter(request).record(email, client)
    return office_page(request, "signup_sent.html", "Check your inbox", email=form.email.strip())


def _link_refused(request: Request, error: UnknownSignup | SignupExpired) -> HTMLResponse:
    if isinstance(error, UnknownSignup):
        return office_problem(
            request, HTTPStatus.NOT_FOUND, "This link is not valid. Nothing has changed."
        )
    return office_problem(
        request,
        HTTPStatus.GONE,
        "This link has expired. Nothing has changed; sign up again on the newsroom's form.",
    )


@router.get(urls.SIGNUP_CONFIRM)
def confirm_page(request: Request, token: str) -> HTMLResponse:
    state = AppState.of(request)
    if not state.settings.signup_list_slugs:
        return office_problem(request, HTTPStatus.NOT_FOUND, NO_SIGNUP)
    try:
        with state.sessions() as session:
            pending = open_signup(session, state.settings, token, utcnow())
            template = "signup_confirmed.html" if pending.confirmed else "signup_confirm.html"
            return office_page(
                request,
                template,
                CONFIRM_TITLE,
                pending=pending,
                email=pending.contact.email,
                action=urls.path(urls.SIGNUP_CONFIRM, token=token),
                consent_text=state.settings.signup_consent,
            )
    except (UnknownSignup, SignupExpired) as error:
        return _link_refused(request, error)


@router.post(urls.SIGNUP_CONFIRM)
def confirm(request: Request, token: str) -> HTMLResponse:
    state = AppState.of(request)
    if not state.settings.signup_list_slugs:
        return office_problem(request, HTTPStatus.NOT_FOUND, NO_SIGNUP)
    try:
        with state.sessions.begin() as session:
            pending = confirm_signup(session, state.settings, token, utcnow())
            return office_page(
                request,
                "signup_confirmed.html",
                "You are signed up",
                pending=pending,
                email=pending.contact.email,
            )
    except (UnknownSignup, SignupExpired) as error:
        return _link_refused(request, error)
    except Conflict:  # suppressed since it signed up, or a list was archived
        return office_problem(
            request,
            HTTPStatus.CONFLICT,
            "This sign-up cannot be completed: the address receives no email from us, or a "
            "list is closed. Nothing has changed; please write to the press office.",
        )
