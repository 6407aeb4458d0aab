"""A news desk over each kind of database."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.overview.launch import Newsdesk


@pytest.fixture
def desk(session: Session) -> Newsdesk:
    return Newsdesk.open(session)
