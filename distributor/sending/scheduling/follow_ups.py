"""Follow-ups: a completed send-out sent again, under a new subject, to those who did not react.

A follow-up keeps its original's lists and segments, and its audience is narrowed
by `deliveries.not_reacted`, which `deliveries.audience_condition` adds for every follow-up:
contacts the original was sent to who have not clicked, replied or (when the
original counted opens) opened it. The condition is read when the deliveries are
made and again before each batch, so a click after scheduling still counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from distributor.audit import Actor, record
from distributor.config import Settings
from distributor.errors import Conflict, InvalidInput
from distributor.models import (
    MailingList,
    Release,
    Segment,
    SendOut,
    SendOutAudience,
    SendOutState,
)
from distributor.sending.message.mime import encode_text
from distributor.sending.message.subjects import checked_subjects, with_subjects
from distributor.sending.scheduling.sendouts import Audience, Schedule, Tracking, create_sendout


@dataclass(frozen=True)
class FollowUpLinks:
    """The send-out a follow-up follows up, and the follow-up a send-out has; None when not."""

    follow_up_of: int | None
    follow_up: int | None


def create_follow_up(
    session: Session,
    original: SendOut,
    subject: str,
    schedule: Schedule,
    *,
    actor: Actor,
    subjects: Mapping[str, str] | None = None,
    release: Release | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    confirm: bool = False,
) -> SendOut:
    """Schedule a follow-up of `original` under `subject` (and `subjects` by language, not
    the original's), of the same release unless another is given. Who receives it is decided
    when it falls due, not now; the checks before sending run as for any send-out (`confirm`
    accepts their warnings)."""
    if original.state is not SendOutState.COMPLETED:
        raise Conflict(
            f"send-out {original.id} is {original.state.value}: only a completed send-out can "
            "be followed up, once everyone has had the first message; see "
            f"`distributor sendouts status {original.id}`"
        )
    existing = follow_up_links(session, original.id).follow_up
    if existing is not None:
        raise Conflict(
            f"send-out {original.id} already has a follow-up, send-out {existing}; "
            "a send-out is followed up at most once"
        )
    if not subject.strip():
        raise InvalidInput("--subject is required: a follow-up needs a subject of its own")
    encode_text("Subject", subject)  # HeaderInjection now rather than at send time
    release = release or original.release
    own_subjects = checked_subjects(release, subjects or {})
    follow_up = create_sendout(
        session,
        release,
        _audience_of(session, original),
        schedule,
        actor=actor,
        subject=subject,
        tracking=Tracking(original.track_clicks, original.track_opens),
        options=with_subjects(original.options, own_subjects),
        now=now,
        settings=settings,
        confirm=confirm,
        follow_up_of=original,
    )
    record(session, actor, "sendout.follow_up", "sendout", follow_up.id, original=original.id)
    return follow_up


def _audience_of(session: Session, original: SendOut) -> Audience:
    """The original's lists and segments, by the slugs and names `create_sendout` takes."""
    rows = session.execute(
        select(SendOutAudience.exclude, MailingList.slug, Segment.name)
        .outerjoin(MailingList, MailingList.id == SendOutAudience.list_id)
        .outerjoin(Segment, Segment.id == SendOutAudience.segment_id)
        .where(SendOutAudience.sendout_id == original.id)
        .order_by(SendOutAudience.id)
    ).all()
    audience = Audience(
        lists=[row.slug for row in rows if row.slug and not row.exclude],
        segments=[row.name for row in rows if row.name and not row.exclude],
        exclude_lists=[row.slug for row in rows if row.slug and row.exclude],
        exclude_segments=[row.name for row in rows if row.name and row.exclude],
    )
    if not audience.lists and not audience.segments:
        raise Conflict(
            f"send-out {original.id}'s lists and segments have been deleted: "
            "there is no audience left to follow up"
        )
    return audience


def follow_up_links(session: Session, sendout_id: int) -> FollowUpLinks:
    """Which send-out `sendout_id` follows up, and which follows it up."""
    of = session.scalar(select(SendOut.follow_up_of_id).where(SendOut.id == sendout_id))
    by = session.scalar(select(SendOut.id).where(SendOut.follow_up_of_id == sendout_id))
    return FollowUpLinks(of, by)
