"""/admin/users: who may log in, with which role; admins only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.accounts import create_user, deactivate, get_user, list_users, role_named, set_role
from distributor.models import Role
from distributor.web.admin.access import UserManager
from distributor.web.admin.views import admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected

router = APIRouter()
PATH = "/admin/users"


@router.get(PATH)
def users_page(request: Request, who: UserManager) -> HTMLResponse:
    with transaction(request) as session:
        return admin_page(
            request, who, "users.html", "Users", users=list_users(session), roles=list(Role)
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)])
def new_user(
    request: Request,
    who: UserManager,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> RedirectResponse:
    with transaction(request) as session:
        create_user(
            session, email, role_named(role), password, who.principal.actor, name=name or None
        )
    return see_other(PATH)


@router.post(f"{PATH}/role", dependencies=[Depends(csrf_protected)])
def change_role(
    request: Request,
    who: UserManager,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> RedirectResponse:
    with transaction(request) as session:
        set_role(session, get_user(session, email), role_named(role), who.principal.actor)
    return see_other(PATH)


@router.post(f"{PATH}/deactivate", dependencies=[Depends(csrf_protected)])
def deactivate_user(
    request: Request, who: UserManager, email: Annotated[str, Form()] = ""
) -> RedirectResponse:
    with transaction(request) as session:
        deactivate(session, get_user(session, email), who.principal.actor)
    return see_other(PATH)
