"""The admin's words for what the system names by id: the roles people have."""

from __future__ import annotations

from types import MappingProxyType

from distributor.models import Role

ROLE_NAMES = MappingProxyType(
    {Role.ADMIN: "Admin", Role.PRESS_OFFICER: "Press officer", Role.VIEWER: "Viewer"}
)


def role_name(role: Role) -> str:
    """How a page names `role`: "Press officer", not press_officer."""
    return ROLE_NAMES[role]


def role_choices() -> list[tuple[str, str]]:
    """The roles as a form's options: (value, name), the most powerful first."""
    return [(role.value, role_name(role)) for role in Role]
