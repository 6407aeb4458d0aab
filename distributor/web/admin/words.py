"""The admin's words for what the system names by id: roles, why an address gets no mail."""

from __future__ import annotations

from types import MappingProxyType

from distributor.models import Role, SuppressionReason

ROLE_NAMES = MappingProxyType(
    {Role.ADMIN: "Admin", Role.PRESS_OFFICER: "Press officer", Role.VIEWER: "Viewer"}
)


def role_name(role: Role) -> str:
    """How a page names `role`: "Press officer", not press_officer."""
    return ROLE_NAMES[role]


def role_choices() -> list[tuple[str, str]]:
    """The roles as a form's options: (value, name), the most powerful first."""
    return [(role.value, role_name(role)) for role in Role]


SUPPRESSION_REASONS = MappingProxyType(
    {
        SuppressionReason.UNSUBSCRIBED: "Unsubscribed",
        SuppressionReason.HARD_BOUNCE: "Address does not exist",
        SuppressionReason.SOFT_BOUNCE_LIMIT: "Mail kept coming back",
        SuppressionReason.COMPLAINT: "Marked as spam",
        SuppressionReason.ERASED: "Data erased",
        SuppressionReason.MANUAL: "Added by hand",
    }
)


def suppression_reason(reason: SuppressionReason) -> str:
    """Why an address gets no mail, as a press officer would say it."""
    return SUPPRESSION_REASONS[reason]
