"""Whether a reply's sender is verified: DKIM signatures checked with a DNS lookup of our own,
SPF only as an MTA we trust recorded it."""

from __future__ import annotations

import base64

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from distributor.bounces.authorship import TxtLookup, aligned, check_authorship

MESSAGE = (
    b"From: Reporter <desk@news.example>\r\n"
    b"To: replies+7-abcdefghij@bounces.newsroom.example\r\n"
    b"Subject: Re: film grants\r\n"
    b"\r\n"
    b"Could I interview one of the directors?\r\n"
)


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(raw: bytes, key: rsa.RSAPrivateKey, domain: str) -> bytes:
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return dkim.sign(raw, b"s1", domain.encode(), pem, include_headers=[b"from", b"subject"]) + raw


def dns_publishing(key: rsa.RSAPrivateKey, *domains: str) -> TxtLookup:
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    names = {f"s1._domainkey.{domain}.".encode() for domain in domains}

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public) if name in names else None

    return lookup


def test_a_signature_of_the_senders_domain_verifies_the_sender(key: rsa.RSAPrivateKey) -> None:
    found = check_authorship(
        sign(MESSAGE, key, "news.example"),
        "desk@news.example",
        dns=dns_publishing(key, "news.example"),
    )

    assert (found.verified, found.reason) == (True, "DKIM signature of news.example")


def test_a_signature_of_a_parent_domain_verifies_the_sender(key: rsa.RSAPrivateKey) -> None:
    found = check_authorship(
        sign(MESSAGE, key, "news.example"),
        "desk@mail.news.example",
        dns=dns_publishing(key, "news.example"),
    )

    assert found.verified


def test_a_valid_signature_of_another_domain_does_not_verify_the_sender(
    key: rsa.RSAPrivateKey,
) -> None:
    found = check_authorship(
        sign(MESSAGE, key, "attacker.example"),
        "desk@news.example",
        dns=dns_publishing(key, "attacker.example"),
    )

    assert (found.verified, found.reason) == (
        False,
        "no DKIM signature or SPF pass of news.example",
    )


def test_a_message_changed_after_signing_does_not_verify(key: rsa.RSAPrivateKey) -> None:
    changed = sign(MESSAGE, key, "news.example").replace(b"directors", b"the accountant")

    found = check_authorship(changed, "desk@news.example", dns=dns_publishing(key, "news.example"))

    assert not found.verified


def test_a_signature_whose_key_is_not_published_does_not_verify(key: rsa.RSAPrivateKey) -> None:
    found = check_authorship(
        sign(MESSAGE, key, "news.example"), "desk@news.example", dns=dns_publishing(key)
    )

    assert not found.verified


def with_header(line: str) -> bytes:
    return line.encode() + b"\r\n" + MESSAGE


def no_dns(name: bytes, timeout: float = 5) -> bytes | None:
    raise AssertionError("an unsigned message needs no DNS")


def test_an_spf_pass_recorded_by_the_trusted_mta_verifies_an_aligned_sender() -> None:
    raw = with_header(
        "Authentication-Results: mx.newsroom.example; spf=pass smtp.mailfrom=bounce@news.example"
    )

    found = check_authorship(
        raw, "desk@news.example", dns=no_dns, authserv_id="mx.newsroom.example"
    )

    assert (found.verified, found.reason) == (
        True,
        "SPF pass for news.example, checked by mx.newsroom.example",
    )


def test_an_spf_pass_for_another_envelope_domain_does_not_verify_the_sender() -> None:
    raw = with_header(
        "Authentication-Results: mx.newsroom.example; spf=pass smtp.mailfrom=x@attacker.example"
    )

    found = check_authorship(
        raw, "desk@news.example", dns=no_dns, authserv_id="mx.newsroom.example"
    )

    assert not found.verified


@pytest.mark.parametrize(
    ("header", "authserv_id"),
    [
        (
            "Authentication-Results: mx.attacker.example; spf=pass smtp.mailfrom=news.example",
            "mx.newsroom.example",
        ),
        ("Authentication-Results: mx.newsroom.example; spf=pass smtp.mailfrom=news.example", ""),
        (
            "Received-SPF: pass (news.example: 192.0.2.1 is allowed) envelope-from=desk@news.example",
            "mx.newsroom.example",
        ),
    ],
    ids=["another-server", "none-trusted", "received-spf"],
)
def test_spf_results_written_by_anyone_but_the_trusted_mta_are_ignored(
    header: str, authserv_id: str
) -> None:
    found = check_authorship(
        with_header(header), "desk@news.example", dns=no_dns, authserv_id=authserv_id
    )

    assert not found.verified


def test_only_the_topmost_result_of_the_trusted_mta_counts() -> None:
    raw = with_header(
        "Authentication-Results: mx.newsroom.example; spf=fail smtp.mailfrom=news.example\r\n"
        "Authentication-Results: mx.newsroom.example; spf=pass smtp.mailfrom=news.example"
    )

    found = check_authorship(
        raw, "desk@news.example", dns=no_dns, authserv_id="mx.newsroom.example"
    )

    assert not found.verified


@pytest.mark.parametrize(
    ("domain", "author_domain", "expected"),
    [
        ("news.example", "news.example", True),
        ("NEWS.example.", "news.example", True),
        ("news.example", "desk.news.example", True),
        ("desk.news.example", "news.example", True),
        ("example", "news.example", False),
        ("paper.example", "news.example", False),
        ("ws.example", "news.example", False),
    ],
)
def test_alignment_is_the_same_domain_or_one_inside_the_other(
    domain: str, author_domain: str, expected: bool
) -> None:
    assert aligned(domain, author_domain) is expected
