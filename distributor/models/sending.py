"""Send-outs (a release to an audience at a time) and deliveries (one per recipient)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from distributor.models.base import Base, BigIdentity, Timestamped, enum_type, utcnow

if TYPE_CHECKING:
    from distributor.models.releases import Release


class SendOutState(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ScheduleKind(enum.StrEnum):
    NOW = "now"
    AT = "at"  # scheduled_at
    EMBARGO = "embargo"  # the release's embargo lift
    LOCAL_TIME = "local_time"  # local_time in each recipient's own time zone


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker until lease_expires_at
    SENT = "sent"
    DEFERRED = "deferred"  # temporary failure; due again at next_attempt_at
    FAILED = "failed"
    BOUNCED = "bounced"
    SKIPPED = "skipped"  # suppressed or unsubscribed by the time it was due


class DeliveryEventKind(enum.StrEnum):
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"
    BOUNCED = "bounced"
    DELAYED = "delayed"  # a DSN warning; the message is still on its way
    SKIPPED = "skipped"
    COMPLAINED = "complained"
    UNSUBSCRIBED = "unsubscribed"
    CLICKED = "clicked"
    OPENED = "opened"
    REPLIED = "replied"
    # A reply whose sender no DKIM signature or SPF pass vouched for: forwarded, marked as such,
    # and not a reaction (anyone can write any From).
    REPLIED_UNVERIFIED = "replied_unverified"


class SendOut(Timestamped, Base):
    """A release sent to lists and segments, now or on a schedule."""

    __tablename__ = "sendouts"
    __table_args__ = (Index("ix_sendouts_state_scheduled_at", "state", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="RESTRICT"), index=True
    )
    subject: Mapped[str | None] = mapped_column(String(500))  # None: the release's title
    state: Mapped[SendOutState] = mapped_column(enum_type(SendOutState), default=SendOutState.DRAFT)
    schedule: Mapped[ScheduleKind] = mapped_column(
        enum_type(ScheduleKind), default=ScheduleKind.NOW
    )
    scheduled_at: Mapped[datetime | None]
    local_time: Mapped[str | None] = mapped_column(String(5))  # "09:00", with LOCAL_TIME
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")  # fallback for LOCAL_TIME
    # Attachments and the like: settings of one send-out that no query filters on.
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The last pre-flight check's findings (sending.scheduling.checks); None until it has run.
    preflight: Mapped[dict[str, Any] | None]
    # Links led through the web app (`/c/…`) and an open-counting image: off unless chosen.
    track_clicks: Mapped[bool] = mapped_column(default=False, server_default=false())
    track_opens: Mapped[bool] = mapped_column(default=False, server_default=false())
    follow_up_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("sendouts.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Last time a batch task worked on it: the dispatcher starts new tasks only when stale.
    heartbeat_at: Mapped[datetime | None]

    release: Mapped[Release] = relationship()
    audience: Mapped[list[SendOutAudience]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    events: Mapped[list[SendOutEvent]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SendOutEvent.id"
    )


class SendOutAudience(Base):
    """One list or segment a send-out includes, or excludes."""

    __tablename__ = "sendout_audiences"
    __table_args__ = (
        CheckConstraint("(list_id IS NULL) != (segment_id IS NULL)", name="list_or_segment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sendout_id: Mapped[int] = mapped_column(
        ForeignKey("sendouts.id", ondelete="CASCADE"), index=True
    )
    list_id: Mapped[int | None] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"))
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    exclude: Mapped[bool] = mapped_column(default=False)


class SendOutEvent(Base):
    """A move of a send-out's state, with when, why and who."""

    __tablename__ = "sendout_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    sendout_id: Mapped[int] = mapped_column(
        ForeignKey("sendouts.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    from_state: Mapped[SendOutState | None] = mapped_column(enum_type(SendOutState, "from_state"))
    to_state: Mapped[SendOutState] = mapped_column(enum_type(SendOutState, "to_state"))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(200))


class SendOutTally(Base):
    """Messages of a send-out handed over so far, by outcome, counted as each one goes.

    Deliveries are settled a batch at a time; this count moves with every message, so a
    send-out's page shows progress before a batch is recorded (kept in Redis when there is one).
    """

    __tablename__ = "sendout_tallies"

    sendout_id: Mapped[int] = mapped_column(
        ForeignKey("sendouts.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class Delivery(Timestamped, Base):
    """One email of a send-out to one contact: unique per (send-out, contact)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("sendout_id", "contact_id"),
        # Claiming a batch: due deliveries of a send-out, oldest first.
        Index("ix_deliveries_claim", "sendout_id", "state", "next_attempt_at"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigIdentity, primary_key=True)
    sendout_id: Mapped[int] = mapped_column(ForeignKey("sendouts.id", ondelete="CASCADE"))
    # SET NULL so that erasing a contact keeps the send-out's statistics.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), index=True)  # the address it went to
    language: Mapped[str | None] = mapped_column(String(35))  # the release version chosen
    state: Mapped[DeliveryState] = mapped_column(
        enum_type(DeliveryState), default=DeliveryState.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    lease_expires_at: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(200))  # worker that holds the lease
    message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    verp_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_smtp_code: Mapped[int | None]
    sent_at: Mapped[datetime | None]
    # The first time the journalist opened, clicked, replied, unsubscribed and complained, so
    # that pages count reactions from this table alone. A database trigger on delivery_events
    # writes them (migration 0018): whichever path records a reaction, the two always agree.
    opened_at: Mapped[datetime | None]
    clicked_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    complained_at: Mapped[datetime | None]

    sendout: Mapped[SendOut] = relationship()
    events: Mapped[list[DeliveryEvent]] = relationship(
        back_populates="delivery",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DeliveryEvent.id",
    )


class DeliveryEvent(Base):
    """Something that happened to a delivery: a state move with its reason, or a reaction."""

    __tablename__ = "delivery_events"
    __table_args__ = (
        Index("ix_delivery_events_kind_at", "kind", "at"),
        # What each recipient did, since when: a report's reactions read from the index alone.
        Index("ix_delivery_events_delivery_kind_at", "delivery_id", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(BigIdentity, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    kind: Mapped[DeliveryEventKind] = mapped_column(enum_type(DeliveryEventKind))
    at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    detail: Mapped[str | None] = mapped_column(Text)  # the reason, e.g. the SMTP reply
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. {"url": …} for a click

    delivery: Mapped[Delivery] = relationship(back_populates="events")
