"""/u/<token> and /p/<token>: the unsubscribe and preferences pages each email links to, and
/u/again/<token>: subscribing again from the answer to an unsubscribe.

The signed token in the address is the only credential: no cookie, no login, and no
CSRF token, since mail providers post RFC 8058 one-click unsubscribes on their own.
Another site cannot make a browser post one either: it would need the reader's own
token. A GET never changes anything (link scanners fetch every link in a message).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Annotated, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from distributor import urls
from distributor.contacts import (
    AgainLink,
    LinkExpired,
    Preferences,
    RecipientLink,
    Scope,
    UnknownLink,
    again_offer,
    open_again,
    open_link,
    preferences_of,
    save_preferences,
    subscribe_again,
    subscribe_again_token,
    unsubscribe_by_link,
    unsubscribe_by_token,
    unsubscribe_offer,
)
from distributor.errors import Conflict, InvalidInput
from distributor.models import Channel, utcnow
from distributor.web.pages import office_page, office_problem
from distributor.web.state import AppState

# The pages' forms are a few fields: a bigger body is refused with a 413 as it arrives.
FORM_MAX_BYTES = 64 * 1024
router = APIRouter(tags=["journalists"], include_in_schema=False, max_body_size=FORM_MAX_BYTES)
Opened = TypeVar("Opened")  # what a token in an address opens: a RecipientLink, an AgainLink
ONE_CLICK = "One-Click"
UNSUBSCRIBE = "Unsubscribe"
PREFERENCES = "Your email preferences"
AGAIN = "Subscribe again"
# A service's refusal words are for press officers; a journalist reads these.
_CANNOT_JOIN = (
    "This address receives no emails from us, or the list is closed, so it cannot be "
    "subscribed again here. Nothing has changed; please write to the press office."
)


def _opened(
    request: Request,
    token: str,
    opener: Callable[[Session, str, str, timedelta, datetime], Opened],
    act: Callable[[Session, Opened], HTMLResponse],
) -> HTMLResponse:
    """Run `act` in one transaction for what `token` opens (`open_link`, `open_again`), or say
    why the link is refused."""
    state = AppState.of(request)

    def opened(session: Session) -> HTMLResponse:
        secret = state.settings.signing_key()
        return act(session, opener(session, token, secret, _max_age(state), utcnow()))

    return _in_transaction(request, opened)


def _with_link(
    request: Request, token: str, act: Callable[[Session, RecipientLink], HTMLResponse]
) -> HTMLResponse:
    return _opened(request, token, open_link, act)


def _max_age(state: AppState) -> timedelta:
    return timedelta(seconds=state.settings.link_max_age)


def _in_transaction(request: Request, work: Callable[[Session], HTMLResponse]) -> HTMLResponse:
    """Run `work` in one transaction, or say why the link it opens is refused."""
    try:
        with AppState.of(request).sessions.begin() as session:
            return work(session)
    except UnknownLink:
        return office_problem(
            request, HTTPStatus.NOT_FOUND, "This link is not valid. Nothing has changed."
        )
    except LinkExpired:
        return office_problem(
            request,
            HTTPStatus.GONE,
            "This link has expired. Nothing has changed; use the link in a more recent email.",
        )
    except InvalidInput as error:
        return office_problem(request, HTTPStatus.BAD_REQUEST, str(error))
    except Conflict:  # e.g. a suppressed address cannot join a list again
        return office_problem(request, HTTPStatus.CONFLICT, _CANNOT_JOIN)


@router.get(urls.UNSUBSCRIBE)
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    def show(session: Session, link: RecipientLink) -> HTMLResponse:
        return office_page(
            request,
            "unsubscribe.html",
            UNSUBSCRIBE,
            offer=unsubscribe_offer(session, link),
            action=urls.path(urls.UNSUBSCRIBE, token=token),
            preferences=urls.path(urls.PREFERENCES, token=token),
        )

    return _with_link(request, token, show)


@router.post(urls.UNSUBSCRIBE)
async def unsubscribe(request: Request, token: str) -> HTMLResponse:
    """RFC 8058's one-click POST (the send-out's lists), or the page's choice of scope.

    The busiest door (providers post one-click unsubscribes in bursts right after a
    send-out): the form is read as it is, since FastAPI's validated form parameters cost
    as much as the unsubscribe itself, and the database work runs in the thread pool.
    """
    form = await request.form()
    scope, one_click = form.get("scope"), form.get("List-Unsubscribe")
    if scope == Scope.EVERYTHING.value:
        chosen = Scope.EVERYTHING
    elif scope == Scope.SENDOUT_LISTS.value or one_click == ONE_CLICK:
        chosen = Scope.SENDOUT_LISTS
    else:
        return office_problem(
            request,
            HTTPStatus.BAD_REQUEST,
            "Nothing was chosen: open the link again and press one of the buttons.",
        )

    state = AppState.of(request)

    def act(session: Session) -> HTMLResponse:
        secret = state.settings.signing_key()
        now = utcnow()
        done = unsubscribe_by_token(
            session, token, secret, _max_age(state), chosen, Channel.ONE_CLICK, now
        )
        again = subscribe_again_token(token, done.scope, secret, now)
        return office_page(
            request,
            "unsubscribed.html",
            UNSUBSCRIBE,
            done=done,
            preferences=urls.path(urls.PREFERENCES, token=token),
            again=urls.path(urls.SUBSCRIBE_AGAIN, token=again),
        )

    return await run_in_threadpool(_in_transaction, request, act)


@router.get(urls.SUBSCRIBE_AGAIN)
def subscribe_again_page(request: Request, token: str) -> HTMLResponse:
    """What pressing the button would do; nothing changes until it is pressed."""

    def show(session: Session, again: AgainLink) -> HTMLResponse:
        return office_page(
            request,
            "subscribe_again.html",
            AGAIN,
            offer=again_offer(session, again),
            action=urls.path(urls.SUBSCRIBE_AGAIN, token=token),
        )

    return _opened(request, token, open_again, show)


@router.post(urls.SUBSCRIBE_AGAIN)
def subscribe_again_done(request: Request, token: str) -> HTMLResponse:
    def act(session: Session, again: AgainLink) -> HTMLResponse:
        return office_page(
            request,
            "subscribed_again.html",
            "You are subscribed again",
            email=again.link.email,
            lists=subscribe_again(session, again),
            preferences=urls.path(urls.PREFERENCES, token=again.delivery_token),
        )

    return _opened(request, token, open_again, act)


@router.get(urls.PREFERENCES)
def preferences_page(request: Request, token: str) -> HTMLResponse:
    def show(session: Session, link: RecipientLink) -> HTMLResponse:
        return _preferences(request, preferences_of(session, link), token)

    return _with_link(request, token, show)


@router.post(urls.PREFERENCES)
def save(
    request: Request,
    token: str,
    action: Annotated[str, Form()] = "save",
    language: Annotated[str, Form()] = "",
    lists: Annotated[list[str] | None, Form(alias="list")] = None,
    choose_lists: Annotated[str | None, Form()] = None,
    choose_tracking: Annotated[str | None, Form()] = None,
    no_tracking: Annotated[str | None, Form()] = None,
) -> HTMLResponse:
    """Save the form; without `choose_lists` (no list was editable) the lists stay as they are.

    Likewise tracking is left as it is by a form without `choose_tracking`.
    """

    def act(session: Session, link: RecipientLink) -> HTMLResponse:
        now = utcnow()
        if action == Scope.EVERYTHING.value:
            unsubscribe_by_link(session, link, Scope.EVERYTHING, Channel.PREFERENCES, now)
            return _preferences(
                request,
                preferences_of(session, link),
                token,
                "You are unsubscribed from everything.",
            )
        chosen = (lists or []) if choose_lists else None
        tracking = (no_tracking is None) if choose_tracking else None
        prefs = save_preferences(
            session, link, language=language, lists=chosen, now=now, tracking_allowed=tracking
        )
        return _preferences(request, prefs, token, "Your preferences are saved.")

    return _with_link(request, token, act)


def _preferences(
    request: Request, prefs: Preferences, token: str, saved: str | None = None
) -> HTMLResponse:
    return office_page(
        request,
        "preferences.html",
        PREFERENCES,
        prefs=prefs,
        action=urls.path(urls.PREFERENCES, token=token),
        saved=saved,
    )
