"""Why a failure happened: the servers' specific words first, then the status code, then the command."""

from __future__ import annotations

import pytest

from distributor.bounces.classify import classify
from distributor.models import BounceClass
from distributor.models.reasons import Reason

R = Reason
HARD, SOFT, BLOCK = BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK
DELAYED, UNKNOWN = BounceClass.DELAYED, BounceClass.UNKNOWN


@pytest.mark.parametrize(
    ("diagnostic", "reason"),
    [
        ("550 5.1.1 <a@news.example>: Recipient address rejected: User unknown", R.USER_UNKNOWN),
        ("550 No such user here", R.USER_UNKNOWN),
        ("550 Requested action not taken: mailbox unavailable", R.USER_UNKNOWN),
        ("554 delivery error: dd This user doesn't have a yahoo.example account", R.USER_UNKNOWN),
        ("Sorry, no mailbox here by that name. (#5.1.1)", R.USER_UNKNOWN),
        ("550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", R.USER_UNKNOWN),
        (
            "Host or domain name not found. Name service error for name=x.example type=A",
            R.HOST_UNKNOWN,
        ),
        ("Unrouteable address", R.HOST_UNKNOWN),
        ("550 5.1.6 recipient no longer on server: a@news.example", R.HAS_MOVED),
        ("552 5.2.2 <a@news.example>: Recipient address rejected: Mailbox full", R.MAILBOX_FULL),
        ("552 sorry, mailbox a@news.example is over quota temporarily (#5.1.1)", R.MAILBOX_FULL),
        (
            "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient",
            R.EXCEED_LIMIT,
        ),
        ("552 5.3.4 Message size exceeds fixed maximum message size", R.MESSAGE_TOO_BIG),
        (
            "554 5.7.1 Service unavailable; client host [192.0.2.1] blocked using zen.example",
            R.BLOCKED,
        ),
        ("550 5.7.606 Access denied, banned sending IP [198.51.100.222]", R.BLOCKED),
        ("550 5.7.1 Message content rejected, UBE, id=22220-02-222", R.SPAM_DETECTED),
        ("550 Virus Detected; Content Rejected", R.VIRUS_DETECTED),
        (
            "550 5.7.509 Access denied, sending domain does not pass DMARC verification",
            R.AUTH_FAILURE,
        ),
        ("554 5.7.1 Reverse DNS lookup for host 203.0.113.22 failed permanently.", R.REQUIRE_PTR),
        (
            "421 4.7.0 [TSS04] Messages temporarily deferred due to unexpected volume or user complaints",
            R.BAD_REPUTATION,
        ),
        (
            "550 5.1.1 <a@x.example> - 203.0.113.222 has sent to too many recipients this hour",
            R.SPEEDING,
        ),
        ("452 4.3.2 Connection rate limit exceeded.", R.TOO_MANY_CONNECTIONS),
        ("554 5.7.1 <a@x.example>: Relay access denied", R.NO_RELAYING),
        ("553 5.1.8 <bounce@press.example>... Domain of sender address does not exist", R.REJECTED),
        ("501 5.1.8 Sender address rejected", R.REJECTED),
        ("550 5.7.1 RESOLVER.RST.AuthRequired; authentication required", R.SECURITY_ERROR),
        ("500 Remote server does not support TLS (state 6).", R.FAILED_STARTTLS),
        ("550 5.2.1 The email account that you tried to reach is disabled.", R.SUSPEND),
        ("Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)", R.NOT_ACCEPT),
        ("452 4.4.5 Insufficient disk space; try again later", R.SYSTEM_FULL),
        (
            "lost connection with mx.example[192.0.2.1] while performing the HELO handshake",
            R.NETWORK_ERROR,
        ),
        ("retry timeout exceeded", R.EXPIRED),
        ("554 Transaction failed: Duplicate header 'DKIM-Signature'.", R.NOT_COMPLIANT_RFC),
        ("550 5.2.0 Message Filtered", R.FILTERED),
    ],
)
def test_the_servers_words_name_the_reason(diagnostic: str, reason: Reason) -> None:
    assert classify(None, diagnostic).reason is reason


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("5.1.1", R.USER_UNKNOWN),
        ("5.1.2", R.HOST_UNKNOWN),
        ("5.1.10", R.NOT_ACCEPT),
        ("5.2.2", R.MAILBOX_FULL),
        ("5.3.4", R.MESSAGE_TOO_BIG),
        ("5.4.7", R.EXPIRED),
        ("5.7.26", R.AUTH_FAILURE),
        ("5.1.8", R.REJECTED),
    ],
)
def test_the_status_code_names_the_reason_when_the_words_do_not(
    status: str, reason: Reason
) -> None:
    assert classify(status, "550 Error").reason is reason


def test_specific_words_win_over_a_generic_status_code() -> None:
    verdict = classify(
        "5.1.1", "550 5.1.1 <a@x.example> - 192.0.2.2 has sent to too many recipients this hour"
    )
    assert verdict == (R.SPEEDING, BLOCK)


