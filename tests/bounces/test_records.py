"""Reading bounce records back: each with its reason, filtered by it, counted by it per send-out."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from distributor.bounces import records
from distributor.errors import InvalidInput
from distributor.models import BounceClass, BounceRecord, BounceSource
from distributor.models.reasons import Reason
from tests.bounces.conftest import Newsroom

ANNA = "anna.berg@tageblatt.example"


def _bounce(
    session: Session,
    kind: BounceClass,
    reason: Reason | None,
    *,
    delivery_id: int | None = None,
    recipient: str = ANNA,
    token_valid: bool | None = True,
) -> BounceRecord:
    record = BounceRecord(
        source=BounceSource.FILE,
        classification=kind,
        reason=reason.value if reason is not None else None,
        reply_code="550" if kind is BounceClass.HARD else None,
        recipient=recipient,
        delivery_id=delivery_id,
        token_valid=token_valid,
    )
    session.add(record)
    session.flush()
    return record


def _sendout_with_bounces(newsroom: Newsroom) -> int:
    """A send-out with 3 user unknown, 2 blocked as spam, 1 mailbox full and 1 hard bounce kept
    before reasons were; its id."""
    first = newsroom.deliver(ANNA)
    session = newsroom.session
    bounces = [
        *[(BounceClass.HARD, Reason.USER_UNKNOWN)] * 3,
        *[(BounceClass.BLOCK, Reason.SPAM_DETECTED)] * 2,
        (BounceClass.SOFT, Reason.MAILBOX_FULL),
        (BounceClass.HARD, None),
    ]
    for kind, reason in bounces:
        _bounce(session, kind, reason, delivery_id=first.id)
    return first.sendout_id


def test_report_counts_a_sendouts_bounces_by_reason_most_frequent_first(
    newsroom: Newsroom,
) -> None:
    sendout_id = _sendout_with_bounces(newsroom)

    report = records.bounce_report(newsroom.session, sendout_id=sendout_id)

    assert list(report.by_reason.items()) == [
        ("userunknown", 3),
        ("spamdetected", 2),
        ("mailboxfull", 1),
    ]
    assert report.as_dict()["by_reason"] == report.by_reason


def test_report_summary_says_the_reasons_in_a_press_officers_words(newsroom: Newsroom) -> None:
    sendout_id = _sendout_with_bounces(newsroom)

    report = records.bounce_report(newsroom.session, sendout_id=sendout_id)

    assert report.summary == (
        "3 user unknown, 2 blocked as spam, 1 mailbox full, 1 hard (no reason recorded)"
    )


def test_records_kept_without_a_reason_are_counted_by_class_only(newsroom: Newsroom) -> None:
    sendout_id = _sendout_with_bounces(newsroom)

    report = records.bounce_report(newsroom.session, sendout_id=sendout_id)

    assert report.by_class["hard"] == 4
    assert sum(report.by_reason.values()) == report.total - 1


def test_report_leaves_records_with_a_forged_token_out_of_the_reasons(session: Session) -> None:
    _bounce(session, BounceClass.HARD, Reason.USER_UNKNOWN, token_valid=False)

    report = records.bounce_report(session, email=ANNA)

    assert (report.by_reason, report.ignored, report.summary) == ({}, 1, "")


def test_bounces_are_filtered_by_reason(session: Session) -> None:
    full = _bounce(session, BounceClass.SOFT, Reason.MAILBOX_FULL)
    _bounce(session, BounceClass.HARD, Reason.USER_UNKNOWN)
    _bounce(session, BounceClass.SOFT, None)

    found = records.list_bounces(session, records.BounceFilter(reason=Reason.MAILBOX_FULL))

    assert [record.id for record in found] == [full.id]


def test_a_reason_is_named_by_its_classifier_name_in_any_case() -> None:
    assert records.reason_named(" UserUnknown ") is Reason.USER_UNKNOWN


def test_an_unknown_reason_name_is_refused_listing_the_names() -> None:
    with pytest.raises(InvalidInput, match="reason 'nosuchuser' does not exist") as refused:
        records.reason_named("nosuchuser")

    assert "choose one of userunknown, hostunknown, hasmoved" in str(refused.value)


def test_a_described_bounce_gives_its_reason_label_and_reply_code(session: Session) -> None:
    record = _bounce(session, BounceClass.BLOCK, Reason.SPAM_DETECTED)
    record.reply_code = "554"

    described = records.describe_bounce(record)

    assert (described["reason"], described["reason_label"], described["reply_code"]) == (
        "spamdetected",
        "blocked as spam",
        "554",
    )


def test_a_bounce_kept_without_a_reason_is_described_without_a_label(session: Session) -> None:
    described = records.describe_bounce(_bounce(session, BounceClass.HARD, None))

    assert (described["classification"], described["reason"], described["reason_label"]) == (
        "hard",
        None,
        None,
    )
