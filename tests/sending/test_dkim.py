"""DKIM signatures verify against the published keys and cover List-Unsubscribe; bad keys are
refused at start, naming the setting."""

from __future__ import annotations

import re
import smtplib
import subprocess
from collections.abc import Callable
from itertools import takewhile
from pathlib import Path

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448

from distributor.config import load_settings
from distributor.errors import ConfigError
from distributor.sending.message.dkim.canonical import MessageFormatError
from distributor.sending.message.dkim.keys import load_key, load_key_file
from distributor.sending.message.dkim.signer import DkimSigner
from distributor.sending.message.mime import BuiltMessage, MessageTemplate, Recipient, build_message
from distributor.tokens import read_delivery_token, token_from_address
from tests.sending.dkim_verifiers import (
    DOMAIN,
    ThrowawayKey,
    dkimpy_verdicts,
    needs_opendkim,
    opendkim_verdicts,
    signer,
)
from tests.smtp_server import smtp_server

Keys = dict[str, ThrowawayKey]


def dns_for(record: str) -> Callable[..., bytes | None]:
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return record.encode() if name == b"mail._domainkey.newsroom.example." else None

    return lookup


def built(text: str = "Привет") -> BuiltMessage:
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
    return build_message(template, "<p>Привет</p>", text, recipient)


def signed_message(keys: Keys) -> bytes:
    return signer(mail=keys["rsa"]).sign(built().data)


def signed_names(message: bytes) -> list[str]:
    head = message.split(b"\r\n\r\n")[0].decode()
    tag = re.search(r"\bh=([^;]+)", re.sub(r"\r\n[ \t]", " ", head))
    assert tag is not None
    return [name.strip() for name in tag.group(1).split(":")]


def test_signature_verifies_against_the_published_key(dkim_keys: Keys) -> None:
    assert dkimpy_verdicts(signed_message(dkim_keys), mail=dkim_keys["rsa"].record) == [True]


@needs_opendkim
def test_signature_verifies_with_opendkim_too(dkim_keys: Keys) -> None:
    verdicts = opendkim_verdicts(signed_message(dkim_keys), mail=dkim_keys["rsa"].record)
    assert verdicts == {"mail": "pass"}


def test_signed_headers_include_list_unsubscribe_and_its_post(dkim_keys: Keys) -> None:
    names = set(signed_names(signed_message(dkim_keys)))
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "to", "subject"} <= names


def test_signed_headers_name_only_fields_the_message_has(dkim_keys: Keys) -> None:
    message = b"From: press@newsroom.example\r\nSubject: Hi\r\nX-Other: 1\r\n\r\nHello\r\n"
    assert signed_names(signer(mail=dkim_keys["rsa"]).sign(message)) == [
        "from",
        "from",
        "subject",
        "subject",
    ]


def test_a_subject_added_in_transit_breaks_the_signature(dkim_keys: Keys) -> None:
    """From, Subject and the unsubscribe fields are over-signed: a second copy does not verify."""
    signed = signed_message(dkim_keys)
    head, _, body = signed.partition(b"\r\n\r\n")
    injected = head + b"\r\nSubject: Your account is locked\r\n\r\n" + body
    assert dkimpy_verdicts(injected, mail=dkim_keys["rsa"].record) == [False]


def test_altered_list_unsubscribe_breaks_the_signature(dkim_keys: Keys) -> None:
    altered = signed_message(dkim_keys).replace(
        b"https://press.example/u/x", b"https://evil.example/u/x"
    )
    assert dkimpy_verdicts(altered, mail=dkim_keys["rsa"].record) == [False]


def test_altered_body_breaks_the_signature(dkim_keys: Keys) -> None:
    message = signer(mail=dkim_keys["rsa"]).sign(built(text="Pay to account 1234").data)
    altered = message.replace(b"1234", b"9999")
    assert altered != message
    assert dkimpy_verdicts(altered, mail=dkim_keys["rsa"].record) == [False]


def test_ed25519_signature_verifies_beside_the_rsa_one(dkim_keys: Keys) -> None:
    message = signer(mail=dkim_keys["rsa"], ed=dkim_keys["ed25519"]).sign(built().data)
    assert b"a=ed25519-sha256;" in message
    records = {"mail": dkim_keys["rsa"].record, "ed": dkim_keys["ed25519"].record}
    assert dkimpy_verdicts(message, **records) == [True, True]


