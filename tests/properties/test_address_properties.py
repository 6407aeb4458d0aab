"""Any address is judged and normalized exactly as email-validator does, however it is checked.

Plain addresses have their domain checked once per domain; these properties hold
that shortcut to email-validator's own answer and error message, at the edges too
(dots out of place, the longest local part and address, domains it refuses).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from distributor.addresses import InvalidAddress, parse_address

ATEXT = "abcXYZ019_!#$%&'*+-/=?^`{|}~"
LOCAL_PARTS = st.text(alphabet=ATEXT + ".", min_size=1, max_size=70)
DOMAINS = st.sampled_from(
    ["paper.example", "Zeitung.DE", "news.co.uk", "localhost", "x.test", "-bad.example", "a..b.com"]
) | st.text(alphabet="abcXZ09.-", min_size=1, max_size=260)


@settings(max_examples=500, deadline=None)
@given(local=LOCAL_PARTS, domain=DOMAINS)
@example(local="a" * 64, domain="paper.example")
@example(local="a" * 65, domain="paper.example")
@example(local="a" * 64, domain="b" * 63 + "." + "c" * 63 + "." + "d" * 50 + ".com")
@example(local="Postmaster", domain="Paper.Example")
def test_an_address_is_judged_as_email_validator_judges_it(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert _judged(parse_address, InvalidAddress, text) == _judged(
        lambda t: validate_email(t, check_deliverability=False).normalized,
        EmailNotValidError,
        text,
    )


def _judged(parse: Callable[[str], Any], refusal: type[Exception], text: str) -> str:
    """The address's normalized form in lower case, or the reason it is refused."""
    try:
        result = parse(text)
    except refusal as exc:
        return f"refused: {exc}"
    return str(getattr(result, "email", result)).lower()
