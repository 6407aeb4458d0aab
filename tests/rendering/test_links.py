"""Only addresses a mail client may follow reach the email; previews never reach the network."""

from __future__ import annotations

import pytest

from distributor.rendering.environment import credit, safe_url
from distributor.rendering.screenshots import allowed_request


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/x",
        "http://a.example",
        "mailto:a@b.example",
        "tel:+123",
        "data:image/png;base64,AA",
    ],
)
def test_safe_url_keeps_web_mail_phone_and_inline_image_addresses(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "vbscript:x", "data:text/html,<script>"]
)
def test_safe_url_replaces_script_addresses(url: str) -> None:
    assert safe_url(url) == "#"


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("file:///tmp/release.html", True),
        ("data:image/png;base64,AA", True),
        ("http://127.0.0.1:8000/x.png", True),
        ("http://localhost/x.png", True),
        ("https://images.example/remote.jpg", False),
        ("http://10.0.0.1/x.png", False),
    ],
)
def test_preview_browser_lets_through_only_local_requests(url: str, allowed: bool) -> None:
    assert allowed_request(url) is allowed


def test_credit_is_labelled_once() -> None:
    assert credit("Jo Smith", "Photo") == "Photo: Jo Smith"
    assert credit("Photo by Jo Smith", "Photo") == "Photo by Jo Smith"
