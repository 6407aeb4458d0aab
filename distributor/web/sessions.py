"""Browser sessions for the admin pages: a signed cookie naming a login session kept on the server.

The cookie holds the user's id, when the login happened and the session's secret (what
CSRF tokens are bound to). Each request reads the session's row with its user (one read),
so a logout, a new password, a deactivation or a new role applies at once; a copied
cookie is worth nothing once its session has ended.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from distributor import tokens
from distributor.accounts import (
    HASH_WAIT,
    LOGIN_LIMITS,
    AttemptLimiter,
    LoginClient,
    Principal,
    authenticate,
    check_second_step,
    create_attempt_limiter,
    end_login_session,
    live_login_session,
    start_login_session,
)
from distributor.config import Settings
from distributor.errors import Busy
from distributor.models import Role, User, utcnow
from distributor.web.pages import problem_page
from distributor.web.state import AppState

COOKIE = "distributor_session"
SECOND_STEP_COOKIE = "distributor_second_step"
LOGIN_PATH = "/admin/login"
CODE_PATH = f"{LOGIN_PATH}/code"  # the second step, for users who log in in two
LOGOUT_PATH = "/admin/logout"
HOME_PATH = "/admin"
TWO_STEP_PATH = "/admin/me/two-step"
# How long the code may be typed after the password, before the password is asked again.
SECOND_STEP_MAX_AGE = 300.0
# Web hosts' clocks may differ a little; a cookie issued by one is good at once on another.
_CLOCK_SKEW = 60.0


@dataclass(frozen=True)
class BrowserSession:
    """What the cookie says: whose session, since when, and the session's secret."""

    user_id: int
    issued_at: float  # seconds since the epoch
    id: str = field(repr=False)  # the secret naming the login session on the server


@dataclass(frozen=True)
class SecondStep:
    """A browser past the password of `user_id`, which must now give a code."""

    user_id: int
    issued_at: float


