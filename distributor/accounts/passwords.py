"""Password hashing with Argon2id: slow on purpose, so a stolen table is expensive to crack."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from distributor.errors import InvalidInput

MIN_PASSWORD_LENGTH = 10
# argon2-cffi's defaults follow RFC 9106's low-memory profile; raising them later is safe:
# `needs_rehash` notices older hashes and a user's next login upgrades theirs.
_HASHER = PasswordHasher()


def check_password(password: str) -> str:
    """The password as given, or InvalidInput saying what a password needs (never echoing it)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters; this one has {len(password)}: "
            "a longer passphrase of a few words is easier to remember and harder to guess"
        )
    return password


def hash_password(password: str) -> str:
    """An Argon2id hash (salt and parameters included) of a password that meets the rules."""
    return _HASHER.hash(check_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; a malformed stored hash matches nothing."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's (so rehash it on login)."""
    try:
        return _HASHER.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def rehash(password: str) -> str:
    """Today's hash of a password that was just verified; the length rule is not applied again,
    as a password set before the rule must still be upgraded."""
    return _HASHER.hash(password)


def spend_verify_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown email takes as long as a wrong password."""
    verify_password(_dummy_hash(), password)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("no user has this password")