def test_both_keys_of_a_rotation_verify_each_with_its_own_selector(dkim_keys: Keys) -> None:
    message = signer(s2026=dkim_keys["rsa"], s2027=dkim_keys["next"]).sign(built().data)
    assert dkimpy_verdicts(
        message, s2026=dkim_keys["rsa"].record, s2027=dkim_keys["next"].record
    ) == [True, True]
    # Before the new record is published, the old signature still verifies on its own.
    assert dkimpy_verdicts(message, s2026=dkim_keys["rsa"].record)[0]


def test_record_publishes_the_public_key_by_type(dkim_keys: Keys) -> None:
    assert dkim_keys["rsa"].record.startswith("v=DKIM1; k=rsa; p=MII")
    assert re.fullmatch(r"v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=", dkim_keys["ed25519"].record)


def test_message_without_from_is_not_signed(dkim_keys: Keys) -> None:
    with pytest.raises(MessageFormatError, match="no From"):
        signer(mail=dkim_keys["rsa"]).sign(b"Subject: Hi\r\n\r\nHello\r\n")


def test_header_line_that_is_not_a_field_is_not_signed(dkim_keys: Keys) -> None:
    with pytest.raises(MessageFormatError, match="not a field"):
        signer(mail=dkim_keys["rsa"]).sign(b"From: a@newsroom.example\r\nbroken line\r\n\r\nx")


def _settings(keys: Keys, **more: str) -> dict[str, str]:
    return {
        "DISTRIBUTOR_FROM": "Press <press@newsroom.example>",
        "DISTRIBUTOR_DKIM_SELECTOR": "mail",
        "DISTRIBUTOR_DKIM_KEY_FILE": str(keys["rsa"].file),
    } | more


def test_signer_comes_from_settings_with_the_from_domain(dkim_keys: Keys) -> None:
    found = DkimSigner.from_settings(load_settings(_settings(dkim_keys)))
    assert found is not None
    assert [(s.selector, s.domain) for s in found.signatures] == [("mail", DOMAIN)]


def test_second_selector_from_settings_adds_a_second_signature(dkim_keys: Keys) -> None:
    environ = _settings(
        dkim_keys,
        DISTRIBUTOR_DKIM_SECOND_SELECTOR="ed",
        DISTRIBUTOR_DKIM_SECOND_KEY_FILE=str(dkim_keys["ed25519"].file),
    )
    found = DkimSigner.from_settings(load_settings(environ))
    assert found is not None
    assert [(s.selector, s.key.algorithm) for s in found.signatures] == [
        ("mail", "rsa-sha256"),
        ("ed", "ed25519-sha256"),
    ]


def test_no_signer_without_a_key() -> None:
    assert DkimSigner.from_settings(load_settings({})) is None


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DISTRIBUTOR_DKIM_SECOND_SELECTOR", "ed", "set both or neither"),
        ("DISTRIBUTOR_DKIM_SECOND_SELECTOR", "mail", "must differ"),
        ("DISTRIBUTOR_DKIM_RECORD", "v=DKIM1; k=rsa; p=", "a key that is not set"),
    ],
)
def test_incomplete_dkim_settings_are_named(variable: str, value: str, expected: str) -> None:
    environ = {variable: value}
    if expected == "must differ":
        environ |= {
            "DISTRIBUTOR_DKIM_SELECTOR": "mail",
            "DISTRIBUTOR_DKIM_KEY_FILE": __file__,
            "DISTRIBUTOR_DKIM_SECOND_KEY_FILE": __file__,
        }
    with pytest.raises(ConfigError, match=re.escape(variable)) as caught:
        load_settings(environ)
    assert expected in str(caught.value)


def _pem(private: ec.EllipticCurvePrivateKey | ed448.Ed448PrivateKey) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _short_rsa_pem() -> bytes:
    made = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"],
        check=True,
        capture_output=True,
    )
    return made.stdout


