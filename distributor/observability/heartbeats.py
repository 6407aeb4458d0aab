"""Heartbeats: each long-running process writes, every few seconds, that it is alive.

From them `distributor health`, /healthz, the dashboard and a send-out's status tell who
is working, and say so when a send-out waits on a process nobody started (a worker to
send, beat to start scheduled ones on time). They live in the database, which every
process on every machine shares, so no broker feature is needed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from distributor.models import Heartbeat, ProcessRole, SendOut, SendOutState, utcnow

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10.0
#: A process not heard from for this long (three beats missed) is taken for gone.
ALIVE_WITHIN = timedelta(seconds=3 * HEARTBEAT_SECONDS)
#: A killed process's row is kept this long, to be shown as lost, then deleted.
FORGET_AFTER = timedelta(days=1)
WAITING_SHOWN = 20  # send-outs named in a warning, at most


def process_name(role: ProcessRole) -> str:
    """This process's name in the table: role@host:pid."""
    return f"{role.value}@{socket.gethostname()}:{os.getpid()}"


class HeartbeatWriter:
    """A daemon thread writing one process's heartbeat until `stop`, which deletes it.

    A database that cannot be reached is logged and tried again at the next beat: a
    worker goes on sending while its heartbeat waits.
    """

    def __init__(
        self,
        engine: Engine,
        role: ProcessRole,
        interval: float = HEARTBEAT_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.role = role
        self.interval = interval
        self.clock = clock
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.name = process_name(role)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{role}", daemon=True)

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def stop(self) -> None:
        """Stop beating and delete the row: a clean stop is not a lost process."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.interval)
        try:
            with Session(self.engine) as session, session.begin():
                session.execute(delete(Heartbeat).where(Heartbeat.name == self.name))
        except SQLAlchemyError as exc:
            log.warning("could not remove the heartbeat of %s: %s", self.name, exc)

    def beat(self) -> None:
        """Write that this process is alive now; forget processes gone for a day."""
        now = self.clock()
        try:
            with Session(self.engine) as session, session.begin():
                seen = session.execute(
                    update(Heartbeat).where(Heartbeat.name == self.name).values(seen_at=now)
                )
                if not seen.rowcount:  # type: ignore[attr-defined]
                    session.add(
                        Heartbeat(
                            name=self.name,
                            role=self.role,
                            host=self.host,
                            pid=self.pid,
                            started_at=now,
                            seen_at=now,
                        )
                    )
                session.execute(delete(Heartbeat).where(Heartbeat.seen_at < now - FORGET_AFTER))
        except SQLAlchemyError as exc:
            log.warning("could not write the heartbeat of %s: %s", self.name, exc)

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            self.beat()


@dataclass(frozen=True)
class ProcessSeen:
    """A process as its latest heartbeat shows it."""

    name: str
    role: ProcessRole
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime
    alive: bool


@dataclass(frozen=True)
class Waiting:
    """Send-outs that wait on a kind of process none of which is alive."""

    role: ProcessRole
    sendout_ids: list[int]


@dataclass(frozen=True)
class Staffing:
    """Who is alive, who was lost, and what waits on a process nobody runs."""

    processes: list[ProcessSeen]
    waiting: list[Waiting]

    def alive(self, role: ProcessRole) -> list[ProcessSeen]:
        return [p for p in self.processes if p.role is role and p.alive]

    def lost(self, role: ProcessRole) -> list[ProcessSeen]:
        return [p for p in self.processes if p.role is role and not p.alive]


def staffing(session: Session, now: datetime) -> Staffing:
    """The processes' heartbeats, and the send-outs left waiting by a missing kind.

    A send-out that is sending, or scheduled and due, waits on a worker; one that is
    scheduled waits on beat to start it on time.
    """
    rows = session.scalars(select(Heartbeat).order_by(Heartbeat.role, Heartbeat.name))
    processes = [
        ProcessSeen(
            name=row.name,
            role=row.role,
            host=row.host,
            pid=row.pid,
            started_at=row.started_at,
            seen_at=row.seen_at,
            alive=now - row.seen_at <= ALIVE_WITHIN,
        )
        for row in rows
    ]
    alive = {p.role for p in processes if p.alive}
    waiting = []
    if ProcessRole.WORKER not in alive:
        due = or_(
            SendOut.state == SendOutState.SENDING,
            and_(SendOut.state == SendOutState.SCHEDULED, SendOut.scheduled_at <= now),
        )
        if ids := _sendout_ids(session, due):
            waiting.append(Waiting(ProcessRole.WORKER, ids))
    scheduled = SendOut.state == SendOutState.SCHEDULED
    if ProcessRole.BEAT not in alive and (ids := _sendout_ids(session, scheduled)):
        waiting.append(Waiting(ProcessRole.BEAT, ids))
    return Staffing(processes, waiting)


def waiting_on(
    session: Session, state: SendOutState, scheduled_at: datetime | None, now: datetime
) -> list[ProcessRole]:
    """The kinds of process a send-out in `state` waits on, none of which is alive
    (the same rules as `staffing`, for one send-out)."""
    needed = []
    if state is SendOutState.SENDING or (
        state is SendOutState.SCHEDULED and scheduled_at is not None and scheduled_at <= now
    ):
        needed.append(ProcessRole.WORKER)
    if state is SendOutState.SCHEDULED:
        needed.append(ProcessRole.BEAT)
    if not needed:
        return []
    alive = set(
        session.scalars(
            select(Heartbeat.role).where(Heartbeat.seen_at >= now - ALIVE_WITHIN).distinct()
        )
    )
    return [role for role in needed if role not in alive]


def _sendout_ids(session: Session, condition: ColumnElement[bool]) -> list[int]:
    query = select(SendOut.id).where(condition).order_by(SendOut.id).limit(WAITING_SHOWN)
    return list(session.scalars(query))
