"""/admin/users: who may log in, with which role; admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import (
    MIN_PASSWORD_LENGTH,
    create_user,
    deactivate,
    get_user,
    list_users,
    role_named,
    set_role,
)
from distributor.addresses import normalized_address
from distributor.errors import Conflict, InvalidInput
from distributor.models import Role
from distributor.web.admin import forms
from distributor.web.admin.access import UserManager
from distributor.web.admin.views import admin_page, done, transaction
from distributor.web.admin.words import role_choices, role_name
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn

router = APIRouter()
PATH = "/admin/users"

Text = Annotated[str, Form()]


@router.get(PATH)
def users_page(request: Request, who: UserManager) -> HTMLResponse:
    return _users_page(request, who, forms.Form({"role": Role.PRESS_OFFICER.value}))


def _users_page(request: Request, who: SignedIn, form: forms.Form) -> HTMLResponse:
    with transaction(request) as session:
        return admin_page(
            request,
            who,
            "users.html",
            "Users",
            form.status,
            users=list_users(session),
            roles=role_choices(),
            role_name=role_name,
            form=form,
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
def new_user(
    request: Request,
    who: UserManager,
    email: Text = "",
    role: Text = "",
    password: Text = "",
    name: Text = "",
) -> HTMLResponse | RedirectResponse:
    form = forms.Form({"email": email, "role": role, "name": name})  # never the password
    try:
        address = normalized_address(email)
    except InvalidInput:
        form.refuse("email", "Write the person's email address, such as name@example.org.")
    if role not in {choice.value for choice in Role}:
        form.refuse("role", "Choose what the person may do.")
    if len(password) < MIN_PASSWORD_LENGTH:
        form.refuse(
            "password",
            f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters: a few words are easy "
            "to remember and hard to guess.",
        )
    if form.valid:
        with transaction(request) as session:
            try:
                create_user(
                    session, email, Role(role), password, who.principal.actor, name=name or None
                )
            except Conflict:
                form.refuse("email", f"{address} has an account already.")
            except InvalidInput:
                form.refuse("name", "Shorten the name to a few words, on one line.")
            else:
                return done(request, PATH, f"{address} can now log in as {role_name(Role(role))}.")
    return _users_page(request, who, form)


@router.post(f"{PATH}/role", dependencies=[Depends(csrf_protected)])
def change_role(
    request: Request, who: UserManager, email: Text = "", role: Text = ""
) -> RedirectResponse:
    with transaction(request) as session:
        chosen = role_named(role)
        set_role(session, get_user(session, email), chosen, who.principal.actor)
    return done(request, PATH, f"{email} is now {role_name(chosen)}.")


@router.post(f"{PATH}/deactivate", dependencies=[Depends(csrf_protected)])
def deactivate_user(request: Request, who: UserManager, email: Text = "") -> RedirectResponse:
    with transaction(request) as session:
        deactivate(session, get_user(session, email), who.principal.actor)
    return done(
        request,
        PATH,
        f"{email} can no longer log in and is logged out everywhere; their API keys stop working.",
    )
