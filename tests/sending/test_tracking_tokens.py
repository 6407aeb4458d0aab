"""Click and open tokens: they name their delivery (and URL), and nothing altered or foreign passes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from distributor.sending import tracking_tokens, verp

SECRET = "test-secret"
URL = "https://filmfund.example.org/charter?lang=en&x=1"


def _click(delivery_id: int = 42, url: str = URL) -> str:
    return tracking_tokens.click_token(delivery_id, tracking_tokens.encode_url(url), SECRET)


@given(st.integers(min_value=0, max_value=2**63 - 1), st.text(min_size=1, max_size=300))
def test_a_click_token_reads_back_as_its_delivery_and_url(delivery_id: int, url: str) -> None:
    assert tracking_tokens.read_click_token(_click(delivery_id, url), SECRET) == (delivery_id, url)


def test_a_click_token_with_another_url_is_refused() -> None:
    number, _, signature = _click().split(".")
    other = tracking_tokens.encode_url("https://evil.example/")

    assert tracking_tokens.read_click_token(f"{number}.{other}.{signature}", SECRET) is None


def test_a_click_token_of_another_delivery_is_refused() -> None:
    _, encoded, signature = _click(42).split(".")

    assert tracking_tokens.read_click_token(f"43.{encoded}.{signature}", SECRET) is None


def test_a_click_token_signed_with_another_secret_is_refused() -> None:
    assert tracking_tokens.read_click_token(_click(), "another-secret") is None


def test_an_open_token_reads_back_as_its_delivery() -> None:
    token = tracking_tokens.open_token(42, SECRET)

    assert tracking_tokens.read_open_token(token, SECRET) == 42
    assert tracking_tokens.read_open_token(token.replace("42-", "43-"), SECRET) is None


def test_tokens_of_one_kind_never_pass_for_another() -> None:
    opened = tracking_tokens.open_token(42, SECRET)
    clicked = _click(42)
    verp_token = verp.make_token(42, SECRET)

    assert tracking_tokens.read_click_token(opened, SECRET) is None
    assert tracking_tokens.read_open_token(clicked, SECRET) is None
    assert tracking_tokens.read_open_token(verp_token, SECRET) is None
    assert verp.read_token(opened, SECRET) is None


@given(st.text(max_size=200))
def test_reading_any_text_never_raises(text: str) -> None:
    tracking_tokens.read_click_token(text, SECRET)
    tracking_tokens.read_open_token(text, SECRET)
