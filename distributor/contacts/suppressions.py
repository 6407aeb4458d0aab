"""The suppression list: addresses that never receive another send-out email.

Every path that adds recipients (imports, subscriptions, send-outs) asks here.
Lookups go by the address's hash, so an erased journalist stays suppressed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.models import Channel, Suppression, SuppressionReason, email_hash

# Bound parameters per IN (…): well under SQLite's and PostgreSQL's limits.
LOOKUP_CHUNK = 900


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def suppressed_among(session: Session, emails: Collection[str]) -> set[str]:
    """Those of the normalized `emails` that are suppressed."""
    by_hash = {email_hash(email): email for email in emails}
    found: set[str] = set()
    for chunk in _chunks(list(by_hash), LOOKUP_CHUNK):
        hashes = session.scalars(
            select(Suppression.email_hash).where(Suppression.email_hash.in_(chunk))
        )
        found.update(by_hash[h] for h in hashes)
    return found


def is_suppressed(session: Session, email: str) -> bool:
    return bool(suppressed_among(session, [email]))


def suppress(
    session: Session,
    email: str,
    reason: SuppressionReason,
    *,
    actor: Actor,
    channel: Channel | None = None,
    source: str | None = None,
    note: str | None = None,
) -> tuple[Suppression, bool]:
    """Suppress the normalized `email`; returns the entry and whether it is new.

    An address already suppressed keeps its first entry: the earliest reason is
    the one that explains why mail stopped.
    """
    digest = email_hash(email)
    existing = session.scalar(select(Suppression).where(Suppression.email_hash == digest))
    if existing is not None:
        return existing, False
    entry = Suppression(
        email_hash=digest,
        email=email,
        reason=reason,
        channel=channel,
        source=source,
        note=note,
        created_by_id=actor.user_id,
    )
    session.add(entry)
    session.flush()
    record(
        session, actor, "suppression.add", "suppression", entry.id, email=email, reason=reason.value
    )
    return entry, True
