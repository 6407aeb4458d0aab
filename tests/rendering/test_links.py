"""Only addresses a mail client may follow reach the email; previews never reach the network."""

from __future__ import annotations

from pathlib import Path

import pytest

from distributor.rendering import LocalFile, PreviewNetwork
from distributor.rendering.environment import credit, safe_url


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


KIT = LocalFile(Path("/data/media/ab/abcd/email"), "image/jpeg")
NETWORK = PreviewNetwork(Path("/tmp/preview"), {"http://localhost:8000/media/r/a-email.jpg": KIT})


@pytest.mark.parametrize(
    ("url", "answer"),
    [
        ("file:///tmp/preview/release.html", True),
        ("file:///tmp/preview/../../etc/passwd", False),
        ("file:///home/press/.ssh/id_rsa", False),
        ("data:image/png;base64,AA", True),
        ("http://localhost:8000/media/r/a-email.jpg?sig=abc", KIT),
        ("http://localhost:8000/media/r/other.jpg", False),
        ("http://localhost:8000/metrics", False),
        ("http://127.0.0.1:6379/", False),
        ("http://[::1]/x.png", False),
        ("http://10.0.0.1/x.png", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("https://images.example/remote.jpg", False),
    ],
)
def test_preview_browser_loads_its_folder_inline_data_and_the_kit_from_disk_only(
    url: str, answer: LocalFile | bool
) -> None:
    assert NETWORK.answer(url) == answer


def test_credit_is_labelled_once() -> None:
    assert credit("Jo Smith", "Photo") == "Photo: Jo Smith"
    assert credit("Photo by Jo Smith", "Photo") == "Photo by Jo Smith"
