"""Whatever names, subjects and addresses arrive, a message's header block holds exactly our headers.

A value is either refused with an error naming its header, or written so that
every line of the header block is one of our headers or a folded continuation
of it, within RFC 5322's 998 characters, and reads back with the same names.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from distributor.config import load_settings
from distributor.contacts.signups import Confirmation
from distributor.contacts.values import SHORT_TEXT
from distributor.errors import HeaderInjection, InvalidInput
from distributor.sending.message.mime import MessageTemplate, Recipient, build_message
from distributor.sending.notices import compose_notice

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text with what matters to headers drawn more often than chance would.
TRICKY = st.sampled_from(
    [" ", '"', "\\", ",", ";", ":", "<", ">", "@", ".", "=?", "?=", "=?utf-8?b?QmNjOg==?=",
     "=?utf-8?q?a=0D=0AB?=", "\r", "\n", "\r\n", "\x00", "\t", "\x85", "\u2028", "ж", "語", "😀",
     "Bcc: victim@example.org", "\r\nBcc: victim@example.org"]
)  # fmt: skip
HEADER_TEXT = st.one_of(
    st.lists(st.characters() | TRICKY, max_size=80).map("".join),
    st.text(st.characters(codec="utf-8"), min_size=900, max_size=3000),
    st.integers(70, 2000).map(lambda n: "x" * n),
)
LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", fullmatch=True)
DOMAIN = st.one_of(
    st.lists(LABEL, min_size=1, max_size=4).map(lambda labels: ".".join([*labels, "example"])),
    st.lists(st.just("a" * 63), min_size=2, max_size=40).map(".".join),  # beyond 253 characters
    st.sampled_from(["bücher.example", "пример.рф", "-bad-.org", "a..b", "localhost", ""]),
    st.lists(st.characters() | TRICKY, max_size=40).map("".join),
)
LOCAL_PART = st.one_of(
    st.from_regex(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9_-]+)*", fullmatch=True),
    st.lists(st.characters() | TRICKY, min_size=1, max_size=40).map("".join),
    st.integers(60, 1200).map(lambda n: "l" * n),
    st.text(st.characters(codec="utf-8"), min_size=300, max_size=600),
)
ADDRESS = st.one_of(
    st.tuples(LOCAL_PART, DOMAIN).map("@".join),
    st.lists(st.characters() | TRICKY, max_size=60).map("".join),
)
SLUG = st.one_of(
    st.from_regex(r"[a-z0-9](?:[a-z0-9._-]{0,60}[a-z0-9])?", fullmatch=True), HEADER_TEXT
)
UNSUBSCRIBE_URL = "https://press.example.org/u/one-click?t=abc"
ERROR = re.compile(r"(From|Reply-To|To|Subject|List-Id|List-Unsubscribe|Return-Path): ")
CONTINUATION = re.compile(r"[ \t]+\S.*")


def _head(data: bytes) -> list[str]:
    """The header block's lines; every line must end in CRLF, so a lone CR or LF shows here."""
    head = data.split(b"\r\n\r\n", 1)[0].decode("utf-8")
    lines = head.split("\r\n")
    for line in lines:
        assert "\r" not in line, f"bare CR in {line!r}"
        assert "\n" not in line, f"bare LF in {line!r}"
        assert len(line.encode("utf-8")) <= 998, f"line of {len(line.encode())} octets"
    return lines


def _names(lines: list[str]) -> list[str]:
    names = []
    for line in lines:
        if CONTINUATION.fullmatch(line):
            continue
        name, colon, _ = line.partition(":")
        assert colon, f"not a header line: {line!r}"
        assert re.fullmatch(r"[A-Za-z-]+", name), f"not a header name: {line!r}"
        names.append(name)
    return names


def _assert_names_its_header(error: InvalidInput, headers: re.Pattern[str]) -> None:
    assert headers.match(str(error)), str(error)


def _expected(reply_to: bool) -> list[str]:
    names = ["Date", "From", "Subject", "List-Id", "Feedback-ID", "List-Unsubscribe-Post"]
    names += ["MIME-Version", "Content-Type", "To", "Message-ID", "List-Unsubscribe"]
    return sorted(names + (["Reply-To"] if reply_to else []))


