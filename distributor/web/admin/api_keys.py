"""/admin/keys: every API key, a new one for a user (its secret shown once, on the page that
answers the form), and revocation after a confirmation."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, NamedTuple

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import (
    LONGEST_KEY_LIFETIME,
    create_api_key,
    get_api_key,
    get_user,
    list_api_keys,
    list_users,
    revoke_api_key,
)
from distributor.config import parse_duration
from distributor.errors import Conflict, InvalidInput, PermissionDenied
from distributor.models import Role, utcnow
from distributor.web.admin import forms
from distributor.web.admin.access import UserManager
from distributor.web.admin.views import admin_page, done, transaction
from distributor.web.admin.words import role_choices, role_name
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn

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
    return _keys_page(request, who, forms.Form())


def _keys_page(
    request: Request, who: SignedIn, form: forms.Form, created: NewKey | None = None
) -> HTMLResponse:
    with transaction(request) as session:
        users = [user for user in list_users(session) if user.is_active]
        return admin_page(
            request,
            who,
            "api_keys.html",
            "API keys",
            form.status,
            keys=list_api_keys(session),
            users=[(user.email, f"{user.email} ({role_name(user.role)})") for user in users],
            roles=role_choices(),
            role_name=role_name,
            form=form,
            created=created,
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
    secret is in no URL, cookie or later page. A mistake comes back beside its field."""
    form = forms.Form({"user": user, "name": name, "role": role, "expires": expires})
    if not name.strip():
        form.refuse("name", "Say what will use the key, such as newsroom CMS.")
    if role and role not in {choice.value for choice in Role}:
        form.refuse("role", "Choose a role from the list, or the user's own.")
    lasts = _duration(form)
    if not form.valid:
        return _keys_page(request, who, form)
    created: NewKey | None = None
    with transaction(request) as session:
        try:
            key, secret = create_api_key(
                session,
                get_user(session, user),
                name,
                who.principal.actor,
                role=Role(role) if role else None,
                expires_at=utcnow() + lasts if lasts else None,
            )
        except PermissionDenied:
            form.refuse("role", "A key may do no more than its user: choose a lower role.")
        except Conflict:
            form.refuse("user", "This user can no longer log in: choose another.")
        except InvalidInput:
            form.refuse("name", "Shorten the name to a few words, on one line.")
        else:
            created = NewKey(key.prefix, key.user.email, secret)
    if created is None:
        return _keys_page(request, who, form)
    return _keys_page(request, who, forms.Form(), created)


@router.get(f"{PATH}/{{prefix}}/revoke")
def confirm_revoke(request: Request, who: UserManager, prefix: str) -> HTMLResponse:
    with transaction(request) as session:
        key = get_api_key(session, prefix)
        return admin_page(
            request,
            who,
            "api_keys.html",
            "Revoke an API key",
            crumbs=(("API keys", PATH),),
            confirm=key,
        )


@router.post(f"{PATH}/{{prefix}}/revoke", dependencies=[Depends(csrf_protected)])
def revoke_key(request: Request, who: UserManager, prefix: str) -> RedirectResponse:
    with transaction(request) as session:
        revoke_api_key(session, prefix, who.principal.actor)
    return done(request, PATH, f"The key {prefix} is revoked: whatever used it is refused now.")


def _duration(form: forms.Form) -> timedelta | None:
    """How long the new key works; None for ever. A duration that cannot be read is refused."""
    text = form.value("expires").strip()
    if not text:
        return None
    try:
        seconds = parse_duration(text)
    except ValueError:
        seconds = 0
    if not 0 < seconds <= LONGEST_KEY_LIFETIME.total_seconds():
        form.refuse(
            "expires",
            "Write how long the key works, such as 90d for 90 days or 12h for 12 hours (at "
            "most ten years), or leave it empty for a key that does not expire.",
        )
        return None
    return timedelta(seconds=seconds)