def test_the_real_reply_inside_a_wrapper_wins_over_the_wrappers_words() -> None:
    wrapped = "5.1.0 - Unknown address error 550-'5.2.2 <a@news.example>... Mailbox Full'"
    assert classify("5.1.0", wrapped) == (R.MAILBOX_FULL, SOFT)


def test_a_blocklisted_ip_never_blames_the_address() -> None:
    assert classify("5.7.1", "550 5.7.1 IP address blacklisted by recipient").bounce_class is BLOCK


def test_our_refused_sender_never_blames_the_address() -> None:
    verdict = classify(None, "550 Unroutable sender address")
    assert verdict == (R.REJECTED, BLOCK)


def test_user_unknown_after_data_is_a_filter_not_a_missing_mailbox() -> None:
    context = (
        "<a@news.example>: host mx.example said: 550 Unknown user (in reply to end of DATA command)"
    )
    assert classify("5.0.0", "550 Unknown user a@news.example", context=context) == (
        R.FILTERED,
        BLOCK,
    )


def test_user_unknown_after_rcpt_is_a_missing_mailbox() -> None:
    context = "host mx.example said: 550 User unknown (in reply to RCPT TO command)"
    assert classify("5.0.0", "550 User unknown", context=context) == (R.USER_UNKNOWN, HARD)


def test_a_pipelined_rcpt_answer_read_after_data_is_still_the_mailbox() -> None:
    context = ">>> DATA <<< 550 5.1.1 <a@news.example>... User Unknown <<< 503 5.0.0 Need RCPT (recipient)"
    assert (
        classify("5.1.1", "550 5.1.1 <a@news.example>... User Unknown", context=context).reason
        is R.USER_UNKNOWN
    )


def test_a_refusal_after_mail_from_is_our_sender_refused() -> None:
    context = (
        "SMTP error from remote mail server after MAIL FROM:<b@press.example>: 550 User unknown"
    )
    assert classify(None, "550 User unknown", context=context).reason is R.REJECTED


def test_qmail_saying_our_name_was_rejected_is_our_host_blocked() -> None:
    context = (
        "<editor@news.example>:\nConnected to 192.0.2.112 but my name was rejected.\n"
        "Remote host said: 501 5.0.0 Invalid domain name"
    )
    verdict = classify(None, "501 5.0.0 Invalid domain name", context=context)
    assert verdict == (R.BLOCKED, BLOCK)


def test_a_bare_refusal_after_ehlo_is_our_host_blocked() -> None:
    context = (
        "editor@news.example\n  host mx.news.example [203.0.113.222]\n"
        "  SMTP error from remote mail server after EHLO press.example:\n  550 Rejected"
    )
    assert classify(None, "550 Rejected", context=context).reason is R.BLOCKED


def test_user_unknown_under_a_mailbox_disabled_code_is_not_a_missing_mailbox() -> None:
    # Oracle Messaging Server: X.2.1 says the mailbox exists; nothing says RCPT was refused.
    context = (
        "Recipient address: editor@news.example Reason: Remote SMTP server has rejected "
        "address Diagnostic code: smtp;550 5.2.1 <editor@news.example>... User Unknown"
    )
    verdict = classify("5.2.1", "550 5.2.1 <editor@news.example>... User Unknown", context=context)
    assert verdict == (R.FILTERED, BLOCK)


def test_user_unknown_under_a_mailbox_disabled_code_at_rcpt_is_a_missing_mailbox() -> None:
    context = (
        "<editor@news.example>: Remote host said: 550 5.2.1 <editor@news.example>... "
        "User Unknown [RCPT_TO]"
    )
    verdict = classify(None, "550 5.2.1 <editor@news.example>... User Unknown", context=context)
    assert verdict == (R.USER_UNKNOWN, HARD)


def test_a_temporary_failure_is_never_hard() -> None:
    assert classify("4.1.1", "450 4.1.1 user unknown, try later") == (R.USER_UNKNOWN, SOFT)


def test_an_unexplained_temporary_failure_is_on_hold() -> None:
    assert classify(None, "451 Error") == (R.ON_HOLD, SOFT)


def test_ip_addresses_are_not_read_as_status_codes() -> None:
    assert classify(None, "connect to 10.4.4.2 refused").reason is R.NETWORK_ERROR


def test_a_reason_name_in_a_link_or_an_address_is_not_read() -> None:
    text = "550 5.0.0 <filtered@x.example>: rejected. See https://help.example/reason/#userunknown"
    assert classify(None, text).reason is not R.USER_UNKNOWN
    assert classify(None, text).reason is not R.FILTERED


def test_delayed_action_is_a_delay_whatever_the_code() -> None:
    assert classify("5.1.1", "550 5.1.1 user unknown", action="Delayed").bounce_class is DELAYED


def test_a_delivered_action_is_delivered() -> None:
    assert classify("2.0.0", "250 OK", action="delivered").reason is R.DELIVERED


def test_nothing_to_go_on_is_undefined() -> None:
    assert classify(None, None) == (R.UNDEFINED, UNKNOWN)
