"""/admin/keys: every API key, a new one for a user (its secret shown once, on the page that
answers the form), and revocation after a confirmation."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from typing import Annotated, NamedTuple

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import (
    create_api_key,
    get_api_key,
    get_user,
    list_api_keys,
    list_users,
    revoke_api_key,
    role_named,
)
from distributor.config import parse_duration
from distributor.errors import InvalidInput
from distributor.models import Role, utcnow
from distributor.web.admin.access import UserManager
from distributor.web.admin.views import admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import PageRefused, SignedIn

router = APIRouter()
PATH = "/admin/keys"

Text = Annotated[str, Form()]


class NewKey(NamedTuple):
    """A key just made, with the secret shown this once."""

    prefix: str
    owner: str
    secret: str


@router.get(PATH)
def keys_page(request: Request, who: UserManager) -> HTMLResponse:
    return _keys_page(request, who)


def _keys_page(
    request: Request,
    who: SignedIn,
    *,
    created: NewKey | None = None,
    problem: str | None = None,
    status: HTTPStatus = HTTPStatus.OK,
) -> HTMLResponse:
    with transaction(request) as session:
        return admin_page(
            request,
            who,
            "api_keys.html",
            "API keys",
            status,
            keys=list_api_keys(session),
            users=[user for user in list_users(session) if user.is_active],
            roles=list(Role),
            created=created,
            problem=problem,
            confirm=None,
            now=utcnow(),
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)])
def new_key(
    request: Request,
    who: UserManager,
    user: Text = "",
    name: Text = "",
    role: Text = "",
    expires: Text = "",
) -> HTMLResponse:
    """The keys page with the new key's secret: answered directly, never redirected, so the
    secret is in no URL, cookie or later page."""
    try:
        with transaction(request) as session:
            expires_at = utcnow() + _duration(expires) if expires.strip() else None
            key, secret = create_api_key(
                session,
                get_user(session, user),
                name,
                who.principal.actor,
                role=role_named(role) if role else None,
                expires_at=expires_at,
            )
            created = NewKey(key.prefix, key.user.email, secret)
    except PageRefused as refused:
        return _keys_page(request, who, problem=refused.message, status=refused.status)
    return _keys_page(request, who, created=created)


@router.get(f"{PATH}/{{prefix}}/revoke")
def confirm_revoke(request: Request, who: UserManager, prefix: str) -> HTMLResponse:
    with transaction(request) as session:
        key = get_api_key(session, prefix)
        return admin_page(request, who, "api_keys.html", "Revoke an API key", confirm=key)


@router.post(f"{PATH}/{{prefix}}/revoke", dependencies=[Depends(csrf_protected)])
def revoke_key(request: Request, who: UserManager, prefix: str) -> RedirectResponse:
    with transaction(request) as session:
        revoke_api_key(session, prefix, who.principal.actor)
    return see_other(PATH)


def _duration(text: str) -> timedelta:
    try:
        return timedelta(seconds=parse_duration(text))
    except ValueError as exc:
        raise InvalidInput(f"expires after: {exc}") from None
