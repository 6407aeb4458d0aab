"""People who log in: creation, login, roles, passwords, deactivation; each change in the audit log.

Users are never deleted, so that the audit log keeps naming them: a deactivated user
cannot log in, and their API keys stop working.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.accounts.login_sessions import end_login_sessions
from distributor.accounts.passwords import (
    hash_password,
    needs_rehash,
    rehash,
    spend_verify_time,
    verify_password,
)
from distributor.accounts.permissions import Permission, require
from distributor.addresses import normalized_address
from distributor.audit import Actor, record
from distributor.errors import Conflict, InvalidInput, NotFound, WrongPassword
from distributor.models import Role, SessionEnd, User, utcnow
from distributor.names import tidy_name

MAX_NAME = 200


def get_user(session: Session, email: str) -> User:
    """The user with `email` (in any case or spelling that normalizes to it), or NotFound."""
    found = session.scalar(select(User).where(User.email == normalized_address(email)))
    if found is None:
        raise NotFound(f"no user with email {email.strip()!r}; see `distributor users list`")
    return found


def list_users(session: Session) -> list[User]:
    """Every user, active or not, by email."""
    return list(session.scalars(select(User).order_by(User.email)))


def create_user(
    session: Session,
    email: str,
    role: Role,
    password: str,
    actor: Actor,
    name: str | None = None,
) -> User:
    """Create a user who can log in with `password` (at least 10 characters)."""
    require(actor, Permission.MANAGE_USERS)
    address = normalized_address(email)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(
            f"a user with email {address!r} already exists; see `distributor users list`"
        )
    user = User(
        email=address, name=_clean_name(name), role=role, password_hash=hash_password(password)
    )
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, email=address, role=role.value)
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, or None, taking about as long either way.

    A successful login upgrades a hash made with older parameters and notes the time.
    """
    try:
        user = session.scalar(select(User).where(User.email == normalized_address(email)))
    except InvalidInput:
        user = None
    if user is None or user.password_hash is None:
        spend_verify_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = rehash(password)
    user.last_login_at = utcnow()
    session.flush()
    return user


def set_role(session: Session, user: User, role: Role, actor: Actor) -> User:
    """Give `user` another role; the last active admin keeps theirs."""
    require(actor, Permission.MANAGE_USERS)
    if role == user.role:
        return user
    if user.role == Role.ADMIN:
        _require_another_admin(session, user)
    record(
        session, actor, "user.set_role", "user", user.id, before=user.role.value, after=role.value
    )
    user.role = role
    session.flush()
    return user


def set_password(
    session: Session, user: User, password: str, actor: Actor, keep: str | None = None
) -> User:
    """Set a new password: users change their own, admins anyone's. Every login session of
    the user ends, but `keep` (the id of the session the change was made in)."""
    if actor.user_id != user.id:
        require(actor, Permission.MANAGE_USERS)
    user.password_hash = hash_password(password)
    ended = end_login_sessions(session, user, SessionEnd.PASSWORD_CHANGED, keep=keep)
    record(session, actor, "user.set_password", "user", user.id, sessions_ended=ended)
    session.flush()
    return user


def change_password(
    session: Session, user: User, current: str, new: str, actor: Actor, keep: str | None = None
) -> User:
    """The user's own change of password, confirmed with the current one (WrongPassword when it
    is not right); their other login sessions end, `keep` (this one) stays."""
    if actor.user_id != user.id:
        raise WrongPassword("only the user themselves can change a password with the current one")
    if user.password_hash is None or not verify_password(user.password_hash, current):
        raise WrongPassword(f"the current password of {user.email} is not right")
    return set_password(session, user, new, actor, keep=keep)


def log_out_everywhere(session: Session, user: User, actor: Actor) -> int:
    """End every login session of `user`, this browser's too; how many ended. Their own, or
    an admin's doing."""
    if actor.user_id != user.id:
        require(actor, Permission.MANAGE_USERS)
    ended = end_login_sessions(session, user, SessionEnd.LOGGED_OUT_EVERYWHERE)
    record(session, actor, "user.log_out_everywhere", "user", user.id, sessions_ended=ended)
    session.flush()
    return ended


def set_time_zone(session: Session, user: User, zone: str | None, actor: Actor) -> User:
    """Show `user` times in `zone` (an IANA name such as Europe/Paris; None: UTC); their own only."""
    if actor.user_id != user.id:
        require(actor, Permission.MANAGE_USERS)
    zone = (zone or "").strip() or None
    if zone is not None and zone not in available_zones():
        raise InvalidInput(
            f"time zone: {zone!r} is not a time zone name; give one such as Europe/Paris"
        )
    if zone != user.time_zone:
        record(
            session, actor, "user.set_time_zone", "user", user.id, before=user.time_zone, after=zone
        )
        user.time_zone = zone
        session.flush()
    return user


@cache
def available_zones() -> frozenset[str]:
    """The IANA zone names this machine knows, "UTC" included."""
    return frozenset(available_timezones()) | {"UTC"}


def deactivate(session: Session, user: User, actor: Actor) -> User:
    """Stop `user` from logging in, end their login sessions and stop their API keys from
    working; the last active admin stays."""
    require(actor, Permission.MANAGE_USERS)
    if not user.is_active:
        return user
    if user.role == Role.ADMIN:
        _require_another_admin(session, user)
    user.is_active = False
    ended = end_login_sessions(session, user, SessionEnd.DEACTIVATED)
    record(session, actor, "user.deactivate", "user", user.id, sessions_ended=ended)
    session.flush()
    return user


def _require_another_admin(session: Session, user: User) -> None:
    """Refuse a change that would leave nobody able to manage users from the web app."""
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.is_active, User.id != user.id)
    )
    if user.is_active and not others:
        raise Conflict(
            f"{user.email} is the last active admin; make another user admin first "
            "(`distributor users set-role EMAIL admin`)"
        )


def _clean_name(name: str | None) -> str | None:
    return tidy_name(name, "a user's name", MAX_NAME) or None
