"""Body parts encoded once and filled in per recipient decode to exactly the filled-in text."""

from __future__ import annotations

from email import message_from_string, policy
from email.message import EmailMessage

from hypothesis import given
from hypothesis import strategies as st

from distributor.sending.message.bodies import VALUE_MAX, BodyTemplate
from distributor.sending.message.mime import Part

BOUNDARY = "=_0123456789abcdef"


def decoded(part: Part) -> str:
    message = message_from_string(part.data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return str(message.get_content()).replace("\r\n", "\n")  # as a mail client reads it


def encoding(part: Part) -> str:
    return str(message_from_string(part.data, policy=policy.default)["Content-Transfer-Encoding"])


def lines(part: Part) -> list[str]:
    return part.data.split("\r\n\r\n", 1)[1].split("\r\n")


def test_text_with_some_non_ascii_is_quoted_printable_and_decodes_with_the_values() -> None:
    body = BodyTemplate.of("text/plain", ("Grants of €48 million for ", "name", ".\n"), BOUNDARY)

    part = body.fill({"name": "Zoë Ångström"})

    assert encoding(part) == "quoted-printable"
    assert decoded(part) == "Grants of €48 million for Zoë Ångström."
    assert max(map(len, lines(part))) <= 76


def test_ascii_html_goes_as_it_is_with_the_values_in_place() -> None:
    body = BodyTemplate.of("text/html", ('<a href="', "unsubscribe_url", '">x</a>'), BOUNDARY)

    part = body.fill({"unsubscribe_url": "https://press.example.org/u/1-abc"})

    assert encoding(part) == "7bit"
    assert lines(part) == ['<a href="https://press.example.org/u/1-abc">x</a>']


def test_a_non_ascii_value_in_a_7bit_body_makes_that_message_encoded() -> None:
    body = BodyTemplate.of("text/plain", ("Dear ", "name", ","), BOUNDARY)

    part = body.fill({"name": "Иван"})

    assert encoding(part) != "7bit"
    assert decoded(part) == "Dear Иван,"


def test_mostly_cyrillic_text_is_base64_encoded_per_message() -> None:
    body = BodyTemplate.of("text/plain", ("Пресс-релиз для ", "name", "."), BOUNDARY)

    part = body.fill({"name": "Иван"})

    assert encoding(part) == "base64"
    assert decoded(part) == "Пресс-релиз для Иван."


def test_a_value_longer_than_the_room_left_for_it_still_decodes() -> None:
    body = BodyTemplate.of("text/plain", ("€ ", "web_url", ""), BOUNDARY)
    long_value = "https://press.example.org/" + "a" * (2 * VALUE_MAX)

    part = body.fill({"web_url": long_value})

    assert decoded(part) == f"€ {long_value}"
    assert max(map(len, lines(part))) <= 998


pieces = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
    max_size=VALUE_MAX + 50,
)


@given(first=pieces, value=values, last=pieces)
def test_any_text_and_value_decode_to_the_filled_in_text(first: str, value: str, last: str) -> None:
    body = BodyTemplate.of("text/plain", (first, "name", last), BOUNDARY)

    part = body.fill({"name": value})

    expected = (first + value + last).replace("\r\n", "\n").replace("\r", "\n").removesuffix("\n")
    assert decoded(part).removesuffix("\n") == expected.removesuffix("\n")
    assert max(map(len, lines(part))) <= 998
