"""The one step every source of bounces takes before the bounce policy: `decide`. A bounce
tied to its delivery is judged; one tied to none is recorded and changes nothing.

Every source makes its bounces with `bounce_of` and decides each with `decide`, in
a batch of the policy (`Judging`): received mail (`distributor.bounces.intake`, for
the receiver, the mailbox and `bounces ingest`) a batch of messages at a time, a
reviewed bounce (`review`) on its own, and provider webhooks
(`distributor.bounces.providers`) and the relay's refusals at SMTP time
(`distributor.bounces.rejections`) one bounce at a time through `judge`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from distributor.bounces.deliveries import Sent
from distributor.bounces.policy import Bounce, BouncePolicy, Decision, Judging
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


def decide(judging: Judging, bounce: Bounce | None, *, why_none: str = UNATTRIBUTED) -> Decision:
    """The decision on one bounce of `judging`'s batch: the policy's, or, for a bounce tied to
    no delivery (`None`), that it is only recorded, and why."""
    if bounce is None:
        return Decision(f"recorded: {why_none}")
    return judging.judge(bounce)


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
    """The decision on a bounce that comes on its own (a webhook's event, a relay's refusal),
    taken before its record is kept: `decide` over a batch of one."""
    bounce = None
    if delivery is not None:
        bounce = bounce_of(
            delivery,
            classification,
            status=status,
            diagnostic=diagnostic,
            feedback_type=feedback_type,
        )
    judging = Judging(session, policy, now)
    judging.read([bounce] if bounce is not None else [])
    decision = decide(judging, bounce)
    judging.write()
    return decision.text
