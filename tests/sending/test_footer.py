"""The journalist's email ends saying who sent it by the office's name, never by its address."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

from distributor.config import Settings
from distributor.models import Release
from distributor.sending.pipeline import send_test
from tests.smtp_server import CaptureServer

OFFICE = "Ministry of Culture, Press Office"


def _parts(release: Release, settings: Settings, capture: CaptureServer) -> tuple[str, str]:
    """The HTML and the text part of a test copy of `release` sent with `settings`."""
    send_test(release, ["editor@desk.example"], settings)
    [captured] = capture.messages
    message = cast(EmailMessage, message_from_bytes(captured.data, policy=policy.default))
    html, text = message.get_body(("html",)), message.get_body(("plain",))
    assert html is not None
    assert text is not None
    return str(html.get_content()), str(text.get_content())


def test_the_footer_names_the_office_in_both_parts(
    release: Release, send_settings: Settings, capture: CaptureServer
) -> None:
    settings = send_settings.model_copy(update={"organization": OFFICE})

    html, text = _parts(release, settings, capture)

    assert "Sent by Ministry of Culture, Press Office" in html
    assert f"Sent by {OFFICE}" in " ".join(text.split())
    assert "press@ministry.example" not in html + text


def test_without_an_office_name_the_footer_names_the_releases_organization(
    release: Release, send_settings: Settings, capture: CaptureServer
) -> None:
    html, text = _parts(release, send_settings, capture)

    assert "Sent by National Film Fund" in html
    assert "Sent by National Film Fund" in text
    assert "Sent by Ministry Press Office" not in html + text
