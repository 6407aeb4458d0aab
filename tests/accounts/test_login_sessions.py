"""Login sessions on the server: live until they expire or end, seen to the minute, cleaned up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from distributor.accounts.login_sessions import (
    CLEANUP_BATCH,
    LoginClient,
    end_login_session,
    end_login_sessions,
    list_login_sessions,
    live_login_session,
    session_key,
    start_login_session,
)
from distributor.accounts.users import create_user, deactivate
from distributor.audit import Actor
from distributor.models import LoginSession, Role, SessionEnd, User, utcnow

ADMIN = Actor("test:admin", Role.ADMIN)
DAY = timedelta(hours=12)


@pytest.fixture
def user(session: Session) -> User:
    return create_user(session, "alice@press.example", Role.VIEWER, "correct horse battery", ADMIN)


def _rows(session: Session, user: User) -> list[LoginSession]:
    return list(
        session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id)
            .order_by(LoginSession.created_at)
        )
    )


def test_a_new_session_is_live_and_the_server_keeps_only_a_hash_of_its_secret(
    session: Session, user: User
) -> None:
    row, secret = start_login_session(session, user, DAY, LoginClient("192.0.2.7", "Firefox"))

    found = live_login_session(session, secret)

    assert found is not None
    assert found[0].id == row.id == session_key(secret) != secret
    assert found[1].id == user.id
    assert (row.client_address, row.user_agent) == ("192.0.2.7", "Firefox")
    assert row.expires_at == row.created_at + DAY


def test_an_unknown_secret_finds_no_session(session: Session, user: User) -> None:
    start_login_session(session, user, DAY)

    assert live_login_session(session, "a guess") is None


def test_a_session_is_not_live_once_expired(session: Session, user: User) -> None:
    _, secret = start_login_session(session, user, DAY)

    assert live_login_session(session, secret, utcnow() + DAY + timedelta(seconds=1)) is None


def test_an_ended_session_is_not_live(session: Session, user: User) -> None:
    _, secret = start_login_session(session, user, DAY)

    assert end_login_session(session, secret) is True
    assert end_login_session(session, secret) is False
    assert live_login_session(session, secret) is None
    (row,) = _rows(session, user)
    session.refresh(row)
    assert row.ended_reason == SessionEnd.LOGGED_OUT


def test_a_deactivated_users_sessions_end(session: Session, user: User) -> None:
    _, secret = start_login_session(session, user, DAY)

    deactivate(session, user, ADMIN)

    assert live_login_session(session, secret) is None
    (row,) = _rows(session, user)
    session.refresh(row)
    assert row.ended_reason == SessionEnd.DEACTIVATED


def test_ending_a_users_sessions_keeps_the_one_asked_for(session: Session, user: User) -> None:
    kept, kept_secret = start_login_session(session, user, DAY)
    _, other_secret = start_login_session(session, user, DAY)

    ended = end_login_sessions(session, user, SessionEnd.PASSWORD_CHANGED, keep=kept.id)

    assert ended == 1
    assert live_login_session(session, kept_secret) is not None
    assert live_login_session(session, other_secret) is None


def test_last_seen_is_written_at_most_once_a_minute(session: Session, user: User) -> None:
    row, secret = start_login_session(session, user, DAY)
    start = row.last_seen_at
    session.commit()
    updates: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE"):
            updates.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        for seconds in (1, 30, 59):
            live_login_session(session, secret, start + timedelta(seconds=seconds))
        quiet = list(updates)
        live_login_session(session, secret, start + timedelta(seconds=61))
        session.flush()
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert quiet == []
    assert len(updates) == 1
    assert row.last_seen_at == start + timedelta(seconds=61)


def test_the_live_sessions_are_listed_most_recently_seen_first(
    session: Session, user: User
) -> None:
    older, _ = start_login_session(session, user, DAY, now=utcnow() - timedelta(hours=2))
    newer, _ = start_login_session(session, user, DAY)
    _, ended = start_login_session(session, user, DAY)
    end_login_session(session, ended)
    start_login_session(session, user, DAY, now=utcnow() - 2 * DAY)  # expired

    assert [row.id for row in list_login_sessions(session, user)] == [newer.id, older.id]


def test_a_login_deletes_the_users_sessions_that_ended_over_30_days_ago(
    session: Session, user: User
) -> None:
    now = utcnow()
    long_ago = now - timedelta(days=31) - DAY
    expired, _ = start_login_session(session, user, DAY, now=long_ago)
    recent, _ = start_login_session(session, user, DAY, now=now - timedelta(days=3))
    other = create_user(session, "bob@press.example", Role.VIEWER, "correct horse battery", ADMIN)
    theirs, _ = start_login_session(session, other, DAY, now=long_ago)

    fresh, _ = start_login_session(session, user, DAY, now=now)

    assert [row.id for row in _rows(session, user)] == [recent.id, fresh.id]
    assert [row.id for row in _rows(session, other)] == [theirs.id]
    assert expired.id not in {row.id for row in _rows(session, user)}


def test_a_login_deletes_a_bounded_number_of_old_sessions(session: Session, user: User) -> None:
    long_ago = utcnow() - timedelta(days=40)
    for _ in range(CLEANUP_BATCH + 5):
        start_login_session(session, user, DAY, now=long_ago)

    start_login_session(session, user, DAY)

    assert len(_rows(session, user)) == 5 + 1
