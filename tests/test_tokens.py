"""Signed tokens: each kind reads back as what it was made for, and nothing altered, foreign or
made for another use passes; tokens issued before keep their format."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distributor import tokens

SECRET = "test-secret"
URL = "https://filmfund.example.org/charter?lang=en&x=1"
SIGNUP = {"e": "anna@example.org", "l": ["press"], "t": 1700000000, "c": "0123456789abcdef"}


@dataclass(frozen=True)
class Kind:
    """How a kind of token is made for a fixed subject, and whether a text passes as one."""

    make: Callable[[str], str]  # the token, given the secret
    passes: Callable[[str, str], bool]  # (text, secret): accepted as this kind


def _passes(read: Callable[[str, str], Any]) -> Callable[[str, str], bool]:
    return lambda text, secret: read(text, secret) is not None


KINDS = {
    "delivery": Kind(
        lambda secret: tokens.delivery_token(42, secret), _passes(tokens.read_delivery_token)
    ),
    "click": Kind(
        lambda secret: tokens.click_token(42, tokens.encode_url("42"), secret),
        _passes(tokens.read_click_token),
    ),
    "open": Kind(lambda secret: tokens.open_token(42, secret), _passes(tokens.read_open_token)),
    "signup": Kind(
        lambda secret: tokens.signup_token(42, secret), _passes(tokens.read_signup_token)
    ),
    "session": Kind(
        lambda secret: tokens.session_cookie(42, secret), _passes(tokens.read_session_cookie)
    ),
    "held upload": Kind(
        lambda secret: tokens.held_upload_token(42, secret), _passes(tokens.read_held_upload_token)
    ),
    "media": Kind(
        lambda secret: tokens.media_signature("42", "42", secret),
        lambda text, secret: tokens.media_signature_opens("42", "42", text, secret),
    ),
    "csrf": Kind(
        lambda secret: tokens.csrf_token("42", secret),
        lambda text, secret: tokens.csrf_token_valid("42", text, secret),
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_token_passes_as_its_own_kind(kind: str) -> None:
    assert KINDS[kind].passes(KINDS[kind].make(SECRET), SECRET)


@pytest.mark.parametrize(
    ("made", "read"), [(made, read) for made in KINDS for read in KINDS if made != read]
)
def test_a_token_of_one_kind_is_refused_as_another(made: str, read: str) -> None:
    assert not KINDS[read].passes(KINDS[made].make(SECRET), SECRET)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("position", [0, -1])
def test_a_token_with_a_changed_character_is_refused(kind: str, position: int) -> None:
    token = list(KINDS[kind].make(SECRET))
    token[position] = "a" if token[position] != "a" else "b"

    assert not KINDS[kind].passes("".join(token), SECRET)


@pytest.mark.parametrize("kind", KINDS)
def test_a_token_signed_with_another_secret_is_refused(kind: str) -> None:
    assert not KINDS[kind].passes(KINDS[kind].make("another-secret"), SECRET)


@pytest.mark.parametrize("kind", KINDS)
@given(text=st.text(max_size=200))
def test_reading_any_text_never_raises_nor_passes(kind: str, text: str) -> None:
    assert not KINDS[kind].passes(text, SECRET)


# Made before the signing moved here, and sent in emails or set in browsers since.
ISSUED = {
    "delivery": ("3mv-ttf3ysd2ub", lambda: tokens.delivery_token(4711, SECRET)),
    "click": (
        "42.aHR0cHM6Ly9hLmV4YW1wbGUvP3g9MSZ5PTI.imRbsNBmAeNahbBe",
        lambda: tokens.click_token(42, tokens.encode_url("https://a.example/?x=1&y=2"), SECRET),
    ),
    "open": ("42-rLUByrRjpOxFuaIR", lambda: tokens.open_token(42, SECRET)),
    "signup": (
        "eyJlIjoiYW5uYUBleGFtcGxlLm9yZyIsImwiOlsicHJlc3MiXSwidCI6MTcwMDAwMDAwMCwiYyI6IjAxMjM0NTY3"
        "ODlhYmNkZWYifQ.m4oRedi8ymqvfBhwN5V1C_63bDs",
        lambda: tokens.signup_token(SIGNUP, SECRET),
    ),
    "compressed signup": (
        ".eJyrVkpVslJKzMtLdEitSMwtyEnVyy9KV9JRylGyilYqKEotLgZyBicdq6NUomRlaG4ABTpKyUC_GBgaGZuYmpl"
        "bWCYmJaekpinVAgDujUb_.quj4Ht3KnwOrkPKBW8PrjtQyfWs",
        lambda: tokens.signup_token({**SIGNUP, "l": ["press"] * 20}, SECRET),
    ),
    "session": (
        "WzMsMTcwMDAwMDAwMC41LCJhYmMiXQ.JXHIeswgzZGdcn2mNJmVBg2FdUs",
        lambda: tokens.session_cookie([3, 1700000000.5, "abc"], SECRET),
    ),
    "media": (
        "98dlMuTtXoWDNl02b2QtuJmjCF0DDLspsf0mVtIgFEo",
        lambda: tokens.media_signature("film", "poster.jpg", SECRET),
    ),
    "csrf": (
        "ac5992827e34abca1904dd7fba704fcbd78db4da055321bef9e7c34e91650539",
        lambda: tokens.csrf_token("abc", SECRET),
    ),
}


@pytest.mark.parametrize("kind", ISSUED)
def test_a_token_is_made_as_it_was_before(kind: str) -> None:
    issued, make = ISSUED[kind]

    assert make() == issued


def test_a_compressed_signup_token_reads_back_as_its_payload() -> None:
    issued, _ = ISSUED["compressed signup"]

    assert tokens.read_signup_token(issued, SECRET) == {**SIGNUP, "l": ["press"] * 20}


@given(st.integers(min_value=0, max_value=2**63 - 1))
def test_a_delivery_token_names_its_delivery(delivery_id: int) -> None:
    assert tokens.read_delivery_token(tokens.delivery_token(delivery_id, SECRET), SECRET) == (
        delivery_id
    )


def test_a_delivery_token_is_lower_case_letters_digits_and_a_dash() -> None:
    token = tokens.delivery_token(123456789, SECRET)

    assert token == token.lower()
    assert token.replace("-", "").isalnum()


def test_an_upper_cased_delivery_token_still_reads() -> None:
    token = tokens.delivery_token(42, SECRET)

    assert tokens.read_delivery_token(token.upper(), SECRET) == 42


def test_a_delivery_token_with_another_delivery_id_is_refused() -> None:
    signature = tokens.delivery_token(42, SECRET).partition("-")[2]
    number = tokens.delivery_token(43, SECRET).partition("-")[0]

    assert tokens.read_delivery_token(f"{number}-{signature}", SECRET) is None


def test_the_return_path_gives_its_token_back_in_any_case() -> None:
    token = tokens.delivery_token(7, SECRET)
    address = tokens.return_path(token, "bounces.example.org")

    assert address == f"bounces+{token}@bounces.example.org"
    assert tokens.token_from_address(address.upper()) == token
    assert tokens.token_from_address(f"<{address}>") == token


def test_an_unsubscribe_address_is_not_read_as_a_bounce_address() -> None:
    token = tokens.delivery_token(7, SECRET)
    address = tokens.unsubscribe_address(token, "bounces.example.org")

    assert tokens.token_from_address(address) is None
    assert tokens.token_from_address(address, local="unsubscribe") == token


def test_an_address_without_a_token_gives_none() -> None:
    assert tokens.token_from_address("bounces@bounces.example.org") is None
    assert tokens.token_from_address("press@example.org") is None


def _click(delivery_id: int = 42, url: str = URL) -> str:
    return tokens.click_token(delivery_id, tokens.encode_url(url), SECRET)


@given(st.integers(min_value=0, max_value=2**63 - 1), st.text(min_size=1, max_size=300))
def test_a_click_token_reads_back_as_its_delivery_and_url(delivery_id: int, url: str) -> None:
    assert tokens.read_click_token(_click(delivery_id, url), SECRET) == (delivery_id, url)


def test_a_click_token_with_another_url_is_refused() -> None:
    number, _, signature = _click().split(".")
    other = tokens.encode_url("https://evil.example/")

    assert tokens.read_click_token(f"{number}.{other}.{signature}", SECRET) is None


def test_a_click_token_of_another_delivery_is_refused() -> None:
    _, encoded, signature = _click(42).split(".")

    assert tokens.read_click_token(f"43.{encoded}.{signature}", SECRET) is None


def test_an_open_token_of_another_delivery_is_refused() -> None:
    token = tokens.open_token(42, SECRET)

    assert tokens.read_open_token(token.replace("42-", "43-"), SECRET) is None


def test_a_session_cookie_reads_back_as_its_payload() -> None:
    cookie = tokens.session_cookie([3, 1700000000.5, "abc"], SECRET)

    assert tokens.read_session_cookie(cookie, SECRET) == [3, 1700000000.5, "abc"]


def test_a_media_signature_opens_no_other_file() -> None:
    signature = tokens.media_signature("film", "poster.jpg", SECRET)

    assert not tokens.media_signature_opens("film", "poster-web.jpg", signature, SECRET)


def test_a_csrf_token_is_refused_for_another_browser_session() -> None:
    token = tokens.csrf_token("abc", SECRET)

    assert not tokens.csrf_token_valid("abd", token, SECRET)


def test_early_web_token_opens_only_its_release() -> None:
    token = tokens.early_web_token("grants-2027", 42, SECRET)

    assert tokens.read_early_web_token("grants-2027", token, SECRET) == 42
    assert tokens.read_early_web_token("other-release", token, SECRET) is None
    assert tokens.read_early_web_token("grants-2027", token, "another key") is None
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert tokens.read_early_web_token("grants-2027", altered, SECRET) is None
    assert tokens.read_early_web_token("grants-2027", "", SECRET) is None
