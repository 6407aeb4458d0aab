"""The heartbeat of a long-running command (worker, beat, bounce receiver), kept while it runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.pool import NullPool

from distributor.config import Settings
from distributor.db import make_engine
from distributor.models import ProcessRole
from distributor.observability import HeartbeatWriter


@contextmanager
def heartbeat(settings: Settings, role: ProcessRole) -> Iterator[HeartbeatWriter]:
    """A heartbeat writer for this process, stopped (its row deleted) when the block ends.

    Its engine holds no connection between beats, so a worker's pool processes, forked
    from this one, inherit none.
    """
    engine = make_engine(settings.database, poolclass=NullPool)
    writer = HeartbeatWriter(engine, role)
    try:
        yield writer
    finally:
        writer.stop()
        engine.dispose()
