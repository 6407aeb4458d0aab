"""Changes to many contacts at once, run in chunks: what was asked and how far it got."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from distributor.models.base import Base, enum_type, utcnow


class BulkAction(enum.StrEnum):
    ADD_TO_LIST = "add_to_list"
    REMOVE_FROM_LIST = "remove_from_list"
    SUPPRESS = "suppress"


class BulkState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # stopped after `processed`: the chunks before it are committed


class BulkJob(Base):
    """One bulk action over a selection of contacts; progress is committed with each chunk."""

    __tablename__ = "bulk_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[BulkAction] = mapped_column(enum_type(BulkAction))
    # The contacts chosen: the filter's fields, and the ids ticked (none: all the filter matches).
    selection: Mapped[dict[str, Any]] = mapped_column(default=dict)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("lists.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    state: Mapped[BulkState] = mapped_column(enum_type(BulkState), default=BulkState.QUEUED)
    # Contacts with an id up to this one are in scope: those added meanwhile are left alone.
    last_contact_id: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)  # matching when the job was asked for
    processed: Mapped[int] = mapped_column(default=0)  # contacts gone through, chunk by chunk
    changed: Mapped[int] = mapped_column(default=0)  # of those, the ones the action changed
    checkpoint: Mapped[int] = mapped_column(default=0)  # the last contact id of the last chunk
    error: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
