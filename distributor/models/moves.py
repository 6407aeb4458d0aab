"""Suggestions that a journalist moved on, read from an auto-reply or bounce, waiting for an admin."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from distributor.models.base import Base, BigIdentity, enum_type, utcnow


class MoveState(enum.StrEnum):
    OPEN = "open"  # nothing changed yet
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class MoveSuggestion(Base):
    """A new address (the journalist's own, or a colleague's) that a received message named."""

    __tablename__ = "move_suggestions"
    __table_args__ = (
        Index("ix_move_suggestions_contact_id_new_email", "contact_id", "new_email"),
        Index("ix_move_suggestions_state_created_at", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    bounce_record_id: Mapped[int | None] = mapped_column(
        BigIdentity, ForeignKey("bounce_records.id", ondelete="SET NULL")
    )
    new_email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    outlet: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(Text)  # the sentences the suggestion was read from
    state: Mapped[MoveState] = mapped_column(enum_type(MoveState), default=MoveState.OPEN)
    as_colleague: Mapped[bool] = mapped_column(default=False, server_default=false())
    colleague_id: Mapped[int | None] = mapped_column(  # the contact an acceptance added
        ForeignKey("contacts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))  # the actor's label
