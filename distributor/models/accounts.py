"""People and programs who operate distributor, and the audit log of what they did."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from distributor.models.base import Base, BigIdentity, Timestamped, enum_type, utcnow


class Role(enum.StrEnum):
    """What a user (or an API key) may do; each role includes the ones below it."""

    ADMIN = "admin"  # lists, users, keys, suppressions, privacy
    PRESS_OFFICER = "press_officer"  # releases and send-outs
    VIEWER = "viewer"  # read only


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.VIEWER)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: cannot log in
    is_active: Mapped[bool] = mapped_column(default=True, server_default=true())
    last_login_at: Mapped[datetime | None]
    # The IANA zone the admin shows this user's times in and reads the times they type in.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # Two-step login: the authenticator app's secret (set while enrolling, before it is on),
    # since when it is on, and the last time step whose code was taken (never taken twice).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    api_keys: Mapped[list[ApiKey]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class ApiKey(Base):
    """A key for the REST API. Only its hash is stored; the prefix finds it and shows it."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(128))
    role: Mapped[Role] = mapped_column(enum_type(Role))  # never more than its user's
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_keys")


class AuditEntry(Base):
    """Who did what to which thing, and when: one row per change an operator makes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(BigIdentity, primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200))  # "cli:alice", "api-key:ab12cd34", "system"
    action: Mapped[str] = mapped_column(String(100), index=True)  # "contact.update"
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SessionEnd(enum.StrEnum):
    """Why a login session ended before it expired."""

    LOGGED_OUT = "logged_out"  # the user logged out in that browser
    LOGGED_OUT_EVERYWHERE = "logged_out_everywhere"  # the user logged out of every browser
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
    DEACTIVATED = "deactivated"  # an admin deactivated the user


class LoginSession(Base):
    """A browser signed in to the admin: its cookie names this row, which must be live.

    The id is the SHA-256 of the secret the cookie carries, never the secret itself, so
    a copy of this table lets nobody in. Ended and expired rows stay a while, for the
    user's own record, and are deleted on a later login.
    """

    __tablename__ = "login_sessions"
    __table_args__ = (Index("ix_login_sessions_user_id_expires_at", "user_id", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[SessionEnd | None] = mapped_column(enum_type(SessionEnd))
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()
