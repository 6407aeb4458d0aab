"""What a journalist's message says of an embargo and who it comes from.

The documented release (docs/examples/release-en.md: National Film Fund, embargo
2027-02-03T09:00:00+01:00) goes through the real pipeline to a capture server.
"""

# ruff: noqa: RUF001 - a French apostrophe and Cyrillic on purpose

from __future__ import annotations

import re
from collections.abc import Callable
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy.orm import Session

from distributor import tokens
from distributor.config import DEFAULT_FROM, Settings, load_settings
from distributor.models import Release
from distributor.sending.message.sender import release_sender
from tests.sending.conftest import AddJournalists, run_batches, start_sendout
from tests.smtp_server import CaptureServer

Send = Callable[[Settings], dict[str, EmailMessage]]


@pytest.fixture
def send(session: Session, release: Release, capture: CaptureServer) -> Send:
    """Send the release to list "press" under `settings`; each message by its recipient."""

    def sent(settings: Settings) -> dict[str, EmailMessage]:
        run_batches(session, settings, start_sendout(session, release, "press"))
        return {
            captured.recipients[0]: cast(
                EmailMessage, message_from_bytes(captured.data, policy=policy.default)
            )
            for captured in capture.messages
        }

    return sent


def _body(message: EmailMessage, kind: str) -> str:
    part = message.get_body((kind,))
    assert part is not None
    return cast(str, part.get_content())


def test_a_reader_with_a_time_zone_sees_the_lift_on_their_clock(
    journalists: AddJournalists, send: Send, send_settings: Settings
) -> None:
    [tokyo] = journalists(1, "press", "tokyo.example", time_zone="Asia/Tokyo")
    [unknown] = journalists(1, "press", "nowhere.example")

    sent = send(send_settings)

    banner = "09:00 UTC+01:00 (08:00 UTC) — 17:00 your time (JST)"
    assert banner in _body(sent[tokyo], "plain")
    assert banner in _body(sent[tokyo], "html")
    assert "your time" not in _body(sent[unknown], "plain")


def test_each_readers_web_link_carries_their_own_key_for_the_release(
    journalists: AddJournalists, send: Send, send_settings: Settings
) -> None:
    addresses = journalists(2)

    sent = send(send_settings)

    keys = set()
    for address in addresses:
        found = re.search(
            r"/releases/film-grants-2027\?key=([\w-]+)", _body(sent[address], "plain")
        )
        assert found is not None
        key = found.group(1)
        assert tokens.read_early_web_token("film-grants-2027", key, send_settings.signing_key())
        keys.add(key)
    assert len(keys) == 2


def test_web_link_and_every_release_link_sit_above_the_signature_delimiter(
    journalists: AddJournalists, send: Send, send_settings: Settings
) -> None:
    [address] = journalists(1)

    text = _body(send(send_settings)[address], "plain")

    body, _, signature = text.replace("\r\n", "\n").partition("\n-- \n")
    assert re.search(r"^\[1\] https://", body, re.MULTILINE)
    assert "View in your browser: https://press.example.org/releases/film-grants-2027?key=" in body
    assert not re.search(r"^\[\d+\] ", signature, re.MULTILINE)
    assert "/releases/" not in signature


def test_a_configured_sender_name_is_kept(
    journalists: AddJournalists, send: Send, send_settings: Settings
) -> None:
    [address] = journalists(1)

    message = send(send_settings)[address]

    assert message["From"].addresses[0] == Address(
        "Ministry Press Office", addr_spec="press@ministry.example"
    )


def test_without_a_sender_name_the_release_comes_from_its_organizations_press_office(
    journalists: AddJournalists, send: Send, capture: CaptureServer, tmp_path: Path
) -> None:
    [address] = journalists(1)
    settings = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(tmp_path / "bare"),
            "DISTRIBUTOR_SMTP_URL": capture.url(tls="none"),
            "DISTRIBUTOR_SECRET_KEY": "test-secret-0123456789abcdef0123456789",
            "DISTRIBUTOR_BASE_URL": "https://press.example.org",
            "DISTRIBUTOR_FROM": "press@filmfund.example",
        }
    )

    message = send(settings)[address]

    assert message["From"].addresses[0] == Address(
        "National Film Fund Press Office", addr_spec="press@filmfund.example"
    )


def test_the_press_office_name_is_said_in_the_releases_language() -> None:
    bare = "press@example.org"

    assert (
        release_sender(bare, "Cinémathèque", "de")
        == '"Pressestelle Cinémathèque" <press@example.org>'
    )
    assert release_sender(bare, "Centre national", "fr") == (
        '"Service de presse de Centre national" <press@example.org>'
    )
    assert (
        release_sender(bare, "Orange", "fr-FR")
        == '"Service de presse d’Orange" <press@example.org>'
    )
    assert release_sender(bare, "Фонд кино", "ru") == '"Пресс-служба Фонд кино" <press@example.org>'
    assert release_sender(bare, "Fondo", "it") == '"Fondo Press Office" <press@example.org>'


def test_the_built_in_default_name_gives_way_but_a_chosen_one_does_not() -> None:
    assert (
        release_sender(DEFAULT_FROM, "ACME", "en") == '"ACME Press Office" <press@newsroom.example>'
    )
    assert release_sender("Jane at ACME <jane@acme.example>", "ACME", "en") == (
        "Jane at ACME <jane@acme.example>"
    )
    assert release_sender("press@acme.example", None, "en") == "press@acme.example"