@dataclass(frozen=True)
class SessionCookies:
    """Makes and reads the session cookie of one app."""

    secret: str = field(repr=False)  # the signing key
    max_age: float
    secure: bool

    @classmethod
    def of_settings(cls, settings: Settings) -> SessionCookies:
        return cls(
            settings.signing_key(),
            settings.session_max_age,
            settings.base_url.startswith("https://"),
        )

    def encode(self, session: BrowserSession) -> str:
        payload = [session.user_id, session.issued_at, session.id]
        return tokens.session_cookie(payload, self.secret)

    def decode(self, value: str, now: float) -> BrowserSession | None:
        """The session in a cookie, or None when it is forged, malformed or expired."""
        try:
            user_id, issued_at, session_id = tokens.read_session_cookie(value, self.secret)
        except (TypeError, ValueError):  # TypeError for None: not a cookie of ours
            return None
        if not isinstance(user_id, int) or not isinstance(issued_at, int | float):
            return None
        if not now - self.max_age < issued_at <= now + _CLOCK_SKEW:
            return None
        return BrowserSession(user_id, float(issued_at), str(session_id))

    def set(self, response: Response, session: BrowserSession) -> None:
        response.set_cookie(
            COOKIE,
            self.encode(session),
            max_age=math.floor(self.max_age),
            path="/admin",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def clear(self, response: Response) -> None:
        response.delete_cookie(
            COOKIE, path="/admin", secure=self.secure, httponly=True, samesite="lax"
        )

    def set_second_step(self, response: Response, step: SecondStep) -> None:
        """Remember, for a few minutes, whose password this browser just got right."""
        value = tokens.second_step_cookie([step.user_id, step.issued_at], self.secret)
        response.set_cookie(
            SECOND_STEP_COOKIE,
            value,
            max_age=math.floor(SECOND_STEP_MAX_AGE),
            path=LOGIN_PATH,
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )

    def second_step(self, value: str | None, now: float) -> SecondStep | None:
        """Whose password this browser got right within the last few minutes, if anyone's."""
        try:
            user_id, issued_at = tokens.read_second_step_cookie(value or "", self.secret)
        except (TypeError, ValueError):
            return None
        if not isinstance(user_id, int) or not isinstance(issued_at, int | float):
            return None
        if not now - SECOND_STEP_MAX_AGE < issued_at <= now + _CLOCK_SKEW:
            return None
        return SecondStep(user_id, float(issued_at))

    def clear_second_step(self, response: Response) -> None:
        response.delete_cookie(
            SECOND_STEP_COOKIE, path=LOGIN_PATH, secure=self.secure, httponly=True, samesite="lax"
        )


@dataclass(frozen=True)
class Browsers:
    """What the admin pages of one app share: its session cookies and login limiter."""

    cookies: SessionCookies
    limiter: AttemptLimiter

    @classmethod
    def of(cls, request: HTTPConnection) -> Browsers:
        browsers: Browsers = request.app.state.browsers
        return browsers


@dataclass(frozen=True)
class SignedIn:
    """The user a request comes from, as loaded for this request."""

    session: BrowserSession
    session_key: str  # the id of the login session's row
    principal: Principal
    email: str
    zone: tzinfo = UTC  # the zone this user reads and types times in


class LoginRequired(Exception):
    """No valid session: the browser goes to the login page, and comes back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class TwoStepRequired(LoginRequired):
    """An admin without two-step login, where the settings require it: sent to set it up."""


class PageRefused(Exception):
    """A page refused with `status`, shown as a plain page saying why."""

    def __init__(
        self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def local_path(target: str | None) -> str:
    """`target` when it is a path on this site, else the admin home: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return HOME_PATH
    if "\\" in target or any(ord(char) < 0x21 or ord(char) == 0x7F for char in target):
        return HOME_PATH  # browsers read "/\evil" as "//evil" and drop tabs and newlines
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME_PATH
    return target


def signed_in(request: Request) -> SignedIn:
    """The dependency giving the signed-in user, or LoginRequired (a redirect to the login page)."""
    value = request.cookies.get(COOKIE)
    session = Browsers.of(request).cookies.decode(value, time.time()) if value else None
    if session is None:
        raise LoginRequired(_back_to(request))
    with AppState.of(request).sessions.begin() as db:
        found = live_login_session(db, session.id)
        if found is None or found[1].id != session.user_id:
            raise LoginRequired(_back_to(request))
        row, user = found
        if (
            user.role is Role.ADMIN
            and user.totp_enabled_at is None
            and AppState.of(request).settings.admin_two_factor
            and not request.url.path.startswith((TWO_STEP_PATH, LOGOUT_PATH))
        ):
            raise TwoStepRequired(TWO_STEP_PATH)
        return SignedIn(session, row.id, Principal.of_user(user), user.email, _zone(user.time_zone))


def _zone(name: str | None) -> tzinfo:
    """The zone a user chose; UTC when none, or when this machine no longer knows the name."""
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def log_in(request: Request, email: str, password: str) -> BrowserSession | SecondStep | None:
    """A new session when the email and password are right, or the second step when the user
    logs in in two; None when they are wrong; PageRefused (429) while too many recent
    attempts failed for this email from this client."""
    browsers = Browsers.of(request)
    client = refuse_while_limited(request, email)
    try:
        with AppState.of(request).sessions.begin() as db:
            user = authenticate(db, email, password)
            if user is None:
                started: BrowserSession | SecondStep | None = None
            elif user.totp_enabled_at is not None:
                started = SecondStep(user.id, time.time())
            else:
                started = _start(request, db, user)
    except Busy:
        raise PageRefused(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "Many people are logging in right now. Try again in a few seconds.",
            {"Retry-After": str(math.ceil(HASH_WAIT))},
        ) from None
    if started is None:
        browsers.limiter.record(email, client)
        return None
    if isinstance(started, BrowserSession):
        browsers.limiter.reset(email, client)
    return started


def finish_login(request: Request, step: SecondStep, code: str) -> BrowserSession | None:
    """A new session when `code` (from the app, or a recovery code) is right for the user past
    the password; None when not. Wrong codes count towards the same lock as passwords."""
    browsers = Browsers.of(request)
    with AppState.of(request).sessions.begin() as db:
        user = db.get(User, step.user_id)
        if user is None or not user.is_active:
            return None
        client = refuse_while_limited(request, user.email)
        if not check_second_step(db, user, code, utcnow()):
            browsers.limiter.record(user.email, client)
            return None
        browsers.limiter.reset(user.email, client)
        return _start(request, db, user)


def refuse_while_limited(
    request: Request, email: str, why: str = "Too many failed attempts to log in."
) -> str:
    """The client's address, once PageRefused (429, saying `why`) was not raised for it and
    `email`: too many recent failures lock both."""
    client = request.client.host if request.client else ""
    wait = Browsers.of(request).limiter.retry_after(email, client)
    if wait > 0:
        raise PageRefused(
            HTTPStatus.TOO_MANY_REQUESTS,
            f"{why} Wait a few minutes, then try again.",
            {"Retry-After": str(math.ceil(wait))},
        )
    return client


def _start(request: Request, db: Session, user: User) -> BrowserSession:
    lifetime = timedelta(seconds=Browsers.of(request).cookies.max_age)
    client = LoginClient(
        request.client.host if request.client else "", request.headers.get("user-agent")
    )
    _, secret = start_login_session(db, user, lifetime, client)
    return BrowserSession(user.id, time.time(), secret)


def log_out(request: Request, who: SignedIn) -> None:
    """End `who`'s session on the server: its cookie and CSRF token are refused from now on."""
    with AppState.of(request).sessions.begin() as db:
        end_login_session(db, who.session.id)


def _back_to(request: Request) -> str:
    """Where to return after logging in: this page, unless the request changed something."""
    if request.method not in ("GET", "HEAD"):
        return HOME_PATH
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


async def _two_step_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, TwoStepRequired)
    return RedirectResponse(error.next_path, HTTPStatus.SEE_OTHER)


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    response = RedirectResponse(
        f"{LOGIN_PATH}?next={quote(error.next_path, safe='')}", HTTPStatus.SEE_OTHER
    )
    Browsers.of(request).cookies.clear(response)  # an expired or stale cookie is of no use
    return response


async def _page_refused(request: Request, error: Exception) -> HTMLResponse:
    assert isinstance(error, PageRefused)
    response = problem_page(error.status, error.message)
    response.headers.update(error.headers)
    return response


def install_sessions(app: FastAPI, settings: Settings) -> None:
    """Give `app` browser sessions: cookies, the login limiter, and pages for refusals."""
    app.state.browsers = Browsers(
        SessionCookies.of_settings(settings), create_attempt_limiter(settings, LOGIN_LIMITS)
    )
    handlers: dict[type[Exception], Any] = {
        TwoStepRequired: _two_step_required,
        LoginRequired: _login_required,
        PageRefused: _page_refused,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)