@pytest.mark.parametrize(
    ("pem", "expected"),
    [
        (lambda: b"-----BEGIN RSA PRIVATE KEY-----\nnope\n-----END", "not a PEM private key"),
        (lambda: b"", "not a PEM private key"),
        (_short_rsa_pem, "512 bits"),
        (lambda: _pem(ec.generate_private_key(ec.SECP256R1())), "elliptic-curve"),
        (lambda: _pem(ed448.Ed448PrivateKey.generate()), "Ed448"),
    ],
    ids=["garbage", "empty", "rsa-512", "ecdsa", "ed448"],
)
def test_key_that_cannot_sign_is_a_config_error_naming_the_setting(
    pem: Callable[[], bytes], expected: str
) -> None:
    with pytest.raises(ConfigError, match="DISTRIBUTOR_DKIM_SECOND_KEY_FILE") as caught:
        load_key(pem(), "DISTRIBUTOR_DKIM_SECOND_KEY_FILE")
    assert expected in str(caught.value)


def test_public_key_file_is_a_config_error(dkim_keys: Keys) -> None:
    public = (
        dkim_keys["rsa"]
        .key.private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(ConfigError, match="DISTRIBUTOR_DKIM_KEY_FILE: the file holds a public key"):
        load_key(public, "DISTRIBUTOR_DKIM_KEY_FILE")


def test_password_protected_key_is_a_config_error(dkim_keys: Keys) -> None:
    locked = dkim_keys["ed25519"].key.private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    with pytest.raises(ConfigError, match=r"DISTRIBUTOR_DKIM_KEY_FILE: .*password"):
        load_key(locked, "DISTRIBUTOR_DKIM_KEY_FILE")


def test_key_file_gone_after_start_is_a_config_error(dkim_keys: Keys, tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(dkim_keys["rsa"].file.read_bytes())
    settings = load_settings(_settings(dkim_keys, DISTRIBUTOR_DKIM_KEY_FILE=str(key)))
    key.unlink()
    with pytest.raises(ConfigError, match="DISTRIBUTOR_DKIM_KEY_FILE: cannot read"):
        DkimSigner.from_settings(settings)


def test_unreadable_key_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DISTRIBUTOR_DKIM_KEY_FILE: cannot read"):
        load_key_file(tmp_path, "DISTRIBUTOR_DKIM_KEY_FILE")  # a folder, not a file


def test_signed_message_verifies_after_an_smtp_hop_with_its_verp_sender(
    key_pair: tuple[Path, str],
) -> None:
    key, record = key_pair
    # A line starting with a dot is escaped on the wire and must come back unchanged.
    message = built(text="Hello\n.a line starting with a dot\n.")
    signing = DkimSigner.from_settings(
        load_settings(
            {
                "DISTRIBUTOR_FROM": "Press <press@newsroom.example>",
                "DISTRIBUTOR_DKIM_SELECTOR": "mail",
                "DISTRIBUTOR_DKIM_KEY_FILE": str(key),
            }
        )
    )
    assert signing is not None
    with smtp_server() as server, smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.sendmail(message.envelope_from, [message.recipient], signing.sign(message.data))
        (received,) = server.messages
    assert dkim.verify(received.data, dnsfunc=dns_for(record))
    token = token_from_address(received.envelope_from)
    assert token is not None
    assert read_delivery_token(token, "s") == 5


def test_signed_message_has_crlf_line_ends_throughout(dkim_keys: Keys) -> None:
    """Verifiers disagree on bare CRs and LFs: each becomes CRLF, the missing last one too."""
    message = b"From: a@newsroom.example\nSubject: x\n\none\rtwo\nlast "
    signed = signer(mail=dkim_keys["rsa"]).sign(message)
    assert signed.endswith(
        b"\r\nFrom: a@newsroom.example\r\nSubject: x\r\n\r\none\r\ntwo\r\nlast \r\n"
    )


def test_signature_fields_are_folded_within_78_characters(dkim_keys: Keys) -> None:
    message = signer(mail=dkim_keys["rsa"], ed=dkim_keys["ed25519"]).sign(built().data)
    lines = message.split(b"\r\n")
    ours = list(takewhile(lambda line: line.startswith((b"DKIM-Signature:", b" ")), lines))
    assert sum(line.startswith(b"DKIM-Signature:") for line in ours) == 2
    assert max(len(line) for line in ours) <= 78
