"""How admin routes run services and show pages: one transaction per request, errors as pages."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.accounts import Permission, allows
from distributor.errors import DistributorError
from distributor.web.admin.clock import local_time
from distributor.web.csrf import FIELD, csrf_token
from distributor.web.pages import page
from distributor.web.problems import status_of
from distributor.web.sessions import PageRefused, SignedIn
from distributor.web.state import AppState

PER_PAGE = 50
# The furthest page asked for: a bigger number would overflow the databases' OFFSET.
LAST_PAGE = 1_000_000
NOTICE_COOKIE = "distributor_notice"
# Admin pages are never framed by another site (clickjacking).
_HEADERS = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}


@contextmanager
def transaction(request: Request) -> Iterator[Session]:
    """A database session committed at the end; a refused change rolls back and shows why."""
    try:
        with AppState.of(request).sessions.begin() as session:
            yield session
    except DistributorError as error:
        raise PageRefused(status_of(error), str(error)) from None


def admin_page(
    request: Request,
    who: SignedIn,
    template: str,
    title: str,
    status: HTTPStatus = HTTPStatus.OK,
    crumbs: Sequence[tuple[str, str]] = (),
    **variables: Any,
) -> HTMLResponse:
    """An admin page, with the signed-in user, the navigation they may use (the current section
    marked), the way back up (`crumbs`: label and path of each page above this one), the notice
    left by the last action, and the CSRF token."""
    notice = _notice(request)
    response = page(
        f"admin/{template}",
        title,
        status,
        me=who,
        csrf_field=FIELD,
        csrf_token=csrf_token(request, who),
        may=lambda permission: allows(who.principal.role, permission),
        Permission=Permission,
        section=section_of(request.url.path),
        crumbs=crumbs,
        notice=notice,
        when=lambda moment: local_time(moment, who.zone),
        **variables,
    )
    response.headers.update(_HEADERS)
    if notice is not None:
        response.delete_cookie(NOTICE_COOKIE, path="/admin")
    return response


def section_of(path: str) -> str:
    """The navigation section a page belongs to: the first part of its path under /admin."""
    return path.removeprefix("/admin").strip("/").partition("/")[0]


def see_other(path: str) -> RedirectResponse:
    """After a change, the browser loads the page that shows it (post/redirect/get)."""
    return RedirectResponse(path, HTTPStatus.SEE_OTHER)


def done(request: Request, path: str, notice: str) -> RedirectResponse:
    """After a change, the page that shows it, saying in a sentence what was done."""
    response = see_other(path)
    secret = AppState.of(request).settings.signing_key()
    response.set_cookie(
        NOTICE_COOKIE,
        tokens.notice_cookie(notice, secret),
        path="/admin",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _notice(request: Request) -> str | None:
    value = request.cookies.get(NOTICE_COOKIE)
    if not value:
        return None
    return tokens.read_notice_cookie(value, AppState.of(request).settings.signing_key())


@dataclass(frozen=True)
class Pages:
    """Where a paginated table is: page `number` of `total` rows, PER_PAGE at a time."""

    number: int
    total: int
    path: str
    query: dict[str, str]

    @classmethod
    def at(cls, request: Request, number: int, total: int = 0) -> Pages:
        query = {k: v for k, v in request.query_params.items() if k != "page" and v}
        return cls(min(max(number, 1), LAST_PAGE), total, request.url.path, query)

    @property
    def offset(self) -> int:
        return (self.number - 1) * PER_PAGE

    @property
    def count(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    def of(self, total: int) -> Pages:
        return Pages(self.number, total, self.path, self.query)

    def link(self, number: int) -> str | None:
        if not 1 <= number <= self.count or number == self.number:
            return None
        return f"{self.path}?{urlencode({**self.query, 'page': number})}"
