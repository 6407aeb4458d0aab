"""Bounce records kept for review, and a person applying one by hand, audited, once.

Intake acts only on what proves which of our emails a report is about: the verified
VERP token of its delivery, or the Message-ID of ours sent to the address it names.
Anyone holding one email from the office could otherwise get any address suppressed,
by naming it in a report. A report about an address we sent to that proves neither is
kept with its review NEEDED and changes nothing, until an admin who trusts it applies
it: it is then judged by the bounce policy as if it had come back for the latest email
sent to that address before it arrived.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.bounces.judging import decide
from distributor.bounces.policy import Bounce, BouncePolicy, Judging
from distributor.errors import Conflict, InvalidInput, NotFound
from distributor.models import BounceClass, BounceRecord, BounceReview, Delivery, Role

# What can be held against an address or its email: a report of anything else needs no review.
REVIEWABLE = frozenset(
    {BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK, BounceClass.COMPLAINT}
)
NEEDS_REVIEW = "not tied to an email of ours to this address; kept for review"
APPLIED = "bounces.apply"  # the audit action of a record applied by hand


@dataclass(frozen=True)
class Applied:
    """A reviewed record applied: the delivery it was tied to and what the policy did."""

    record_id: int
    email: str
    delivery_id: int
    decision: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"applied": True}


def sent_to(session: Session, emails: Collection[str]) -> set[str]:
    """Those of `emails` we have sent to: a report about any other address is nobody's to review."""
    if not emails:
        return set()
    query = select(Delivery.email).where(
        Delivery.email.in_(list(emails)), Delivery.sent_at.is_not(None)
    )
    return set(session.scalars(query.distinct()))


def apply_reviewed(
    session: Session,
    record_id: int,
    actor: Actor,
    reason: str,
    *,
    policy: BouncePolicy | None = None,
    now: datetime | None = None,
) -> Applied:
    """Apply a record kept for review to its address (admins only), with the reason audited.

    It is tied to the latest email sent to its address before it arrived and judged as
    of its arrival, so that it counts among that address's bounces where it belongs.
    A record applied already, or one that needs no review, is refused: nothing is
    applied twice, even by two people at once.
    """
    actor.require(Role.ADMIN, "applying a bounce kept for review")
    why = reason.strip()
    if not why:
        raise InvalidInput(f"say why bounce {record_id} may be applied: it goes into the audit log")
    kept = session.get(BounceRecord, record_id)
    if kept is None:
        raise NotFound(f"there is no bounce {record_id}")
    if kept.review is not BounceReview.NEEDED:
        raise Conflict(_not_waiting(kept))
    delivery = _latest_before(session, kept.recipient or "", kept.received_at)
    if delivery is None:
        raise NotFound(
            f"bounce {record_id}: no email was sent to {kept.recipient} before it arrived, "
            "so there is nothing to apply it to"
        )
    bounce = Bounce(
        classification=kept.classification,
        email=delivery.email,
        delivery_id=delivery.id,
        status=kept.status_code,
        diagnostic=kept.diagnostic,
        sendout_id=delivery.sendout_id,
    )
    judging = Judging(session, policy or BouncePolicy(), kept.received_at)
    judging.read([bounce])  # before the claim below: the record counts as the bounce judged
    decision = decide(judging, bounce)
    claimed = session.execute(
        update(BounceRecord)
        .where(BounceRecord.id == record_id, BounceRecord.review == BounceReview.NEEDED)
        .values(review=BounceReview.APPLIED, delivery_id=delivery.id)
        .returning(BounceRecord.id)
    ).first()
    if claimed is None:  # applied meanwhile by someone else: raising undoes what judging did
        session.refresh(kept)
        raise Conflict(_not_waiting(kept))
    judging.write()
    kept.decision = f"applied by {actor.label}: {decision.text}"
    record(
        session,
        actor,
        APPLIED,
        "bounce_record",
        record_id,
        reason=why,
        email=delivery.email,
        delivery=delivery.id,
        decision=decision.text,
    )
    session.flush()
    return Applied(record_id, delivery.email, delivery.id, decision.text)


def _not_waiting(kept: BounceRecord) -> str:
    if kept.review is BounceReview.APPLIED:
        return f"bounce {kept.id} was applied already; nothing was changed"
    return f"bounce {kept.id} is not waiting for review ({kept.decision}); nothing was changed"


def _latest_before(session: Session, email: str, moment: datetime) -> Delivery | None:
    return session.scalar(
        select(Delivery)
        .where(Delivery.email == email, Delivery.sent_at <= moment)
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(1)
    )
