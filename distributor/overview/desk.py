"""What is on the press officer's desk: the send-outs lately started, those to come, and the
embargoes about to lift."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from distributor.models import Release, SendOut, SendOutState
from distributor.overview.results import Results, sendout_results

# Not started yet: waiting for their time, or still being prepared.
UPCOMING_STATES = (SendOutState.SCHEDULED, SendOutState.DRAFT)


@dataclass(frozen=True)
class SendOutLine:
    """One send-out as a line of a table: what went out, when, how far it got and how it went."""

    id: int
    title: str
    state: SendOutState
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    results: Results
    counts_opens: bool  # whether opens and clicks were counted at all
    counts_clicks: bool


@dataclass(frozen=True)
class EmbargoLift:
    release_id: int
    title: str
    embargo_until: datetime
    sendouts: int  # send-outs of the release still to go


def release_title(release: Release) -> str:
    """The release's title; its web address name while it has no version."""
    try:
        return release.version().title
    except LookupError:
        return release.slug


def sendout_lines(session: Session, sendouts: Sequence[SendOut]) -> list[SendOutLine]:
    """`sendouts` as lines, their results counted in two queries."""
    # Deliveries are made when a send-out starts: only started send-outs are counted.
    results = sendout_results(session, [s.id for s in sendouts if s.started_at is not None])
    return [sendout_line(sendout, results.get(sendout.id, Results())) for sendout in sendouts]


def sendout_line(sendout: SendOut, results: Results) -> SendOutLine:
    """`sendout` as a line, with `results` counted by the caller."""
    return SendOutLine(
        sendout.id,
        sendout.subject or release_title(sendout.release),
        sendout.state,
        sendout.scheduled_at,
        sendout.started_at,
        sendout.finished_at,
        results,
        sendout.track_opens,
        sendout.track_clicks,
    )


def _with_titles(query: Select[SendOut]) -> Select[SendOut]:
    return query.options(selectinload(SendOut.release).selectinload(Release.versions))


def recent_sendouts(session: Session, limit: int = 8) -> list[SendOutLine]:
    """The send-outs started last, newest first."""
    query = select(SendOut).where(SendOut.started_at.is_not(None))
    query = query.order_by(SendOut.started_at.desc(), SendOut.id.desc()).limit(limit)
    return sendout_lines(session, session.scalars(_with_titles(query)).all())


def upcoming_sendouts(session: Session, limit: int = 8) -> list[SendOutLine]:
    """The send-outs not started yet, the next due first (those without a time last)."""
    query = select(SendOut).where(SendOut.state.in_(UPCOMING_STATES), SendOut.started_at.is_(None))
    query = query.order_by(SendOut.scheduled_at.asc().nulls_last(), SendOut.id).limit(limit)
    return sendout_lines(session, session.scalars(_with_titles(query)).all())


def upcoming_embargo_lifts(session: Session, now: datetime, limit: int = 8) -> list[EmbargoLift]:
    """The releases whose embargo lifts after `now`, the soonest first, with the number of their
    send-outs still to go."""
    releases = session.scalars(
        select(Release)
        .where(Release.embargo_until > now, Release.archived_at.is_(None))
        .order_by(Release.embargo_until, Release.id)
        .limit(limit)
        .options(selectinload(Release.versions))
    ).all()
    waiting = session.execute(
        select(SendOut.release_id, SendOut.id).where(
            SendOut.release_id.in_([release.id for release in releases]),
            SendOut.state.in_(UPCOMING_STATES),
        )
    ).all()
    return [
        EmbargoLift(
            release.id,
            release_title(release),
            release.embargo_until,
            sum(1 for row in waiting if row.release_id == release.id),
        )
        for release in releases
        if release.embargo_until is not None
    ]
