"""VERP tokens name a delivery, survive lower-casing, and cannot be forged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from distributor.sending.verp import (
    make_token,
    read_token,
    return_path,
    token_from_address,
    unsubscribe_address,
)

SECRET = "test-secret"


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_token_names_its_delivery(delivery_id: int) -> None:
    assert read_token(make_token(delivery_id, SECRET), SECRET) == delivery_id


def test_token_is_lower_case_letters_digits_and_a_dash() -> None:
    token = make_token(123456789, SECRET)
    assert token == token.lower()
    assert token.replace("-", "").isalnum()


def test_upper_cased_token_still_reads() -> None:
    token = make_token(42, SECRET)
    assert read_token(token.upper(), SECRET) == 42


def test_token_signed_with_another_secret_reads_as_none() -> None:
    assert read_token(make_token(42, "other-secret"), SECRET) is None


def test_token_with_another_delivery_id_reads_as_none() -> None:
    signature = make_token(42, SECRET).partition("-")[2]
    assert read_token(f"{make_token(43, SECRET).partition('-')[0]}-{signature}", SECRET) is None


@given(st.text(max_size=40))
def test_arbitrary_text_never_reads_as_a_delivery(text: str) -> None:
    assert read_token(text, SECRET) is None


def test_return_path_gives_its_token_back_in_any_case() -> None:
    token = make_token(7, SECRET)
    address = return_path(token, "bounces.example.org")
    assert address == f"bounces+{token}@bounces.example.org"
    assert token_from_address(address.upper()) == token
    assert token_from_address(f"<{address}>") == token


def test_unsubscribe_address_is_not_read_as_a_bounce_address() -> None:
    token = make_token(7, SECRET)
    address = unsubscribe_address(token, "bounces.example.org")
    assert token_from_address(address) is None
    assert token_from_address(address, local="unsubscribe") == token


def test_address_without_a_token_gives_none() -> None:
    assert token_from_address("bounces@bounces.example.org") is None
    assert token_from_address("press@example.org") is None
