"""A send-out's messages counted as each one goes, and its state read before each one.

Deliveries are claimed and settled a batch at a time, which is what keeps sending fast; but a
press officer who pauses expects the next message not to go, and one watching the progress
expects it to move with every message. So the pipeline asks `still_sending` before each
message (one primary-key read) and adds each outcome to a tally: in Redis when the broker is
Redis, else in the `sendout_tallies` table. The tally only runs ahead of the recorded
deliveries; `live_counts` takes whichever is further.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import redis
from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import SendOut, SendOutState, SendOutTally
from distributor.sending.scheduling.progress import SendOutStatus
from distributor.sending.transports.outcomes import OutcomeKind

KEY_PREFIX = "distributor:tally:"
# A tally outlives any send-out's page views by far; Redis forgets it after this long.
KEEP_SECONDS = 90 * 24 * 3600


class Tally(Protocol):
    def add(self, sendout_id: int, outcome: str) -> None:
        """Count one message of `sendout_id` that ended in `outcome` (sent, failed, …)."""

    def read(self, sendout_id: int) -> dict[str, int]:
        """The messages counted so far, by outcome."""


class RedisTally:
    """The tally in one Redis hash per send-out, shared by every worker."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisTally:
        return cls(redis.Redis.from_url(url))

    def add(self, sendout_id: int, outcome: str) -> None:
        key = f"{KEY_PREFIX}{sendout_id}"
        with self.client.pipeline(transaction=False) as pipe:
            pipe.hincrby(key, outcome, 1)
            pipe.expire(key, KEEP_SECONDS)
            pipe.execute()

    def read(self, sendout_id: int) -> dict[str, int]:
        found: Mapping[bytes, bytes] = self.client.hgetall(f"{KEY_PREFIX}{sendout_id}")  # type: ignore[assignment]
        return {outcome.decode(): int(count) for outcome, count in found.items()}

    def close(self) -> None:
        self.client.close()


class DatabaseTally:
    """The tally in the database, written in autocommit on `connection`: one upsert a message."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, sendout_id: int, outcome: str) -> None:
        table = SendOutTally.__table__
        dialect = postgresql if self.connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(sendout_id=sendout_id, outcome=outcome, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["sendout_id", "outcome"],
            set_={"count": table.c.count + 1},
        )
        self.connection.execute(statement)

    def read(self, sendout_id: int) -> dict[str, int]:
        rows = self.connection.execute(
            select(SendOutTally.outcome, SendOutTally.count.label("messages")).where(
                SendOutTally.sendout_id == sendout_id
            )
        )
        return {row.outcome: row.messages for row in rows}


def shared_tally(settings: Settings) -> RedisTally | None:
    """The Redis tally when the broker is Redis; None where the database keeps it."""
    return RedisTally.from_url(settings.shared_redis_url) if settings.shared_redis_url else None


def still_sending(connection: Connection, sendout_id: int) -> bool:
    """Whether the send-out may send its next message: not paused, cancelled or finished."""
    state = connection.scalar(select(SendOut.state).where(SendOut.id == sendout_id))
    return state is SendOutState.SENDING


@dataclass(frozen=True)
class LiveCounts:
    """Where a send-out is, message by message: handed over, refused for good, still to go."""

    total: int
    sent: int
    failed: int
    skipped: int

    @property
    def remaining(self) -> int:
        return max(self.total - self.sent - self.failed - self.skipped, 0)

    @property
    def done_percent(self) -> int:
        """How much of the send-out is behind it, 0 to 100, for a progress bar."""
        if not self.total:
            return 0
        return min(100, round(100 * (self.total - self.remaining) / self.total))


def live_counts(session: Session, settings: Settings, status: SendOutStatus) -> LiveCounts:
    """The send-out's progress: its recorded deliveries or the tally of messages as they went,
    whichever is further."""
    shared = shared_tally(settings)
    if shared is None:
        tally = DatabaseTally(session.connection()).read(status.id)
    else:
        try:
            tally = shared.read(status.id)
        finally:
            shared.close()
    return LiveCounts(
        total=status.total,
        sent=max(status.report.sent, tally.get(OutcomeKind.SENT.value, 0)),
        failed=max(status.report.failed, tally.get(OutcomeKind.FAILED.value, 0)),
        skipped=status.report.skipped,
    )
