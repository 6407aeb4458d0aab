"""What every command that touches the database needs: a checked session and the acting person."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from distributor.config import get_settings
from distributor.db import engine_from_settings
from distributor.schema import require_current


@contextmanager
def database_session() -> Iterator[Session]:
    """A session on a database at the code's schema revision; committed if the block succeeds."""
    engine = engine_from_settings(get_settings())
    try:
        require_current(engine)
        # Objects stay readable after the commit: commands present them once the block ends.
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    finally:
        engine.dispose()
