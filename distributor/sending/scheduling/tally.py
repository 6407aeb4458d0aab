"""A send-out's messages counted as each one goes, and its state looked at before each one.

Deliveries are claimed and settled a batch at a time, which is what keeps sending fast; but a
press officer who pauses expects the next message not to go, and one watching the progress
expects it to move with every message. So the pipeline asks a `StateWatch` before each message
and adds each outcome to a tally: in Redis when the broker is Redis, else in the
`sendout_tallies` table. A send-out's page (`progress.live_counts`) shows the tally or the recorded
deliveries, whichever is further.

Neither may cost a round trip per message where a server is involved: on PostgreSQL every
move of a send-out's state is announced (NOTIFY, sent at its commit) and the watch only reads
what has arrived on its connection; the Redis tally pipelines its increments and reads their
replies once a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from distributor.config import Settings
from distributor.models import SendOut, SendOutState, SendOutTally

if TYPE_CHECKING:
    import redis

KEY_PREFIX = "distributor:tally:"
# A tally outlives any send-out's page views by far; Redis forgets it after this long.
KEEP_SECONDS = 90 * 24 * 3600
# Where PostgreSQL announces that a send-out's state moved; the payload is its id.
CHANNEL = "distributor_sendout_state"


class Tally(Protocol):
    def add(self, sendout_id: int, outcome: str) -> None:
        """Count one message of `sendout_id` that ended in `outcome` (sent, failed, …)."""

    def settle(self) -> None:
        """Make sure every message counted so far is in the tally (at the end of a batch)."""

    def read(self, sendout_id: int) -> dict[str, int]:
        """The messages counted so far, by outcome."""


class RedisTally:
    """The tally in one Redis hash per send-out, shared by every worker. Each increment is
    sent at once but its reply read later (`settle`), so a message waits for no round trip."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self._connection: Any = None
        self._unread = 0
        self._touched: set[int] = set()

    @classmethod
    def from_url(cls, url: str) -> RedisTally:
        import redis  # only a tally kept in Redis pays for the client

        return cls(redis.Redis.from_url(url))

    def add(self, sendout_id: int, outcome: str) -> None:
        if self._connection is None:
            self._connection = self.client.connection_pool.get_connection()
        self._connection.send_command("HINCRBY", f"{KEY_PREFIX}{sendout_id}", outcome, 1)
        self._unread += 1
        self._touched.add(sendout_id)

    def settle(self) -> None:
        """Read the replies of the increments sent so far; keep their hashes for a while."""
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        try:
            for sendout_id in self._touched:
                connection.send_command("EXPIRE", f"{KEY_PREFIX}{sendout_id}", KEEP_SECONDS)
            for _ in range(self._unread + len(self._touched)):
                connection.read_response()
        finally:
            self._unread, self._touched = 0, set()
            self.client.connection_pool.release(connection)

    def read(self, sendout_id: int) -> dict[str, int]:
        found: Mapping[bytes, bytes] = self.client.hgetall(f"{KEY_PREFIX}{sendout_id}")  # type: ignore[assignment]
        return {outcome.decode(): int(count) for outcome, count in found.items()}

    def close(self) -> None:
        self.settle()
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

    def settle(self) -> None:
        """Nothing waits: each increment was written by its own statement."""

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


def announce_move(session: Session, sendout_id: int) -> None:
    """Tell the watching workers, when the session commits, that the send-out's state moved."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(CHANNEL, str(sendout_id))))


class StateWatch:
    """Whether a send-out may send its next message, asked before every message.

    On PostgreSQL the state is read again only when a move was announced on `CHANNEL`, which
    arrives on the watch's own (autocommit) connection without a query; elsewhere (SQLite, in
    this process) it is read every time.
    """

    def __init__(self, connection: Connection, sendout_id: int) -> None:
        self.connection = connection
        self.sendout_id = sendout_id
        self._driver: Any = None
        self._moved = True
        self._sending = False
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"LISTEN {CHANNEL}")
            self._driver = connection.connection.driver_connection
            self._driver.add_notify_handler(self._heard)

    def sending(self) -> bool:
        if self._driver is None:
            return still_sending(self.connection, self.sendout_id)
        self._listen()
        if self._moved:
            self._moved = False
            self._sending = still_sending(self.connection, self.sendout_id)
        return self._sending

    def close(self) -> None:
        if self._driver is not None:
            self._driver.remove_notify_handler(self._heard)
            self.connection.exec_driver_sql(f"UNLISTEN {CHANNEL}")

    def _listen(self) -> None:
        """Take in the announcements that have arrived, without waiting for any."""
        raw = self._driver.pgconn
        raw.consume_input()
        while (notice := raw.notifies()) is not None:
            self._moved |= notice.extra.decode() == str(self.sendout_id)

    def _heard(self, notice: Any) -> None:
        """An announcement taken in while a query ran on the connection."""
        self._moved |= notice.payload == str(self.sendout_id)
