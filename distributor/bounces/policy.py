"""The bounce policy: what one recipient's bounce, complaint or warning does to its address.

Every bounce that reaches us, whether refused during our SMTP session or
returned later as a DSN or complaint, is judged here and nowhere else. A hard
bounce suppresses at once; soft bounces suppress once there are enough of them
spread over enough days with no success in between (counted from the bounce
records and deliveries, never from a stored counter, and including the bounce
being judged, whose record is written with the decision); a complaint stops all mail;
a block never blames the address, it warns the admins about the send-out.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, Table, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM, Actor, append, record
from distributor.config import Settings
from distributor.contacts.subscriptions import unsubscribe
from distributor.contacts.suppressions import remove_suppression, suppress
from distributor.errors import NotFound
from distributor.models import (
    AuditEntry,
    BounceClass,
    BounceRecord,
    Channel,
    Delivery,
    DeliveryEvent,
    DeliveryEventKind,
    DeliveryState,
    Role,
    Suppression,
    SuppressionReason,
    email_hash,
)
from distributor.models.base import utcnow

log = logging.getLogger(__name__)

# Failures: the message did not arrive, so its delivery is `bounced` and resets no soft count.
_FAILURES = frozenset({BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK})
_NOTE_CHARS = 500
REACTIVATED = "bounces.reactivate"  # the audit action that starts an address's soft count afresh

# Statements built once: on this busy path, building one costs more than running it.
_DELIVERIES = cast(Table, Delivery.__table__)
_APPEND_EVENT = insert(cast(Table, DeliveryEvent.__table__))
_BOUNCE_IF_SENT = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("b_id"), _DELIVERIES.c.state == DeliveryState.SENT)
    .values(state=DeliveryState.BOUNCED, last_error=bindparam("b_error"))
)


@dataclass(frozen=True)
class BouncePolicy:
    """How many soft bounces, spread over how long, suppress an address."""

    soft_limit: int = 3
    soft_span: timedelta = timedelta(days=14)

    @classmethod
    def from_settings(cls, settings: Settings) -> BouncePolicy:
        return cls(settings.soft_bounce_limit, timedelta(days=settings.soft_bounce_days))


@dataclass(frozen=True)
class Bounce:
    """One recipient's bounce as the policy judges it; its BounceRecord is written with the decision."""

    classification: BounceClass
    email: str  # the address we sent to, normalized
    delivery_id: int
    status: str | None
    diagnostic: str | None
    feedback_type: str | None = None  # of a complaint


def apply_policy(session: Session, bounce: Bounce, policy: BouncePolicy, now: datetime) -> str:
    """Act on one bounce; returns the decision, one line, for its record."""
    kind = bounce.classification
    if kind in _FAILURES:
        _mark_bounced(session, bounce, now)
    if kind is BounceClass.HARD:
        return _suppressed(session, bounce, SuppressionReason.HARD_BOUNCE, "hard bounce")
    if kind is BounceClass.SOFT:
        return _soft(session, bounce, policy, now)
    if kind is BounceClass.COMPLAINT:
        _event(session, bounce, DeliveryEventKind.COMPLAINED, now)
        what = f"complaint ({bounce.feedback_type or 'abuse'})"
        return stop_all_mail(
            session,
            bounce.email,
            SuppressionReason.COMPLAINT,
            Channel.COMPLAINT,
            source=f"delivery {bounce.delivery_id}",
            note=what,
        )
    if kind is BounceClass.BLOCK:
        return _block(session, bounce)
    if kind is BounceClass.DELAYED:
        _event(session, bounce, DeliveryEventKind.DELAYED, now)
        return "warning: delivery delayed, still on its way"
    if kind is BounceClass.AUTO_REPLY:
        return "recorded: auto-reply, not a bounce"
    return "recorded: not understood, kept for review"


def stop_all_mail(
    session: Session,
    email: str,
    reason: SuppressionReason,
    channel: Channel,
    *,
    source: str,
    note: str,
) -> str:
    """Unsubscribe `email` from every list and suppress it; returns what was done."""
    left: list[str] = []
    with contextlib.suppress(NotFound):  # an erased or never-imported contact has no lists
        left = unsubscribe(session, email, None, SYSTEM, channel, reason=note).unsubscribed
    entry, new = suppress(
        session, email, reason, actor=SYSTEM, channel=channel, source=source, note=note
    )
    lists = f"unsubscribed from {len(left)} list{'' if len(left) == 1 else 's'}"
    if not new:
        return f"{lists}; already suppressed ({entry.reason.value}): {note}"
    return f"{lists} and suppressed: {note}"


def _suppressed(session: Session, bounce: Bounce, reason: SuppressionReason, why: str) -> str:
    detail = _detail(bounce)
    entry, new = suppress(
        session,
        bounce.email,
        reason,
        actor=SYSTEM,
        channel=Channel.BOUNCE,
        source=f"delivery {bounce.delivery_id}",
        note=detail[:_NOTE_CHARS] or None,
    )
    if not new:
        return f"already suppressed ({entry.reason.value}); {why}"
    return f"suppressed: {why}" + (f" ({bounce.status})" if bounce.status else "")


