"""Bounces in the formats MTAs and providers invent, read to who failed and why.

The samples in tests/bounces/formats are written here in each server's shape
(DragonFly, OpenSMTPD, qmail, Exim, Gmail, Amazon SES through SNS, bare CR line
ends); the addresses are ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from distributor.bounces.described import describe_message

FORMATS = Path(__file__).parent / "formats"

EXPECTED = {
    "dragonfly_user_unknown.eml": [("s.berger@abendzeitung.example", "userunknown", "hard")],
    "opensmtpd_two_recipients.eml": [
        ("k.weiss@morgenblatt.example", "userunknown", "hard"),
        ("j.horn@wochenpost.example", "mailboxfull", "soft"),
    ],
    "qmail_no_code_user_unknown.eml": [("t.wolf@lokalzeitung.example", "userunknown", "hard")],
    "exim_sender_refused.eml": [("r.klein@stadtblatt.example", "rejected", "block")],
    "gmail_blocked_ip_no_dsn.eml": [("l.meier@postfach.example", "spamdetected", "block")],
    "ses_bounce_notification.eml": [("m.roth@tageszeitung.example", "mailboxfull", "soft")],
    "bare_cr_line_ends.eml": [("a.frank@blatt.example", "userunknown", "hard")],
    "postfix_notice_naming_a_helpdesk.eml": [("h.sato@shimbun.example", "userunknown", "hard")],
}


def _read(name: str) -> dict[str, object]:
    return describe_message((FORMATS / name).read_bytes(), name)


def test_every_format_sample_has_an_expectation() -> None:
    assert sorted(path.name for path in FORMATS.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_format_sample_is_read_to_its_recipients_reasons_and_classes(name: str) -> None:
    described = _read(name)

    assert described["kind"] == "bounce"
    found = [(r["address"], r["reason"], r["class"]) for r in described["recipients"]]  # type: ignore[attr-defined]
    assert found == EXPECTED[name]


def test_the_real_reply_inside_the_ses_wrapper_wins_over_its_generic_words() -> None:
    (recipient,) = _read("ses_bounce_notification.eml")["recipients"]  # type: ignore[misc]

    assert recipient["label"] == "mailbox full"


def test_the_bounce_senders_own_address_is_not_a_failed_recipient() -> None:
    addresses = [r["address"] for r in _read("exim_sender_refused.eml")["recipients"]]  # type: ignore[attr-defined]

    assert addresses == ["r.klein@stadtblatt.example"]


def test_an_address_in_a_sentence_is_not_taken_for_a_listed_failure() -> None:
    addresses = [
        r["address"]
        for r in _read("postfix_notice_naming_a_helpdesk.eml")["recipients"]  # type: ignore[attr-defined]
    ]

    assert addresses == ["h.sato@shimbun.example"]


def test_a_bounce_marked_auto_submitted_is_still_a_bounce() -> None:
    assert _read("gmail_blocked_ip_no_dsn.eml")["kind"] == "bounce"


def test_a_human_reply_is_a_reply() -> None:
    raw = (
        b"From: Anna Berg <anna.berg@webmail.example>\nTo: press@newsroom.example\n"
        b"Subject: Re: Annual figures\nIn-Reply-To: <1@newsroom.example>\n\nThanks, noted.\n"
    )

    assert describe_message(raw, "reply.eml")["kind"] == "reply"


def test_a_message_that_reports_nothing_is_not_a_report() -> None:
    raw = b"From: someone@else.example\nSubject: Hello\n\nJust saying hello.\n"

    described = describe_message(raw, "hello.eml")

    assert (described["kind"], described["recipients"]) == ("not_a_report", [])
