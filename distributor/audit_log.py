"""Reading the audit log: who changed what, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.errors import InvalidInput
from distributor.models import AuditEntry

MAX_PAGE = 500


@dataclass(frozen=True)
class AuditPage:
    total: int  # entries in all, beyond this page too
    entries: list[AuditEntry]


def audit_page(session: Session, limit: int = 50, offset: int = 0) -> AuditPage:
    """Entries newest first, `limit` of them from `offset`."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise InvalidInput(f"limit must be 1 to {MAX_PAGE} and offset not negative")
    total = session.scalar(select(func.count(AuditEntry.id))) or 0
    entries = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
    )
    return AuditPage(total, list(entries))
