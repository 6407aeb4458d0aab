"""Raw bounce and complaint records: what came back, what it was judged to be, what was done."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from distributor.models.base import Base, BigIdentity, enum_type, utcnow


class BounceSource(enum.StrEnum):
    RECEIVER = "receiver"  # `distributor bounces serve`
    FILE = "file"  # `distributor bounces ingest`: .eml, Maildir, mbox
    IMAP = "imap"
    SMTP_SESSION = "smtp_session"  # rejected while we were sending
    WEBHOOK = "webhook"  # SES, SendGrid, Postmark, Mailgun


class BounceClass(enum.StrEnum):
    HARD = "hard"
    SOFT = "soft"
    BLOCK = "block"  # policy or reputation: never blames the address
    COMPLAINT = "complaint"
    DELAYED = "delayed"  # a warning, not a failure
    AUTO_REPLY = "auto_reply"
    UNKNOWN = "unknown"


class BounceReview(enum.StrEnum):
    """Where a record stands that nothing ties to a delivery of ours (no verified token, no
    Message-ID of ours sent to its address): it changes nothing until a person applies it."""

    NEEDED = "needed"  # about an address we sent to: kept for a person to judge
    APPLIED = "applied"  # judged by a person and applied to that address's latest delivery


class BounceRecord(Base):
    """One received bounce, complaint or auto-reply, kept as evidence for the decision taken."""

    __tablename__ = "bounce_records"
    __table_args__ = (
        Index("ix_bounce_records_recipient_received_at", "recipient", "received_at"),
        Index("ix_bounce_records_review", "review"),
        # The dashboard's latest bounces, newest first.
        Index("ix_bounce_records_received_at", "received_at", "id"),
        # A provider's retry or a replayed request names an event taken already.
        Index("ux_bounce_records_provider_event", "provider", "provider_event_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigIdentity, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    source: Mapped[BounceSource] = mapped_column(enum_type(BounceSource))
    provider: Mapped[str | None] = mapped_column(String(50))  # for webhooks
    provider_event_id: Mapped[str | None] = mapped_column(String(300))  # the provider's own
    classification: Mapped[BounceClass] = mapped_column(
        enum_type(BounceClass), default=BounceClass.UNKNOWN
    )
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str | None] = mapped_column(String(320))
    status_code: Mapped[str | None] = mapped_column(String(16))  # enhanced code, "5.1.1"
    reply_code: Mapped[str | None] = mapped_column(String(3))  # SMTP reply, "550"
    reason: Mapped[str | None] = mapped_column(String(32))  # distributor.models.reasons.Reason
    diagnostic: Mapped[str | None] = mapped_column(Text)
    # Of the report itself: the same report arriving twice is a replay, not a second bounce.
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    original_message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    verp_token: Mapped[str | None] = mapped_column(String(64))
    token_valid: Mapped[bool | None]
    raw_message: Mapped[bytes | None] = mapped_column(LargeBinary)  # size-capped copy
    raw_size: Mapped[int] = mapped_column(default=0)  # of the whole message as received
    decision: Mapped[str | None] = mapped_column(Text)  # what the policy did, and why
    processed_at: Mapped[datetime | None]
    review: Mapped[BounceReview | None] = mapped_column(enum_type(BounceReview))
