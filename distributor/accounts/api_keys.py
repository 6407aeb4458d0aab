"""API keys for the REST API: shown once when made, stored only as a hash, found by a prefix.

A key reads `dst_<prefix>_<secret>`. The prefix is not secret: it finds the key's row,
names the key in lists and in the audit log, and is what a revocation takes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from distributor.accounts.permissions import Permission, Principal, at_least, lesser, require
from distributor.audit import Actor, record
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import ApiKey, Role, User, utcnow
from distributor.names import tidy_name

SCHEME = "dst"
PREFIX_BYTES = 4  # 8 hex digits
SECRET_BYTES = 32  # 256 bits
MAX_NAME = 200
# Recording every use would turn each API read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Longer is for ever in all but name, and a few thousand years overflow any date.
LONGEST_KEY_LIFETIME = timedelta(days=3653)


def hash_secret(secret: str) -> str:
    """SHA-256 of a key's secret, in hex.

    A fast hash is right here, unlike for passwords: the secret is 256 random bits, so
    guessing it from a stolen hash is hopeless however fast each guess is, while a slow
    hash such as Argon2 would add tens of milliseconds and much memory to every API request.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(
    session: Session,
    user: User,
    name: str,
    actor: Actor,
    role: Role | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Make a key acting for `user` and return it with its plaintext, which is never shown again.

    Users make their own keys, admins anyone's. The role defaults to the user's and can be
    lower, never higher (nor higher than the actor's own).
    """
    if actor.user_id != user.id:
        require(actor, Permission.MANAGE_USERS)
    if not user.is_active:
        raise Conflict(f"{user.email} is deactivated; a key for them would not work")
    ceiling = lesser(user.role, actor.role)
    role = role or ceiling
    if not at_least(ceiling, role):
        raise PermissionDenied(
            f"a key for {user.email} can have at most the {ceiling.value} role, not "
            f"{role.value}: a key never has more rights than its user"
        )
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput(f"a key's expiry must be in the future, not {expires_at.isoformat()}")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    key = ApiKey(
        user=user,
        name=_clean_name(name),
        prefix=_free_prefix(session),
        key_hash=hash_secret(secret),
        role=role,
        expires_at=expires_at,
    )
    session.add(key)
    session.flush()
    record(
        session,
        actor,
        "api_key.create",
        "api_key",
        key.id,
        prefix=key.prefix,
        name=key.name,
        role=role.value,
        user=user.email,
        expires_at=None if expires_at is None else expires_at.isoformat(),
    )
    return key, f"{SCHEME}_{key.prefix}_{secret}"


def verify_api_key(
    session: Session, plaintext: str, now: datetime | None = None
) -> Principal | None:
    """Who the key acts for, or None when it is unknown, wrong, revoked, expired or its
    user is deactivated. Notes when the key was used, to the minute."""
    scheme, _, rest = plaintext.strip().partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != SCHEME or not prefix or not secret:
        return None
    key = session.scalar(
        select(ApiKey).where(ApiKey.prefix == prefix).options(joinedload(ApiKey.user))
    )
    if key is None or not hmac.compare_digest(hash_secret(secret), key.key_hash):
        return None
    now = now or utcnow()
    if key.revoked_at is not None or not key.user.is_active:
        return None
    if key.expires_at is not None and key.expires_at <= now:
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        session.flush()
    return Principal.of_api_key(key)


def get_api_key(session: Session, prefix: str) -> ApiKey:
    """The key with `prefix` (or the key itself, pasted whole), or NotFound."""
    text = prefix.strip()
    if text.startswith(f"{SCHEME}_"):
        text = text.split("_")[1]
    key = session.scalar(
        select(ApiKey).where(ApiKey.prefix == text).options(joinedload(ApiKey.user))
    )
    if key is None:
        raise NotFound(f"no API key with prefix {text!r}; see `distributor users keys list`")
    return key


def revoke_api_key(session: Session, prefix: str, actor: Actor) -> ApiKey:
    """Stop a key from working, for good; users revoke their own keys, admins anyone's."""
    key = get_api_key(session, prefix)
    if actor.user_id != key.user_id:
        require(actor, Permission.MANAGE_USERS)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        record(session, actor, "api_key.revoke", "api_key", key.id, prefix=key.prefix)
        session.flush()
    return key


def list_api_keys(session: Session, user: User | None = None) -> list[ApiKey]:
    """Every key (of `user`, when given), revoked and expired ones included, oldest first."""
    query = select(ApiKey).options(joinedload(ApiKey.user)).order_by(ApiKey.id)
    if user is not None:
        query = query.where(ApiKey.user_id == user.id)
    return list(session.scalars(query))


def _free_prefix(session: Session) -> str:
    while True:  # a clash is one in four billion per existing key
        prefix = secrets.token_hex(PREFIX_BYTES)
        if session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            return prefix


def _clean_name(name: str) -> str:
    cleaned = tidy_name(name, "an API key's name", MAX_NAME)
    if not cleaned:
        raise InvalidInput("an API key needs a name saying what uses it, e.g. 'newsroom CMS'")
    return cleaned
