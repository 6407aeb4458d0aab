"""Who acts (a person at the CLI, a user in the web app, an API key, the system) and the audit log."""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from distributor.errors import PermissionDenied
from distributor.models import AuditEntry, Role

# Roles from the least to the most powerful: `Role` declares them the most powerful first.
RANK = {role: rank for rank, role in enumerate(reversed(Role))}
_APPEND = insert(cast(Table, AuditEntry.__table__))  # built once: append is for busy paths


@dataclass(frozen=True)
class Actor:
    """The one on whose behalf a service acts; recorded with every change."""

    label: str  # "cli:alice", "user:3", "api-key:ab12cd34", "system"
    role: Role
    user_id: int | None = None

    def require(self, role: Role, doing: str) -> None:
        """Refuse `doing` unless this actor has at least `role`."""
        if RANK[self.role] < RANK[role]:
            raise PermissionDenied(
                f"{doing} needs the {role.value} role; {self.label} is {self.role.value}"
            )

    @classmethod
    def command_line(cls) -> Actor:
        """Whoever runs the CLI on the server is trusted as an admin, as with any local shell."""
        return cls(label=f"cli:{getpass.getuser()}", role=Role.ADMIN)


SYSTEM = Actor(label="system", role=Role.ADMIN)


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | str | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the session; it commits (or rolls back) with the change it describes."""
    entry = AuditEntry(**entry_row(actor, action, entity_type, entity_id, **details))
    session.add(entry)
    return entry


def append(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | str | None = None,
    **details: Any,
) -> None:
    """Write an audit entry at once, as one INSERT: for busy paths that never read it back.

    Like `record`'s, it commits (or rolls back) with the change it describes.
    """
    append_all(session, [entry_row(actor, action, entity_type, entity_id, **details)])


def append_all(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write many audit entries (rows from `entry_row`) in one statement, as `append` does one."""
    if rows:  # a Core INSERT on the connection: the ORM has nothing to add here
        session.connection().execute(_APPEND, list(rows))


def entry_row(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: int | str | None = None,
    **details: Any,
) -> dict[str, Any]:
    """An audit entry's row, for `append_all`."""
    return {
        "user_id": actor.user_id,
        "actor": actor.label,
        "action": action,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "details": details,
    }
