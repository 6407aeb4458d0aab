"""Keeping a batch's leases while its worker lives: short leases, renewed from a thread.

A claimed delivery is leased for `DISTRIBUTOR_LEASE_SECONDS` (20 s by default): a
worker that dies mid-batch holds its deliveries no longer than that, and another
takes them over. A live worker renews its leases every third of a lease from a
thread of its own, so a message that takes long (a slow relay, a throttle wait, a
timeout) never lets them run out under it.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from distributor.models import utcnow
from distributor.sending.scheduling.deliveries import renew_leases

log = logging.getLogger(__name__)


class LeaseKeeper:
    """Renews `worker`'s leases on a send-out's deliveries while the `with` block runs."""

    def __init__(self, engine: Engine, sendout_id: int, worker: str, lease: timedelta) -> None:
        self.engine = engine
        self.sendout_id = sendout_id
        self.worker = worker
        self.lease = lease
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"leases-{sendout_id}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stopped.set()
        self._thread.join()

    def _keep(self) -> None:
        while not self._stopped.wait(self.lease.total_seconds() / 3):
            try:
                with self.engine.begin() as connection:
                    renew_leases(connection, self.sendout_id, self.worker, utcnow() + self.lease)
            except SQLAlchemyError as exc:
                # The database is away: the leases may run out and another worker take the
                # batch over, which costs duplicates, never a lost message.
                log.warning("could not renew the leases of send-out %s: %s", self.sendout_id, exc)
