"""The dispatcher's decisions, made on each beat tick: what starts, what is finished, what needs workers.

Schedules live in the database and are read here, instead of living as Celery ETA
tasks that a broker's visibility timeout would deliver twice. A send-out that
falls due becomes its deliveries in one set-based insert and moves to sending.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.db import refresh_statistics
from distributor.models import (
    Contact,
    Delivery,
    DeliveryState,
    ScheduleKind,
    SendOut,
    SendOutState,
    Subscription,
    Suppression,
)
from distributor.sending.scheduling.checks.findings import preflight_errors
from distributor.sending.scheduling.clock import next_local_time
from distributor.sending.scheduling.deliveries import create_deliveries
from distributor.sending.scheduling.states import move_sendout

OPEN_STATES = (DeliveryState.QUEUED, DeliveryState.SENDING, DeliveryState.DEFERRED)


_Row = TypeVar("_Row")


def _locked(session: Session, query: Select[_Row]) -> Select[_Row]:
    """Skip rows another dispatcher holds (PostgreSQL); SQLite serializes writers anyway."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def start_due(session: Session, now: datetime) -> list[int]:
    """Start every scheduled send-out whose time has come; returns their ids."""
    due = _locked(
        session,
        select(SendOut)
        .where(SendOut.state == SendOutState.SCHEDULED, SendOut.scheduled_at <= now)
        .order_by(SendOut.scheduled_at, SendOut.id),
    )
    sendouts = session.scalars(due).all()
    if not sendouts:
        return []
    refresh_statistics(session, Contact, Subscription, Suppression)
    started = []
    for sendout in sendouts:
        if _held_by_preflight(session, sendout):
            continue
        counts = create_deliveries(session, sendout, now)
        if sendout.schedule is ScheduleKind.LOCAL_TIME:
            _spread_by_time_zone(session, sendout, now)
        move_sendout(
            session,
            sendout,
            SendOutState.SENDING,
            actor=SYSTEM,
            reason=f"{counts.queued} deliveries queued, {counts.skipped} suppressed",
        )
        sendout.heartbeat_at = None
        started.append(sendout.id)
    refresh_statistics(session, Delivery)  # claims look the new rows up by index
    return started


def _held_by_preflight(session: Session, sendout: SendOut) -> bool:
    """Pause a send-out whose stored pre-flight check found errors, saying which; True if so."""
    errors = preflight_errors(sendout.preflight)
    if errors:
        move_sendout(
            session,
            sendout,
            SendOutState.PAUSED,
            actor=SYSTEM,
            reason=f"not started: the pre-flight check found {'; '.join(map(str, errors))}. "
            f"Fix it, run `distributor sendouts preflight {sendout.id}`, then resume",
        )
    return bool(errors)


def _spread_by_time_zone(session: Session, sendout: SendOut, now: datetime) -> None:
    """Due each delivery at the send-out's local hour in its contact's zone: one UPDATE per zone."""
    assert sendout.local_time is not None
    zone_of = func.coalesce(Contact.time_zone, sendout.time_zone)
    zones = session.scalars(
        select(zone_of)
        .join(Delivery, Delivery.contact_id == Contact.id)
        .where(Delivery.sendout_id == sendout.id)
        .distinct()
    ).all()
    for zone in zones:
        try:
            ZoneInfo(zone)
            effective = zone
        except (ZoneInfoNotFoundError, ValueError):
            effective = sendout.time_zone  # a zone name this machine does not know
        in_zone = exists().where(Contact.id == Delivery.contact_id, zone_of == zone)
        session.execute(
            update(Delivery)
            .where(Delivery.sendout_id == sendout.id, in_zone)
            .values(next_attempt_at=next_local_time(sendout.local_time, effective, now))
            .execution_options(synchronize_session=False)
        )


def finish_if_done(session: Session, sendout: SendOut) -> bool:
    """Complete a sending send-out once none of its deliveries is open; True if it was."""
    if sendout.state is not SendOutState.SENDING:
        return False
    still_open = session.scalar(
        select(exists().where(Delivery.sendout_id == sendout.id, Delivery.state.in_(OPEN_STATES)))
    )
    if still_open:
        return False
    move_sendout(
        session, sendout, SendOutState.COMPLETED, actor=SYSTEM, reason="every delivery settled"
    )
    return True


def finish_done(session: Session) -> list[int]:
    """Complete every sending send-out that has nothing left to send; returns their ids."""
    sending = session.scalars(
        _locked(session, select(SendOut).where(SendOut.state == SendOutState.SENDING))
    )
    return [sendout.id for sendout in sending.all() if finish_if_done(session, sendout)]


def needing_workers(session: Session, now: datetime, stale_after: timedelta) -> list[int]:
    """Sending send-outs with deliveries due and no batch task seen working on them lately.

    Claims them by setting the heartbeat, so two dispatchers do not both start tasks.
    """
    due = exists().where(
        Delivery.sendout_id == SendOut.id,
        (
            Delivery.state.in_([DeliveryState.QUEUED, DeliveryState.DEFERRED])
            & (Delivery.next_attempt_at <= now)
        )
        | ((Delivery.state == DeliveryState.SENDING) & (Delivery.lease_expires_at < now)),
    )
    quiet = SendOut.heartbeat_at.is_(None) | (SendOut.heartbeat_at < now - stale_after)
    ids = list(
        session.scalars(
            _locked(
                session,
                select(SendOut.id).where(SendOut.state == SendOutState.SENDING, quiet, due),
            )
        )
    )
    if ids:
        session.execute(update(SendOut).where(SendOut.id.in_(ids)).values(heartbeat_at=now))
    return ids
