"""Who may open which admin page: each route names the Permission it needs.

Anonymous visitors are sent to the login page; signed-in users without the permission
get a 403 page. The services check the role again with the actor they are given.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import Depends

from distributor.accounts import Permission, allows, minimum_role
from distributor.web.admin.words import role_name
from distributor.web.sessions import PageRefused, SignedIn, signed_in


class Require:
    """The dependency admitting users whose role allows `permission`."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, who: Annotated[SignedIn, Depends(signed_in)]) -> SignedIn:
        if not allows(who.principal.role, self.permission):
            raise PageRefused(
                HTTPStatus.FORBIDDEN,
                f"This page is for the role {role_name(minimum_role(self.permission))}; "
                f"yours is {role_name(who.principal.role)}.",
            )
        return who


Reader = Annotated[SignedIn, Depends(Require(Permission.READ))]
Writer = Annotated[SignedIn, Depends(Require(Permission.MANAGE_RELEASES))]
ListManager = Annotated[SignedIn, Depends(Require(Permission.MANAGE_LISTS))]
SuppressionManager = Annotated[SignedIn, Depends(Require(Permission.MANAGE_SUPPRESSIONS))]
UserManager = Annotated[SignedIn, Depends(Require(Permission.MANAGE_USERS))]
Sender = Annotated[SignedIn, Depends(Require(Permission.SEND))]
