"""Fixtures of the contact tests."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from distributor.contacts.lists import create_list
from tests.contacts.imports import ADMIN


@pytest.fixture
def press(session: Session) -> str:
    """The empty list `press`, committed."""
    create_list(session, "press", ADMIN)
    session.commit()
    return "press"
