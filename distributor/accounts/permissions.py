"""Who may do what: each ability needs a minimum role, in one table the web app and API check.

Roles are ordered as `Role` declares them, the most powerful first; each includes the
ones after it. Whoever runs the command line on the server is a trusted local operator.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from types import MappingProxyType

from distributor.audit import RANK, Actor
from distributor.errors import InvalidInput
from distributor.models import ApiKey, Role, User

# The audit log's actor column holds this many characters; an address may hold more.
MAX_LABEL = 200


class Permission(enum.StrEnum):
    READ = "read"  # releases, send-outs, lists, contacts, reports
    MANAGE_RELEASES = "manage_releases"  # write, edit and preview releases
    SEND = "send"  # schedule, pause, resume and cancel send-outs
    MANAGE_LISTS = "manage_lists"  # lists, segments, contacts and their imports
    MANAGE_SUPPRESSIONS = "manage_suppressions"  # add, remove, reactivate suppressed addresses
    PRIVACY = "privacy"  # export and erase a journalist's data, legal bases
    MANAGE_USERS = "manage_users"  # users, their roles and every API key


# The minimum role for each ability, and how a refusal names it.
_TABLE: MappingProxyType[Permission, tuple[Role, str]] = MappingProxyType(
    {
        Permission.READ: (Role.VIEWER, "reading"),
        Permission.MANAGE_RELEASES: (Role.PRESS_OFFICER, "writing releases"),
        Permission.SEND: (Role.PRESS_OFFICER, "sending releases"),
        Permission.MANAGE_LISTS: (Role.ADMIN, "changing lists, segments and contacts"),
        Permission.MANAGE_SUPPRESSIONS: (Role.ADMIN, "changing the suppression list"),
        Permission.PRIVACY: (Role.ADMIN, "exporting or erasing a journalist's data"),
        Permission.MANAGE_USERS: (Role.ADMIN, "managing users and API keys"),
    }
)


def role_named(text: str) -> Role:
    """The role a form or an option names; InvalidInput listing the roles otherwise."""
    try:
        return Role(text)
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        raise InvalidInput(f"role {text!r} does not exist; choose one of {choices}") from None


def at_least(role: Role, minimum: Role) -> bool:
    """Whether `role` includes `minimum`."""
    return RANK[role] >= RANK[minimum]


def lesser(role: Role, other: Role) -> Role:
    """The less powerful of two roles."""
    return role if RANK[role] <= RANK[other] else other


def minimum_role(permission: Permission) -> Role:
    return _TABLE[permission][0]


def allows(role: Role, permission: Permission) -> bool:
    """Whether `role` may do `permission` (for showing or hiding what a user cannot use)."""
    return at_least(role, minimum_role(permission))


@dataclass(frozen=True)
class Principal:
    """Who a request or command acts for, once authenticated; recorded as its audit Actor."""

    role: Role
    label: str  # "user:alice@example.org", "api-key:ab12cd34", "cli:alice"
    user_id: int | None = None

    @classmethod
    def of_user(cls, user: User) -> Principal:
        return cls(role=user.role, label=f"user:{user.email}"[:MAX_LABEL], user_id=user.id)

    @classmethod
    def of_api_key(cls, key: ApiKey) -> Principal:
        """A key acts with its own role, never more than its user has today (roles can drop)."""
        return cls(
            role=lesser(key.role, key.user.role), label=f"api-key:{key.prefix}", user_id=key.user_id
        )

    @classmethod
    def local_operator(cls) -> Principal:
        """Whoever runs the command line on the server: full rights, as with any local shell."""
        actor = Actor.command_line()
        return cls(role=actor.role, label=actor.label)

    @property
    def actor(self) -> Actor:
        return Actor(label=self.label, role=self.role, user_id=self.user_id)


def require(who: Principal | Actor, permission: Permission) -> None:
    """Raise PermissionDenied, naming the ability and the role it needs, unless `who` has it."""
    actor = who.actor if isinstance(who, Principal) else who
    minimum, doing = _TABLE[permission]
    actor.require(minimum, doing)
