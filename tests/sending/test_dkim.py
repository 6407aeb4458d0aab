"""DKIM signatures verify against the published key and cover List-Unsubscribe."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from pathlib import Path

import dkim
import pytest

from distributor.config import load_settings
from distributor.errors import ConfigError
from distributor.sending.message.dkim import DkimSigner
from distributor.sending.message.mime import BuiltMessage, MessageTemplate, Recipient, build_message
from distributor.tokens import read_delivery_token, token_from_address
from tests.smtp_server import smtp_server


def dns_for(record: str) -> Callable[..., bytes | None]:
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record.encode() if name == b"mail._domainkey.newsroom.example." else None

    return lookup


def signed(key: Path, text: str = "Привет") -> tuple[BuiltMessage, bytes]:
    """A built message and its bytes with a DKIM signature in front."""
    template = MessageTemplate.create(
        from_address="Press Office <press@newsroom.example>",
        subject="Новый пресс-релиз",
        sendout_id=1,
        list_slug="national-press",
        bounce_domain="bounces.newsroom.example",
        secret="s",
        reply_to=("Anna Smith", "anna@newsroom.example"),
    )
    recipient = Recipient(5, "ivan@example.org", "https://press.example/u/x", "Иван Петров")
    message = build_message(template, "<p>Привет</p>", text, recipient)
    return message, DkimSigner("mail", "newsroom.example", key.read_bytes()).sign(message.data)


def signed_message(key: Path) -> bytes:
    return signed(key)[1]


def test_signature_verifies_against_the_published_key(key_pair: tuple[Path, str]) -> None:
    key, record = key_pair
    assert dkim.verify(signed_message(key), dnsfunc=dns_for(record))


def test_signed_headers_include_list_unsubscribe_and_its_post(key_pair: tuple[Path, str]) -> None:
    signature = signed_message(key_pair[0]).split(b"\r\n\r\n")[0].decode()
    tag = re.search(r"\bh=([^;]+)", signature.replace("\r\n", ""))
    assert tag is not None
    names = {name.strip().lower() for name in tag.group(1).split(":")}
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "to", "subject"} <= names


def test_altered_list_unsubscribe_breaks_the_signature(key_pair: tuple[Path, str]) -> None:
    key, record = key_pair
    altered = signed_message(key).replace(b"https://press.example/u/x", b"https://evil.example/u/x")
    assert not dkim.verify(altered, dnsfunc=dns_for(record))


def test_signer_comes_from_settings_with_the_from_domain(key_pair: tuple[Path, str]) -> None:
    settings = load_settings(
        {
            "DISTRIBUTOR_FROM": "Press <press@newsroom.example>",
            "DISTRIBUTOR_DKIM_SELECTOR": "mail",
            "DISTRIBUTOR_DKIM_KEY_FILE": str(key_pair[0]),
        }
    )
    signer = DkimSigner.from_settings(settings)
    assert signer is not None
    assert signer.domain == b"newsroom.example"


def test_no_signer_without_a_key() -> None:
    assert DkimSigner.from_settings(load_settings({})) is None


def test_unreadable_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="DKIM_KEY_FILE"):
        DkimSigner("mail", "newsroom.example", b"-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END")


def test_signed_message_verifies_after_an_smtp_hop_with_its_verp_sender(
    key_pair: tuple[Path, str],
) -> None:
    key, record = key_pair
    # A line starting with a dot is escaped on the wire and must come back unchanged.
    message, data = signed(key, text="Hello\n.a line starting with a dot\n.")
    with smtp_server() as server, smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.sendmail(message.envelope_from, [message.recipient], data)
        (received,) = server.messages
    assert dkim.verify(received.data, dnsfunc=dns_for(record))
    token = token_from_address(received.envelope_from)
    assert token is not None
    assert read_delivery_token(token, "s") == 5
