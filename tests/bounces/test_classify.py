"""The one table that judges a failure: by enhanced status code first, then by the server's words."""

from __future__ import annotations

import pytest

from distributor.bounces.classify import classify
from distributor.models import BounceClass

HARD, SOFT, BLOCK = BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK
DELAYED, UNKNOWN = BounceClass.DELAYED, BounceClass.UNKNOWN


@pytest.mark.parametrize(
    ("status", "diagnostic", "expected"),
    [
        ("5.1.1", "550 5.1.1 user unknown", HARD),
        ("5.1.2", "550 5.1.2 bad destination system address", HARD),
        ("5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound", HARD),
        ("5.2.1", "550 5.2.1 The email account that you tried to reach is disabled", HARD),
        ("5.4.4", "550 5.4.4 Unable to route", HARD),
        ("5.2.2", "552 5.2.2 Mailbox full", SOFT),
        ("5.3.2", "553 5.3.2 System not accepting network messages", SOFT),
        ("5.4.7", "5.4.7 Delivery time expired", SOFT),
        ("4.2.2", "452 4.2.2 The email account that you tried to reach is over quota", SOFT),
        ("4.7.1", "451 4.7.1 Recipient address rejected: Greylisted", SOFT),
        ("4.1.1", "450 4.1.1 user unknown, try later", SOFT),
        ("5.7.1", "554 5.7.1 Service unavailable; client host blocked using a list", BLOCK),
        ("5.7.26", "550 5.7.26 Unauthenticated email is not accepted (DMARC)", BLOCK),
        ("5.7.1", "550 5.7.1 mailbox unavailable", BLOCK),
        ("5.1.8", "553 5.1.8 Sender address rejected: Domain not found", BLOCK),
        ("5.2.3", "552 5.2.3 Message size exceeds fixed maximum message size", BLOCK),
    ],
)
def test_status_code_decides_first(status: str, diagnostic: str, expected: BounceClass) -> None:
    assert classify(status, diagnostic) is expected


@pytest.mark.parametrize(
    ("diagnostic", "expected"),
    [
        ("550 User unknown in local recipient table", HARD),
        ("550 No such user here", HARD),
        ("550 Requested action not taken: mailbox unavailable", HARD),
        ("554 delivery error: dd This user doesn't have a yahoo.example account", HARD),
        ("550 The mailbox does not exist", HARD),
        ("550 Recipient address rejected: Access denied", HARD),
        ("Unrouteable address", HARD),
        ("552 Mailbox quota exceeded", SOFT),
        ("mailbox is full: retry timeout exceeded", SOFT),
        ("550 Recipient address rejected: Greylisted, try again later", SOFT),
        ("554 Message rejected as spam", BLOCK),
        ("550 Your IP is listed at a block list", BLOCK),
        ("550 Rejected for poor sender reputation", BLOCK),
        ("550 Message rejected due to the domain's DMARC policy", BLOCK),
        ("554 Relay access denied", BLOCK),
        ("421 Service not available, closing channel", SOFT),
        ("550 Message not accepted", UNKNOWN),
        ("", UNKNOWN),
    ],
)
def test_text_decides_without_a_code(diagnostic: str, expected: BounceClass) -> None:
    assert classify(None, diagnostic) is expected


@pytest.mark.parametrize(
    ("status", "diagnostic", "expected"),
    [
        ("5.0.0", "550 5.1.1 <press@daily.example>... User unknown", HARD),
        ("5.0.0", "550 Mailbox quota exceeded", SOFT),
        ("5.0.0", "550 rejected", UNKNOWN),
        ("5.5.0", "550 5.5.0 Requested action not taken: mailbox unavailable", HARD),
        ("5.4.1", "550 5.4.1 Recipient address rejected: Access denied", HARD),
        ("5.4.1", "550 5.4.1 no answer from host", SOFT),
    ],
)
def test_generic_or_unclear_code_leaves_it_to_the_text(
    status: str, diagnostic: str, expected: BounceClass
) -> None:
    assert classify(status, diagnostic) is expected


def test_enhanced_code_in_the_text_counts_when_the_status_is_missing() -> None:
    assert classify(None, "550-5.2.1 The email account that you tried to reach is disabled") is HARD


def test_ip_addresses_are_not_read_as_status_codes() -> None:
    assert classify(None, "connect to 10.4.4.2 refused") is UNKNOWN


def test_delayed_action_is_a_delay_whatever_the_code() -> None:
    assert classify("5.1.1", "550 5.1.1 user unknown", action="Delayed") is DELAYED


def test_nothing_to_go_on_is_unknown() -> None:
    assert classify(None, None) is UNKNOWN
