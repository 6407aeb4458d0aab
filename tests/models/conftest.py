from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.schema import upgrade


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a freshly migrated database of each kind."""
    upgrade(engine)
    with Session(engine) as session:
        yield session
