"""Tracking a rendered release's HTML parts: which hrefs become placeholders, and what fills them."""

from __future__ import annotations

from distributor import tokens
from distributor.sending.message.tracked_links import OPEN_IMAGE, TrackedHtml

SECRET = "test-secret-0123456789abcdef0123456789"
PARTS = (
    '<html><body><p><a href="https://a.example/?x=1&amp;y=2">A</a> '
    '<a href="mailto:press@ministry.example">mail</a> <a href="',
    "unsubscribe_url",
    '">unsubscribe</a></p></body></html>',
)


def _tracked(*, clicks: bool = True, opens: bool = False) -> TrackedHtml:
    return TrackedHtml.of(
        PARTS, clicks=clicks, opens=opens, base_url="https://press.example.org/", secret=SECRET
    )


def test_a_web_link_becomes_a_placeholder_filled_with_its_signed_redirect() -> None:
    tracked = _tracked()

    values = tracked.values(7)

    assert tracked.parts[1] == "click_0"
    token = values["click_0"].removeprefix("https://press.example.org/c/")
    assert tokens.read_click_token(token, SECRET) == (7, "https://a.example/?x=1&y=2")


def test_mailto_and_placeholder_links_are_left_as_they_are() -> None:
    tracked = _tracked()

    assert list(tracked.parts[1::2]) == ["click_0", "unsubscribe_url"]
    assert 'href="mailto:press@ministry.example"' in "".join(tracked.parts[::2])


def test_the_open_image_goes_just_before_the_end_of_the_body() -> None:
    tracked = _tracked(clicks=False, opens=True)

    assert tracked.parts[-2] == OPEN_IMAGE
    assert tracked.parts[-3].endswith('</p><img src="')
    assert tracked.parts[-1].endswith("</body></html>")
    assert tracked.values(7)[OPEN_IMAGE].endswith(".gif")


def test_without_clicks_the_links_stay_as_written() -> None:
    tracked = _tracked(clicks=False)

    assert tracked.parts == PARTS
    assert tracked.values(7) == {}
