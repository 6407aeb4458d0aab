"""The suppression list: adding, listing with reasons, admin-only removal, provider exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.suppressions import (
    LOOKUP_CHUNK,
    add_suppression,
    import_suppressions,
    is_suppressed,
    list_suppressions,
    remove_suppression,
    suppress,
)
from distributor.errors import InvalidInput, NotFound, PermissionDenied
from distributor.models import AuditEntry, Role, Suppression, SuppressionReason, email_hash

ADMIN = Actor("test:admin", Role.ADMIN)
OFFICER = Actor("user:7", Role.PRESS_OFFICER)


def _file(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reason_that_names_a_kind_is_used_as_the_reason(session: Session) -> None:
    entry, new = add_suppression(session, "Anna@Paper.example", "complaint", ADMIN)
    assert (entry.email, entry.reason, entry.note, new) == (
        "anna@paper.example",
        SuppressionReason.COMPLAINT,
        None,
        True,
    )


def test_free_text_reason_is_a_manual_suppression_with_a_note(session: Session) -> None:
    entry, _ = add_suppression(session, "anna@paper.example", "asked by phone", ADMIN)
    assert (entry.reason, entry.note) == (SuppressionReason.MANUAL, "asked by phone")


def test_adding_an_invalid_address_is_refused(session: Session) -> None:
    with pytest.raises(InvalidInput, match="'not-an-address' is not an email address"):
        add_suppression(session, "not-an-address", "manual", ADMIN)


def test_list_filters_by_reason_and_searches_addresses_and_notes(session: Session) -> None:
    add_suppression(session, "anna@paper.example", "hard_bounce", ADMIN)
    add_suppression(session, "bruno@radio.example", "asked at the fair", ADMIN)
    add_suppression(session, "chloe@paper.example", "complaint", ADMIN)
    assert list_suppressions(session, reason=SuppressionReason.HARD_BOUNCE).total == 1
    found = list_suppressions(session, search="PAPER.example")
    assert sorted(e.email or "" for e in found.entries) == [
        "anna@paper.example",
        "chloe@paper.example",
    ]
    assert [e.email for e in list_suppressions(session, search="fair").entries] == [
        "bruno@radio.example"
    ]
    page = list_suppressions(session, limit=2, offset=2)
    assert (page.total, len(page.entries)) == (3, 1)


def test_a_whole_address_finds_an_erased_entry_by_its_hash(session: Session) -> None:
    suppress(
        session, "anna@paper.example", SuppressionReason.ERASED, actor=ADMIN, keep_address=False
    )
    [entry] = list_suppressions(session, search="Anna@paper.example").entries
    assert (entry.email, entry.email_hash) == (None, email_hash("anna@paper.example"))


def test_only_an_admin_removes_a_suppression(session: Session) -> None:
    add_suppression(session, "anna@paper.example", "complaint", ADMIN)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        remove_suppression(session, "anna@paper.example", OFFICER, "she asked")
    assert is_suppressed(session, "anna@paper.example")


def test_removal_needs_a_reason(session: Session) -> None:
    add_suppression(session, "anna@paper.example", "complaint", ADMIN)
    with pytest.raises(InvalidInput, match="needs a reason"):
        remove_suppression(session, "anna@paper.example", ADMIN, "  ")


def test_removal_is_audited_with_the_removed_entry(session: Session) -> None:
    entry, _ = add_suppression(session, "anna@paper.example", "complaint", ADMIN)
    remove_suppression(session, "ANNA@paper.example", ADMIN, "she wrote to resubscribe")
    assert not is_suppressed(session, "anna@paper.example")
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "suppression.remove")
    ).one()
    assert audit.entity_id == str(entry.id)
    assert audit.details["reason"] == "she wrote to resubscribe"
    assert audit.details["removed"]["reason"] == "complaint"
    assert audit.details["removed"]["email"] == "anna@paper.example"


def test_erased_address_is_removed_by_its_address(session: Session) -> None:
    suppress(
        session, "anna@paper.example", SuppressionReason.ERASED, actor=ADMIN, keep_address=False
    )
    remove_suppression(session, "anna@paper.example", ADMIN, "came back and consented")
    assert not is_suppressed(session, "anna@paper.example")


def test_removing_an_address_not_suppressed_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match=r"anna@paper\.example is not on the suppression list"):
        remove_suppression(session, "anna@paper.example", ADMIN, "why not")


@pytest.mark.parametrize(
    "text",
    [
        # Mailchimp
        '"Email Address","First Name","MEMBER_RATING"\r\nanna@paper.example,Anna,2\r\n',
        # SendGrid
        "email,created\nanna@paper.example,1700000000\n",
        # Postmark
        "Recipient;SuppressionReason;Origin\nanna@paper.example;HardBounce;Recipient\n",
        # one address a line, no header
        "anna@paper.example\n",
        # an unknown header over a column of addresses
        "who,when\nanna@paper.example,yesterday\n",
    ],
    ids=["mailchimp", "sendgrid", "postmark", "plain", "by-values"],
)
def test_provider_exports_are_read_by_their_address_column(
    session: Session, tmp_path: Path, text: str
) -> None:
    outcome = import_suppressions(
        session, _file(tmp_path, text), ADMIN, SuppressionReason.HARD_BOUNCE
    )
    assert (outcome.added, outcome.invalid) == (1, 0)
    entry = session.scalars(select(Suppression)).one()
    assert (entry.email, entry.reason, entry.source) == (
        "anna@paper.example",
        SuppressionReason.HARD_BOUNCE,
        "import:export.csv",
    )


def test_import_counts_added_already_and_invalid_with_line_numbers(
    session: Session, tmp_path: Path
) -> None:
    add_suppression(session, "bruno@radio.example", "complaint", ADMIN)
    text = (
        "email\n"
        "anna@paper.example\n"
        "Bruno@Radio.example\n"
        "not an address\n"
        "\n"
        "ANNA@paper.example\n"
        '"Chloe" <chloe@tv.example>\n'
    )
    outcome = import_suppressions(session, _file(tmp_path, text, encoding="utf-16"), ADMIN)
    assert (outcome.added, outcome.already, outcome.invalid) == (2, 2, 1)
    [issue] = outcome.rejected
    assert (issue.line, issue.column, issue.value) == (4, "email", "not an address")


def test_reimporting_the_same_export_adds_nothing(session: Session, tmp_path: Path) -> None:
    path = _file(tmp_path, "email\nanna@paper.example\nbruno@radio.example\n")
    import_suppressions(session, path, ADMIN)
    again = import_suppressions(session, path, ADMIN)
    assert (again.added, again.already) == (0, 2)


def test_import_larger_than_a_chunk_inserts_every_address_once(
    session: Session, tmp_path: Path
) -> None:
    count = LOOKUP_CHUNK * 2 + 17
    lines = [f"person{i}@paper.example" for i in range(count)]
    path = _file(tmp_path, "\n".join(["email", *lines, lines[0], lines[-1]]) + "\n")
    outcome = import_suppressions(session, path, ADMIN)
    assert (outcome.added, outcome.already) == (count, 2)
    assert session.scalar(select(func.count(Suppression.id))) == count


def test_import_without_an_address_column_is_refused(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no column of email addresses"):
        import_suppressions(session, _file(tmp_path, "name,city\nAnna,Paris\n"), ADMIN)


def test_importing_an_empty_file_is_refused(session: Session, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is empty"):
        import_suppressions(session, _file(tmp_path, ""), ADMIN)


def test_only_an_admin_imports_suppressions(session: Session, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_suppressions(session, _file(tmp_path, "anna@paper.example\n"), OFFICER)
