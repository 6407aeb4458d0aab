"""Each message in the corpus, in the shapes real MTAs and mailbox providers send, read to what it reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from distributor.bounces.reports import PART_LIMIT, ParsedReport, ReportKind, parse_report
from distributor.models import BounceClass, Reason

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Expected:
    kind: ReportKind
    recipients: tuple[tuple[str, str | None, BounceClass], ...] = ()  # address, status, class
    original_message_id: str | None = None
    unreadable: bool = False  # whether the report notes something it could not read


def _id(serial: str) -> str:
    return f"<{serial}@newsroom.example>"


BOUNCE, DELAYED, COMPLAINT = ReportKind.BOUNCE, ReportKind.DELAYED, ReportKind.COMPLAINT
AUTO_REPLY, UNRECOGNIZED = ReportKind.AUTO_REPLY, ReportKind.UNRECOGNIZED
HARD, SOFT, BLOCK = BounceClass.HARD, BounceClass.SOFT, BounceClass.BLOCK


def _replied(sender: str) -> tuple[tuple[str, None, BounceClass]]:
    return ((sender, None, BounceClass.AUTO_REPLY),)


EXPECTED = {
    "postfix_user_unknown.eml": Expected(
        BOUNCE,
        (("maria.keller@tageblatt.example", "5.1.1", HARD),),
        _id("4f9c2a7d1e0b3c5a6d8e.4772"),
    ),
    "exim_user_unknown.eml": Expected(
        BOUNCE, (("paul.weber@rundschau.example", "5.1.1", HARD),), _id("0d1e2f3a4b5c6d7e8f90.7428")
    ),
    "exim_mailbox_full.eml": Expected(
        BOUNCE, (("hanna.roth@lokalblatt.example", None, SOFT),), _id("c5d6e7f8a9b0c1d2e3f4.22010")
    ),
    "sendmail_dsn.eml": Expected(
        BOUNCE,
        (("eva.schulz@morgenpost.example", "5.1.1", HARD),),
        _id("a1b2c3d4e5f6a7b8c9d0.8007"),
    ),
    "qmail_user_unknown.eml": Expected(
        BOUNCE, (("tom.berg@kurier.example", "5.1.1", HARD),), _id("b2c3d4e5f6a7b8c9d0e1.9270")
    ),
    "office365_recipient_not_found.eml": Expected(
        BOUNCE, (("p.jansen@omroep.example", "5.1.10", HARD),), _id("c3d4e5f6a7b8c9d0e1f2.10433")
    ),
    "gmail_address_not_found.eml": Expected(
        BOUNCE, (("lena.novak@gmail.example", "5.1.1", HARD),), _id("d4e5f6a7b8c9d0e1f2a3.11711")
    ),
    "yahoo_no_account.eml": Expected(
        BOUNCE, (("sam.okafor@yahoo.example", None, HARD),), _id("e5f6a7b8c9d0e1f2a3b4.13005")
    ),
    "taken_then_filtered.eml": Expected(
        BOUNCE,
        (
            ("chefredaktion@redaktion.example", None, BLOCK),
            ("feuilleton@redaktion.example", None, BLOCK),
        ),
        _id("f6a7b8c9d0e1f2a3b4c5.16002"),
    ),
    "outlook_com_mailbox_unavailable.eml": Expected(
        BOUNCE, (("kim.larsen@outlook.example", "5.5.0", HARD),), _id("f6a7b8c9d0e1f2a3b4c5.14222")
    ),
    "several_recipients_failed_and_delayed.eml": Expected(
        BOUNCE,
        (
            ("redaktion@verlagshaus.example", "5.1.1", HARD),
            ("politik@verlagshaus.example", "4.4.1", BounceClass.DELAYED),
        ),
        _id("a7b8c9d0e1f2a3b4c5d6.15801"),
    ),
    "latin1_dsn.eml": Expected(
        BOUNCE,
        (("juergen.maier@zeitung-sued.example", "5.1.1", HARD),),
        _id("b8c9d0e1f2a3b4c5d6e7.16140"),
    ),
    "koi8r_mailbox_full.eml": Expected(
        BOUNCE,
        (("ivan.petrov@gazeta-sever.example", "5.2.2", SOFT),),
        _id("c9d0e1f2a3b4c5d6e7f8.17233"),
    ),
    "spam_block_571.eml": Expected(
        BOUNCE,
        (("leo.fischer@strenger-filter.example", "5.7.1", BLOCK),),
        _id("d6e7f8a9b0c1d2e3f4a5.23117"),
    ),
    "delayed_dsn.eml": Expected(
        DELAYED,
        (("nina.hoff@langsam.example", "4.4.1", BounceClass.DELAYED),),
        _id("b4c5d6e7f8a9b0c1d2e3.21333"),
    ),
    "arf_abuse_complaint.eml": Expected(
        COMPLAINT,
        (("anna.berg@webmail.example", None, BounceClass.COMPLAINT),),
        _id("d0e1f2a3b4c5d6e7f8a9.18315"),
    ),
    "arf_complaint_without_rcpt_to.eml": Expected(
        COMPLAINT,
        (("olaf.lind@isp.example", None, BounceClass.COMPLAINT),),
        _id("e1f2a3b4c5d6e7f8a9b0.19002"),
    ),
    "out_of_office.eml": Expected(AUTO_REPLY, _replied("clara.vogt@stadtanzeiger.example")),
    "automatische_antwort.eml": Expected(AUTO_REPLY, _replied("felix.brandt@wochenblatt.example")),
    "autootvet_russian.eml": Expected(AUTO_REPLY, _replied("olga.smirnova@vestnik.example")),
    "reponse_automatique.eml": Expected(AUTO_REPLY, _replied("j.dupont@quotidien.example")),
    "truncated_mid_part.eml": Expected(
        BOUNCE, (("rolf.kern@tageblatt.example", "5.1.1", HARD),), unreadable=True
    ),
    "broken_boundary.eml": Expected(
        BOUNCE,
        (("eva.schulz@morgenpost.example", "5.1.1", HARD),),
        _id("a1b2c3d4e5f6a7b8c9d0.8007"),
        unreadable=True,
    ),
    "empty.eml": Expected(UNRECOGNIZED, unreadable=True),
    "binary_garbage.eml": Expected(UNRECOGNIZED, unreadable=True),
}


def _report(name: str) -> ParsedReport:
    return parse_report((CORPUS / name).read_bytes())


def test_every_corpus_message_has_an_expectation() -> None:
    assert sorted(path.name for path in CORPUS.glob("*.eml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_is_read_to_its_kind_recipients_and_classes(name: str) -> None:
    expected = EXPECTED[name]

    report = _report(name)

    assert report.kind is expected.kind
    found = tuple(
        (recipient.address, recipient.status, report.verdict(recipient).bounce_class)
        for recipient in report.recipients
    )
    assert found == expected.recipients


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_is_tied_to_the_message_it_answers(name: str) -> None:
    assert _report(name).original_message_id == EXPECTED[name].original_message_id


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_notes_problems_only_when_something_was_unreadable(name: str) -> None:
    assert bool(_report(name).problems) is EXPECTED[name].unreadable


def test_report_keeps_its_own_message_id() -> None:
    report = _report("postfix_user_unknown.eml")

    assert report.message_id == "<20250304081241.4XyZ1q2w3e@mail.tageblatt.example>"


def test_folded_diagnostic_is_unfolded_without_its_type() -> None:
    (recipient,) = _report("gmail_address_not_found.eml").recipients

    assert recipient.diagnostic is not None
    assert recipient.diagnostic.startswith(
        "550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1"
    )
    assert recipient.diagnostic.endswith("- gsmtp")


def test_dsn_keeps_each_recipients_action() -> None:
    report = _report("several_recipients_failed_and_delayed.eml")

    assert [recipient.action for recipient in report.recipients] == ["failed", "delayed"]


def test_complaint_carries_its_feedback_type_in_lower_case() -> None:
    assert _report("arf_abuse_complaint.eml").feedback_type == "abuse"
    assert _report("arf_complaint_without_rcpt_to.eml").feedback_type == "abuse"


def test_complaint_without_recipient_field_takes_the_original_to() -> None:
    report = _report("arf_complaint_without_rcpt_to.eml")

    assert [recipient.address for recipient in report.recipients] == ["olaf.lind@isp.example"]


def test_bounce_from_an_mta_format_finds_the_reply_near_the_address() -> None:
    (recipient,) = _report("yahoo_no_account.eml").recipients

    assert recipient.diagnostic is not None
    assert "This user doesn't have a yahoo.example account" in recipient.diagnostic


def test_no_such_user_from_a_system_that_took_the_message_is_filtered_not_dead() -> None:
    report = _report("taken_then_filtered.eml")

    reasons = {report.verdict(recipient).reason for recipient in report.recipients}

    assert reasons == {Reason.FILTERED}


def test_the_same_words_as_an_smtp_reply_still_mean_the_address_is_dead() -> None:
    report = _report("yahoo_no_account.eml")

    assert report.verdict(report.recipients[0]).reason is Reason.USER_UNKNOWN


def test_auto_reply_names_its_sender_and_no_failure() -> None:
    report = _report("out_of_office.eml")

    (recipient,) = report.recipients
    assert (recipient.address, recipient.action, report.original_message_id) == (
        "clara.vogt@stadtanzeiger.example",
        None,
        None,
    )


def test_text_part_beyond_the_limit_is_cut_and_noted() -> None:
    body = b"This is the mail system.\n" + b"x" * (PART_LIMIT + 10)
    raw = b"From: editor@daily.example\nContent-Type: text/plain\n\n" + body

    report = parse_report(raw)

    assert report.kind is ReportKind.UNRECOGNIZED
    assert any("read up to" in problem for problem in report.problems)


def test_message_that_is_no_report_is_unrecognized_with_a_note() -> None:
    raw = b"From: editor@daily.example\nSubject: Question about your release\n\nCan we talk?\n"

    report = parse_report(raw)

    assert report.kind is ReportKind.UNRECOGNIZED
    assert report.problems == ("neither a bounce, a complaint nor an auto-reply",)


def test_delivery_report_of_success_is_not_a_bounce() -> None:
    raw = (
        (CORPUS / "delayed_dsn.eml").read_bytes().replace(b"Action: delayed", b"Action: delivered")
    )

    report = parse_report(raw)

    assert report.kind is ReportKind.DELIVERED
    assert report.recipients[0].action == "delivered"


def test_dsn_with_unreadable_recipients_is_read_from_its_prose_not_taken_for_an_auto_reply() -> (
    None
):
    raw = (CORPUS / "spam_block_571.eml").read_bytes()
    raw = raw.replace(b"Final-Recipient: rfc822; leo.fischer@strenger-filter.example\n", b"")
    raw = raw.replace(b"Action: failed\nStatus: 5.7.1\n", b"")

    report = parse_report(raw)

    assert report.kind is ReportKind.BOUNCE
    assert [r.address for r in report.recipients] == ["leo.fischer@strenger-filter.example"]
    assert report.verdict(report.recipients[0]).reason.value == "blocked"
    assert "delivery-status part names no recipient" in report.problems
