"""Passwords: Argon2id hashes that verify, upgrade when parameters change, and a length rule."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from distributor.accounts.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from distributor.errors import InvalidInput

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