@BOUNDED
@given(
    from_name=HEADER_TEXT,
    from_email=ADDRESS,
    subject=HEADER_TEXT,
    list_slug=SLUG,
    list_name=HEADER_TEXT,
    reply_to=st.none() | st.tuples(HEADER_TEXT, ADDRESS),
    bounce_domain=DOMAIN,
    name=HEADER_TEXT,
    address=ADDRESS,
)
@example(
    from_name="Press",
    from_email="press@newsroom.example",
    subject="Release",
    list_slug="press",
    list_name="",
    reply_to=None,
    bounce_domain="bounces.newsroom.example",
    name="Jane",
    address="l" * 1200 + "@example.org",
)
@example(
    from_name="Press",
    from_email="press@" + ".".join(["a" * 63] * 20),
    subject="Release",
    list_slug="press",
    list_name="Press",
    reply_to=None,
    bounce_domain=".".join(["b" * 63] * 20),
    name="Jane",
    address="jane@example.org",
)
def test_message_header_block_holds_exactly_our_headers_or_a_value_is_refused(
    from_name: str,
    from_email: str,
    subject: str,
    list_slug: str,
    list_name: str,
    reply_to: tuple[str, str] | None,
    bounce_domain: str,
    name: str,
    address: str,
) -> None:
    try:
        template = MessageTemplate.create(
            from_address=f"{from_name} <{from_email}>",
            subject=subject,
            sendout_id=12,
            list_slug=list_slug,
            list_name=list_name,
            bounce_domain=bounce_domain,
            secret="test-secret-0123456789abcdef0123456789",
            reply_to=reply_to,
        )
        recipient = Recipient(4711, address, UNSUBSCRIBE_URL, name)
        message = build_message(template, "<p>Hello</p>", "Hello", recipient)
    except InvalidInput as exc:
        _assert_names_its_header(exc, ERROR)
        return
    lines = _head(message.data)
    assert sorted(_names(lines)) == _expected(reply_to is not None)
    parsed = email.message_from_bytes(message.data, policy=email.policy.default)
    assert sorted(parsed.keys()) == _expected(reply_to is not None)
    assert all("\r" not in str(v) and "\n" not in str(v) for v in parsed.values())


NOTICE_SETTINGS = load_settings({"DISTRIBUTOR_FROM": "Newsroom <press@newsroom.example>"})
NOTICE_HEADERS = sorted(
    [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "Auto-Submitted",
        "MIME-Version",
        "Content-Type",
    ]
)


def _confirmation(address: str) -> Confirmation:
    return Confirmation(
        email=address,
        lists=("Science",),
        url="https://press.example.org/confirm/abc",
        expires_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )


# What reaches a notice: names cleaned by `one_line` (at most SHORT_TEXT characters), and
# subjects made of words. The email package cannot fold a single word longer than 998
# characters; no caller passes one.
NOTICE_TEXT = st.one_of(
    st.lists(st.characters() | TRICKY, max_size=80).map("".join),
    st.text(st.characters(codec="utf-8"), min_size=150, max_size=SHORT_TEXT),
    st.lists(st.integers(1, 120).map(lambda n: "x" * n), max_size=40).map(" ".join),
)


@BOUNDED
@given(name=NOTICE_TEXT, local=LOCAL_PART, domain=DOMAIN, subject=NOTICE_TEXT)
@example(name="Jane\r\nBcc: victim@example.org", local="jane", domain="example.org", subject="S")
@example(name="x" * SHORT_TEXT, local="jane", domain="example.org", subject="=?utf-8?b?QmNjOg==?=")
# Encoded words the email package decoded and wrote back with their line breaks.
@example(
    name="=?utf-8?q?Jane=0D=0ABcc:_victim@example.org?=",
    local="jane",
    domain="example.org",
    subject="S",
)
@example(name="Jane", local="jane", domain="example.org", subject="=?utf-8?q?a=0D=0AB?=")
# A value ending in a line break, which the email package's own check lets through.
@example(name="", local="0", domain="bücher.example", subject=" \n")
def test_notice_header_block_holds_exactly_its_headers_or_a_line_break_is_refused(
    name: str, local: str, domain: str, subject: str
) -> None:
    # Callers pass addresses `parse_address` accepted: at most RFC 5321's 254 characters.
    assume(len(f"{local}@{domain}") <= 254)
    # `Address` and the SMTP policy refuse a line break with ValueError; compose_notice
    # refuses one hidden in an encoded word with HeaderInjection.
    try:
        to = Address(name, local, domain)
        message = compose_notice(
            NOTICE_SETTINGS,
            to,
            subject,
            "signup_confirm",
            confirmation=_confirmation(f"{local}@{domain}"),
            organization="Newsroom",
        )
        data = message.as_bytes()
    except HeaderInjection as exc:
        _assert_names_its_header(exc, re.compile("(To|Subject): "))
        return
    except ValueError:
        return
    lines = _head(data)
    assert sorted(_names(lines)) == NOTICE_HEADERS
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert sorted(parsed.keys()) == NOTICE_HEADERS
