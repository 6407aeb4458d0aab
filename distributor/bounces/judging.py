"""The one step every source of bounces takes before the bounce policy: a bounce tied to its
delivery is judged; one tied to none is recorded and changes nothing.

Received mail (`distributor.bounces.intake`, for the receiver and the mailbox),
provider webhooks (`distributor.bounces.providers`) and the relay's refusals at
SMTP time (`distributor.bounces.rejections`) each name a `Sent` delivery and
what went wrong; `judge` asks the policy about one such bounce, and `ingest_batch`
asks it about a batch of the same `bounce_of` bounces at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from distributor.bounces.deliveries import Sent
from distributor.bounces.policy import Bounce, BouncePolicy, apply_policy
from distributor.models import BounceClass

UNATTRIBUTED = "no delivery of ours found"


def bounce_of(
    delivery: Sent,
    classification: BounceClass,
    *,
    status: str | None,
    diagnostic: str | None,
    feedback_type: str | None = None,
) -> Bounce:
    """The bounce the policy judges: what went wrong with this delivery."""
    return Bounce(
        classification=classification,
        email=delivery.email,
        delivery_id=delivery.id,
        status=status,
        diagnostic=diagnostic,
        feedback_type=feedback_type,
        sendout_id=delivery.sendout_id,
    )


def judge(
    session: Session,
    delivery: Sent | None,
    classification: BounceClass,
    policy: BouncePolicy,
    now: datetime,
    *,
    status: str | None,
    diagnostic: str | None,
    feedback_type: str | None = None,
) -> str:
    """The decision on one bounce, taken before its record is kept: the policy's, or why there is none."""
    if delivery is None:
        return f"recorded: {UNATTRIBUTED}"
    bounce = bounce_of(
        delivery,
        classification,
        status=status,
        diagnostic=diagnostic,
        feedback_type=feedback_type,
    )
    return apply_policy(session, bounce, policy, now)
