"""Password hashing with Argon2id: slow on purpose, so a stolen table is expensive to crack.

Each hash takes 64 MiB and a core for a while, so a process runs at most HASH_SLOTS at
once: a flood of logins (anonymous ones hash too, so that an unknown address takes as
long as a wrong password) waits for a slot, or is told to come back, instead of taking
the machine's memory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from distributor.errors import Busy, InvalidInput

MIN_PASSWORD_LENGTH = 10
# argon2-cffi's defaults follow RFC 9106's low-memory profile; raising them later is safe:
# `needs_rehash` notices older hashes and a user's next login upgrades theirs.
_HASHER = PasswordHasher()
HASH_SLOTS = 2  # hashes at once per process: the cores of a small server
HASH_WAIT = 5.0  # seconds a hash waits for a slot before the login is told to come back
_SLOTS = threading.BoundedSemaphore(HASH_SLOTS)


@contextmanager
def _slot() -> Iterator[None]:
    if not _SLOTS.acquire(timeout=HASH_WAIT):
        raise Busy("too many passwords are being checked at once; try again in a moment")
    try:
        yield
    finally:
        _SLOTS.release()


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
    check_password(password)
    with _slot():
        return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches; a malformed stored hash matches nothing."""
    try:
        with _slot():
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
    with _slot():
        return _HASHER.hash(password)


def spend_verify_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown email takes as long as a wrong password."""
    verify_password(_dummy_hash(), password)


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("no user has this password")
