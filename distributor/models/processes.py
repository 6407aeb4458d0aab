"""The long-running processes (workers, beat, the bounce receiver) as they report themselves."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, func
from sqlalchemy.orm import Mapped, mapped_column

from distributor.models.base import Base, enum_type, utcnow


class ProcessRole(enum.StrEnum):
    """What a process does; each role is one `distributor` command."""

    WORKER = "worker"  # sends batches, takes bounces: `distributor worker`
    BEAT = "beat"  # starts scheduled send-outs on time: `distributor beat`
    BOUNCE_RECEIVER = "bounce_receiver"  # takes bounces by SMTP: `distributor bounces serve`


class Heartbeat(Base):
    """A process's latest sign of life, written every few seconds while it runs.

    A process that stops cleanly deletes its row; one that was killed leaves it, and
    its `seen_at` then grows old: the two read differently on the health page.
    """

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)  # role@host:pid
    role: Mapped[ProcessRole] = mapped_column(enum_type(ProcessRole))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
