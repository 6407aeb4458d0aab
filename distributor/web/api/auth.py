"""Who calls the API: `Authorization: Bearer <key>` with a key from `distributor users keys create`.

A missing, unknown, revoked or expired key is a 401 asking for a bearer token; a key
whose role lacks the route's permission a 403. The services check the role again
through the principal's actor, so a route that forgot its permission still refuses.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from distributor.accounts import Permission, Principal, minimum_role, require, verify_api_key
from distributor.audit import Actor
from distributor.config import Settings
from distributor.web.state import AppState

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="An API key, `dst_<prefix>_<secret>`, made with `distributor users keys create`.",
)


@dataclass(frozen=True)
class Caller:
    """An authenticated request: who it acts for, and the app it reaches."""

    principal: Principal
    state: AppState

    @property
    def actor(self) -> Actor:
        return self.principal.actor

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def transaction(self) -> AbstractContextManager[Session]:
        """A session committed when the block succeeds, rolled back when it raises."""
        return self.state.sessions.begin()


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(HTTPStatus.UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    """The caller the request's bearer key acts for, or a 401."""
    if credentials is None:
        raise _unauthorized(
            "this API needs an API key: send `Authorization: Bearer dst_…`; "
            "make one with `distributor users keys create`"
        )
    state = AppState.of(request)
    with state.sessions.begin() as session:  # verifying notes when the key was last used
        principal = verify_api_key(session, credentials.credentials)
    if principal is None:
        raise _unauthorized(
            "the API key is unknown, revoked or expired, or its user is deactivated"
        )
    return Caller(principal, state)


@dataclass(frozen=True)
class Requirement:
    """A route's permission, as a dependency."""

    permission: Permission

    def __call__(self, caller: Annotated[Caller, Depends(authenticate)]) -> Caller:
        require(caller.principal, self.permission)
        return caller


def _needing(permission: Permission) -> Any:
    """The dependency for `permission`; OpenAPI 3.1 lists its role in the operation's security."""
    return Security(Requirement(permission), scopes=[minimum_role(permission).value])


Reader = Annotated[Caller, _needing(Permission.READ)]
ListManager = Annotated[Caller, _needing(Permission.MANAGE_LISTS)]
ReleaseWriter = Annotated[Caller, _needing(Permission.MANAGE_RELEASES)]
Sender = Annotated[Caller, _needing(Permission.SEND)]
SuppressionManager = Annotated[Caller, _needing(Permission.MANAGE_SUPPRESSIONS)]
