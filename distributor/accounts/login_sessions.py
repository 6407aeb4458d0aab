"""Login sessions of the admin, kept on the server: a browser is signed in while its row is live.

A session is a random secret the browser keeps in its cookie; the server keeps only the
secret's SHA-256 as the row's id. A fast hash is enough, as for API keys: the secret is 256
random bits, so no stolen hash can be turned back into a cookie, and finding the session is
one primary-key read. A row is live until it expires, is ended (logout, a new password,
deactivation) or its user is deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, Update, delete, func, select, update
from sqlalchemy.orm import Session

from distributor.models import LoginSession, SessionEnd, User, utcnow

SECRET_BYTES = 32  # 256 bits
# Recording every request would turn each page view into a write; a minute is precise enough.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
# Ended and expired sessions stay this long (the user's record of recent logins), then go.
KEPT_AFTER_END = timedelta(days=30)
# At most this many old rows are deleted per login, so a login never waits on a big delete.
CLEANUP_BATCH = 100
MAX_CLIENT_ADDRESS = 64
MAX_USER_AGENT = 200


@dataclass(frozen=True)
class LoginClient:
    """Where a login came from, as the browser told it: for the user's list of their sessions."""

    address: str | None = None
    user_agent: str | None = None


def session_key(secret: str) -> str:
    """The id of the session whose cookie carries `secret`: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def start_login_session(
    session: Session,
    user: User,
    lifetime: timedelta,
    client: LoginClient | None = None,
    now: datetime | None = None,
) -> tuple[LoginSession, str]:
    """A new session for `user`, lasting `lifetime`, with the secret for the browser's cookie
    (never stored). Deletes some of this user's sessions that ended long ago."""
    now = now or utcnow()
    client = client or LoginClient()
    _delete_old_sessions(session, user.id, now)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    row = LoginSession(
        id=session_key(secret),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        client_address=_clip(client.address, MAX_CLIENT_ADDRESS),
        user_agent=_clip(client.user_agent, MAX_USER_AGENT),
    )
    session.add(row)
    session.flush()
    return row, secret


def live_login_session(
    session: Session, secret: str, now: datetime | None = None
) -> tuple[LoginSession, User] | None:
    """The live session whose cookie carries `secret`, with its user (one read); None when it is
    unknown, ended, expired or its user is deactivated. Notes when it was seen, to the minute."""
    now = now or utcnow()
    found = session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.id == session_key(secret))
    ).one_or_none()
    if found is None:
        return None
    row, user = found
    if row.ended_at is not None or row.expires_at <= now or not user.is_active:
        return None
    if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
        row.last_seen_at = now
        session.flush()
    return row, user


def end_login_session(
    session: Session, secret: str, reason: SessionEnd = SessionEnd.LOGGED_OUT
) -> bool:
    """End the session whose cookie carries `secret`; whether it was live until now."""
    ended = _updated(
        session,
        update(LoginSession)
        .where(LoginSession.id == session_key(secret), LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason),
    )
    return ended > 0


def end_login_sessions(
    session: Session, user: User, reason: SessionEnd, keep: str | None = None
) -> int:
    """End every session of `user` not ended yet, except the one with the id `keep`; how many."""
    query = (
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), ended_reason=reason)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    return _updated(session, query)


def list_login_sessions(
    session: Session, user: User, now: datetime | None = None
) -> list[LoginSession]:
    """The live sessions of `user`, the one seen most recently first."""
    now = now or utcnow()
    return list(
        session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.expires_at > now,
                LoginSession.ended_at.is_(None),
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.created_at.desc())
        )
    )


def _delete_old_sessions(session: Session, user_id: int, now: datetime) -> None:
    """Delete up to CLEANUP_BATCH of the user's sessions that ended or expired KEPT_AFTER_END ago."""
    cutoff = now - KEPT_AFTER_END
    old = (
        select(LoginSession.id)
        .where(
            LoginSession.user_id == user_id,
            func.coalesce(LoginSession.ended_at, LoginSession.expires_at) < cutoff,
        )
        .limit(CLEANUP_BATCH)
    )
    session.execute(
        delete(LoginSession)
        .where(LoginSession.id.in_(old.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )


def _updated(session: Session, statement: Update) -> int:
    """Run a bulk UPDATE; the number of rows it changed."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return result.rowcount


def _clip(text: str | None, length: int) -> str | None:
    return text[:length] if text else None
