"""What the admin dashboard shows at a glance: how much there is, and what bounced lately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from distributor.models import BounceRecord, Contact, MailingList, Release, SendOut, SendOutState


@dataclass(frozen=True)
class RecentBounce:
    received_at: datetime
    recipient: str | None
    classification: str
    status_code: str | None
    diagnostic: str | None


@dataclass(frozen=True)
class Overview:
    lists: int  # not archived
    contacts: int
    releases: int
    sendouts: dict[SendOutState, int]  # every state, zero included
    recent_bounces: list[RecentBounce]  # newest first


def overview(session: Session, bounces: int = 10) -> Overview:
    """The counts and the `bounces` latest bounces, in a handful of queries."""

    def count(query: Select[int]) -> int:
        return session.scalar(query) or 0

    by_state: dict[SendOutState, int] = dict(
        session.execute(select(SendOut.state, func.count()).group_by(SendOut.state)).all()
    )
    latest = session.scalars(
        select(BounceRecord)
        .order_by(BounceRecord.received_at.desc(), BounceRecord.id.desc())
        .limit(bounces)
    )
    return Overview(
        lists=count(select(func.count(MailingList.id)).where(MailingList.archived_at.is_(None))),
        contacts=count(select(func.count(Contact.id))),
        releases=count(select(func.count(Release.id))),
        sendouts={state: by_state.get(state, 0) for state in SendOutState},
        recent_bounces=[
            RecentBounce(
                b.received_at, b.recipient, b.classification.value, b.status_code, b.diagnostic
            )
            for b in latest
        ],
    )
