"""Passwords: Argon2id hashes that verify, upgrade when parameters change, and a length rule."""

from __future__ import annotations

import threading

import pytest
from argon2 import PasswordHasher

from distributor.accounts import passwords
from distributor.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from distributor.errors import Busy, InvalidInput

PASSWORD = "correct horse battery"


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD.upper())


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password(PASSWORD) != hash_password(PASSWORD)


def test_a_malformed_stored_hash_matches_nothing() -> None:
    assert not verify_password("not-a-hash", PASSWORD)


def test_a_hash_made_with_other_parameters_needs_a_rehash() -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    assert needs_rehash(weaker)
    assert not needs_rehash(hash_password(PASSWORD))


def test_a_short_password_is_refused_with_the_rule_and_without_echoing_it() -> None:
    short = "x" * (MIN_PASSWORD_LENGTH - 1)
    with pytest.raises(InvalidInput, match=f"at least {MIN_PASSWORD_LENGTH} characters") as refused:
        hash_password(short)
    assert short not in str(refused.value)


def test_a_password_of_exactly_the_minimum_length_is_accepted() -> None:
    assert verify_password(hash_password("x" * MIN_PASSWORD_LENGTH), "x" * MIN_PASSWORD_LENGTH)


class CountingHasher:
    """The real hasher, counting how many of its verifications run at once."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self.running = self.peak = 0
        self.lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return self.hasher.verify(stored, password)
        finally:
            with self.lock:
                self.running -= 1


def test_no_more_hashes_run_at_once_than_there_are_slots(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = CountingHasher(passwords._HASHER)
    monkeypatch.setattr(passwords, "_HASHER", counting)
    stored = hash_password(PASSWORD)
    threads = [
        threading.Thread(target=verify_password, args=(stored, "guess again!")) for _ in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counting.peak == passwords.HASH_SLOTS


def test_a_hash_that_waits_too_long_for_a_slot_is_refused_as_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passwords, "HASH_WAIT", 0.05)
    stored = hash_password(PASSWORD)
    held = [passwords._SLOTS.acquire() for _ in range(passwords.HASH_SLOTS)]
    try:
        with pytest.raises(Busy, match="try again"):
            verify_password(stored, PASSWORD)
    finally:
        for _ in held:
            passwords._SLOTS.release()