def _soft(session: Session, bounce: Bounce, policy: BouncePolicy, now: datetime) -> str:
    """Suppress after `soft_limit` soft bounces spanning `soft_span` since the last success."""
    first, last, count = soft_bounces_since_success(session, bounce.email, judged=now)
    span = last - first if first is not None and last is not None else None
    if count >= policy.soft_limit and span is not None and span >= policy.soft_span:
        return _suppressed(
            session,
            bounce,
            SuppressionReason.SOFT_BOUNCE_LIMIT,
            f"{count} soft bounces over {span.days} days with no success between",
        )
    since = f" since {first:%Y-%m-%d}" if first is not None else ""
    return f"counted: soft bounce {count} of {policy.soft_limit}{since}"


def soft_bounces_since_success(
    session: Session, email: str, judged: datetime | None = None
) -> tuple[datetime | None, datetime | None, int]:
    """The first and last soft bounce of `email` since its last success or reactivation, and their count.

    A success is a delivery to the address that was sent and has no failure recorded
    against it; a bounce that arrives later for it makes it no success after all.
    `judged` is when the soft bounce being judged was received: its record is not
    written yet, and it counts too.
    """
    failed = exists().where(
        BounceRecord.delivery_id == Delivery.id,
        BounceRecord.classification.in_(_FAILURES),
        BounceRecord.token_valid.is_not(False),
    )
    last_success = session.scalar(
        select(func.max(Delivery.sent_at)).where(
            Delivery.email == email,
            Delivery.state == DeliveryState.SENT,
            Delivery.sent_at.is_not(None),
            ~failed,
        )
    )
    query = select(
        func.min(BounceRecord.received_at),
        func.max(BounceRecord.received_at),
        func.count(),
    ).where(
        BounceRecord.recipient == email,
        BounceRecord.classification == BounceClass.SOFT,
        BounceRecord.token_valid.is_not(False),
    )
    reactivated = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.action == REACTIVATED, AuditEntry.entity_id == email_hash(email)
        )
    )
    start = max(
        (moment for moment in (last_success, reactivated) if moment is not None), default=None
    )
    if start is not None:
        query = query.where(BounceRecord.received_at > start)
    first, last, count = session.execute(query).one()
    if judged is not None and (start is None or judged > start):
        first = judged if first is None else min(first, judged)
        last = judged if last is None else max(last, judged)
        count += 1
    return first, last, count


def reactivate(
    session: Session, email: str, actor: Actor, reason: str, now: datetime | None = None
) -> Suppression:
    """Let a bounced address receive mail again, its soft count started afresh (admins only).

    The suppression's removal is audited with the reason; the reactivation's own audit
    entry, keyed by the address's hash, is where the soft count starts again.
    """
    actor.require(Role.ADMIN, "reactivating a bounced address")
    entry = remove_suppression(session, email, actor, reason)
    reactivation = record(
        session,
        actor,
        REACTIVATED,
        "address",
        entry.email_hash,
        email=entry.email,
        reason=reason.strip(),
        was=entry.reason.value,
    )
    reactivation.at = now or utcnow()
    session.flush()
    return entry


def _block(session: Session, bounce: Bounce) -> str:
    """A refusal for policy, spam or reputation: the send-out's problem, not the address's."""
    sendout_id = session.scalar(
        select(Delivery.sendout_id).where(Delivery.id == bounce.delivery_id)
    )
    domain = bounce.email.rpartition("@")[2]
    log.warning("send-out %s was refused by %s: %s", sendout_id, domain, _detail(bounce))
    append(
        session,
        SYSTEM,
        "sendout.blocked",
        "sendout",
        sendout_id,
        delivery=bounce.delivery_id,
        email=bounce.email,
        status=bounce.status,
        diagnostic=(bounce.diagnostic or "")[:_NOTE_CHARS],
    )
    return f"warned: send-out {sendout_id} blocked by the receiver; address not blamed"


def _mark_bounced(session: Session, bounce: Bounce, now: datetime) -> None:
    """Move a delivery the relay had accepted to `bounced`; one refused at SMTP time is settled.

    One conditional UPDATE, whatever state a copy loaded in the session shows
    (such a copy is not refreshed: the caller commits, which expires it).
    """
    session.flush()  # the UPDATE checks the state the session holds, changes not yet written too
    moved = session.execute(
        _BOUNCE_IF_SENT, {"b_id": bounce.delivery_id, "b_error": _detail(bounce) or None}
    )
    assert isinstance(moved, CursorResult)
    if moved.rowcount:
        _event(session, bounce, DeliveryEventKind.BOUNCED, now)


def _event(session: Session, bounce: Bounce, kind: DeliveryEventKind, now: datetime) -> None:
    """Append the delivery's event: one INSERT, as nothing reads the row back here."""
    session.execute(
        _APPEND_EVENT,
        {
            "delivery_id": bounce.delivery_id,
            "kind": kind,
            "at": now,
            "detail": _detail(bounce) or None,
            "data": {"class": bounce.classification.value, "status": bounce.status},
        },
    )


def _detail(bounce: Bounce) -> str:
    return " ".join(part for part in (bounce.status, bounce.diagnostic) if part)
