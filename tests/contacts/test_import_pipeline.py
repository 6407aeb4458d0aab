"""The import service: merging by address, suppression, subscriptions, bad input, dry runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.importing import import_contacts
from distributor.contacts.lists import archive_list
from distributor.contacts.suppressions import suppress
from distributor.contacts.synthetic import write_contacts
from distributor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from distributor.models import (
    AuditEntry,
    Channel,
    Contact,
    Role,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
)
from tests.contacts.imports import ADMIN, contact_of, import_file


def _csv(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _count(session: Session, model: type[object]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_new_contacts_are_created_and_subscribed_with_their_origin(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "E-mail,Full name,Publication,Topics\nAnna@Paper.org,Anna Berg,Le Monde,Film; Music\n",
    )
    report = import_file(session, path)
    assert (report.created, report.subscribed, report.invalid) == (1, 1, 0)
    contact = contact_of(session, "anna@paper.org")
    assert (contact.first_name, contact.last_name, contact.outlet) == ("Anna", "Berg", "Le Monde")
    assert contact.original_email == "Anna@Paper.org"
    assert contact.source == "import:contacts.csv"
    assert sorted(contact.beats) == ["film", "music"]
    subscription = session.scalars(select(Subscription)).one()
    assert subscription.status == SubscriptionStatus.SUBSCRIBED
    assert subscription.channel == Channel.IMPORT
    assert (subscription.actor, subscription.reason) == ("test:admin", "import of contacts.csv")


def test_reimporting_the_same_file_changes_nothing(
    session: Session, press: str, tmp_path: Path
) -> None:
    written = write_contacts(tmp_path / "c.csv", 400, seed=11)
    first = import_file(session, written.path)
    stamps = dict(session.execute(select(Contact.id, Contact.updated_at)).all())
    second = import_file(session, written.path)
    assert (first.created, first.duplicates_in_file) == (written.distinct, written.duplicates)
    assert (second.created, second.updated, second.subscribed) == (0, 0, 0)
    assert second.unchanged == written.distinct
    assert second.already_subscribed == written.distinct
    assert dict(session.execute(select(Contact.id, Contact.updated_at)).all()) == stamps


def test_counts_add_up_to_the_rows_read(session: Session, press: str, tmp_path: Path) -> None:
    written = write_contacts(
        tmp_path / "c.csv", 500, seed=4, encoding="cp1251", dialect="semicolon"
    )
    report = import_file(session, written.path)
    assert report.rows == 500
    assert report.invalid == written.invalid
    assert report.created + report.duplicates_in_file + report.invalid == 500
    assert report.subscribed == report.created == written.distinct


def test_known_contact_gets_blanks_filled_but_values_kept(
    session: Session, press: str, tmp_path: Path
) -> None:
    import_file(session, _csv(tmp_path, "Email,Outlet\na@x.org,Le Monde\n", "first.csv"))
    report = import_file(session, _csv(tmp_path, "Email,Outlet,City\na@x.org,Libération,Paris\n"))
    contact = contact_of(session, "a@x.org")
    assert (contact.outlet, contact.city) == ("Le Monde", "Paris")
    assert (report.updated, report.created) == (1, 0)


def test_update_overwrites_stored_values(session: Session, press: str, tmp_path: Path) -> None:
    import_file(session, _csv(tmp_path, "Email,Outlet,Beats\na@x.org,Le Monde,film\n", "first.csv"))
    import_file(
        session, _csv(tmp_path, "Email,Outlet,Beats\na@x.org,Libération,music\n"), update=True
    )
    contact = contact_of(session, "a@x.org")
    assert (contact.outlet, contact.beats) == ("Libération", ["music"])


def test_unknown_columns_are_kept_as_attributes(
    session: Session, press: str, tmp_path: Path
) -> None:
    import_file(session, _csv(tmp_path, "Email,Twitter,Desk\na@x.org,@anna,Culture\n"))
    assert contact_of(session, "a@x.org").attributes == {"Twitter": "@anna", "Desk": "Culture"}


def test_map_option_names_the_email_column(session: Session, press: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Addr,Who\na@x.org,Anna Berg\n")
    report = import_file(session, path, mapping={"addr": "email", "Who": "name"})
    assert report.created == 1
    assert contact_of(session, "a@x.org").first_name == "Anna"


def test_file_without_an_email_column_is_refused_naming_its_headers(
    session: Session, press: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match=r"no email column.*'Addr', 'Who'.*--map"):
        import_contacts(session, _csv(tmp_path, "Addr,Who\na@x.org,Anna\n"), "press", ADMIN)


def test_suppressed_address_is_skipped_and_listed(
    session: Session, press: str, tmp_path: Path
) -> None:
    suppress(session, "gone@x.org", SuppressionReason.HARD_BOUNCE, actor=ADMIN)
    session.commit()
    report = import_file(session, _csv(tmp_path, "Email\nGone@X.org\nok@x.org\n"))
    assert (report.skipped_suppressed, report.created, report.subscribed) == (1, 1, 1)
    assert [(i.line, i.value) for i in report.suppressed] == [(2, "Gone@X.org")]
    assert session.scalar(select(Contact).where(Contact.email == "gone@x.org")) is None


def test_suppressed_address_is_not_resubscribed_on_reimport(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Email\njane@x.org\n")
    import_file(session, path)
    session.execute(Subscription.__table__.delete())
    suppress(session, "jane@x.org", SuppressionReason.UNSUBSCRIBED, actor=ADMIN)
    session.commit()
    report = import_file(session, path)
    assert (report.skipped_suppressed, report.subscribed) == (1, 0)
    assert _count(session, Subscription) == 0


def test_an_unsubscribe_is_not_undone_by_an_import(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Email\njane@x.org\n")
    import_file(session, path)
    subscription = session.scalars(select(Subscription)).one()
    subscription.status = SubscriptionStatus.UNSUBSCRIBED
    session.commit()
    report = import_file(session, path)
    assert (report.kept_unsubscribed, report.subscribed) == (1, 0)
    session.expire_all()
    assert session.scalars(select(Subscription)).one().status == SubscriptionStatus.UNSUBSCRIBED


def test_a_thousand_rows_of_one_address_make_one_contact(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Email,Name\n" + "same@x.org,Anna\n" * 1000)
    report = import_file(session, path, chunk_rows=300)
    assert (report.created, report.duplicates_in_file, report.subscribed) == (1, 999, 1)
    assert _count(session, Contact) == 1


def test_mixed_case_duplicates_merge_and_fill_each_other(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Email,Outlet,City\nJane@X.org,Le Monde,\njane@x.ORG,,Paris\n")
    report = import_file(session, path)
    assert (report.created, report.duplicates_in_file) == (1, 1)
    contact = contact_of(session, "jane@x.org")
    assert (contact.outlet, contact.city, contact.original_email) == (
        "Le Monde",
        "Paris",
        "Jane@X.org",
    )


def test_duplicates_across_chunks_count_as_in_a_single_chunk(
    session: Session, press: str, tmp_path: Path
) -> None:
    written = write_contacts(tmp_path / "c.csv", 600, seed=9, duplicate_rate=0.2)
    report = import_file(session, written.path, chunk_rows=50)
    assert (report.created, report.duplicates_in_file) == (written.distinct, written.duplicates)


def test_a_chunk_sends_the_same_statements_however_many_rows_it_holds(
    session: Session, press: str, tmp_path: Path
) -> None:
    """Rows are looked up and written a chunk at a time, never one by one."""
    sent = [_statements_to_import(session, tmp_path, rows) for rows in (40, 400)]
    assert sent[0] == sent[1]


def _statements_to_import(session: Session, tmp_path: Path, rows: int) -> list[str]:
    """The statements (their first words) an import of `rows` new contacts sends in one chunk."""
    lines = [
        f"reporter{n}.of{rows}@paper{n % 7}.example,Reporter {n},culture; film,France"
        for n in range(rows)
    ]
    path = _csv(tmp_path, "\n".join(["Email,Name,Beats,Country", *lines]), f"{rows}.csv")
    statements: list[str] = []

    def sent(*args: Any) -> None:
        statements.append(" ".join(args[2].split()[:3]))

    event.listen(session.get_bind(), "before_cursor_execute", sent)
    try:
        report = import_file(session, path, chunk_rows=rows)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", sent)
    assert report.created == rows
    return statements


def test_display_name_address_gives_the_name(session: Session, press: str, tmp_path: Path) -> None:
    import_file(session, _csv(tmp_path, 'Email\n"""Jane Roe"" <jane@x.org>"\n'))
    contact = contact_of(session, "jane@x.org")
    assert (contact.first_name, contact.last_name) == ("Jane", "Roe")


def test_invalid_addresses_are_rejected_with_line_and_column(
    session: Session, press: str, tmp_path: Path
) -> None:
    report = import_file(session, _csv(tmp_path, "Name,Mail\nA,not-an-address\nB,b@x.org\nC,\n"))
    assert [(i.line, i.column, i.value) for i in report.rejected] == [
        (2, "Mail", "not-an-address"),
        (4, "Mail", ""),
    ]
    assert (report.invalid, report.created) == (2, 1)


def test_bad_optional_value_is_dropped_and_reported(
    session: Session, press: str, tmp_path: Path
) -> None:
    report = import_file(session, _csv(tmp_path, "Email,Country\na@x.org,Atlantis\n"))
    assert [(w.line, w.column, w.value) for w in report.warnings] == [(2, "Country", "Atlantis")]
    assert contact_of(session, "a@x.org").country is None


def test_html_script_and_sql_are_stored_as_text(
    session: Session, press: str, tmp_path: Path
) -> None:
    name = "Robert'); DROP TABLE contacts;--"
    notes = '<script>alert("x")</script><b>bold</b>'
    path = _csv(
        tmp_path,
        f'Email,Last name,Notes\na@x.org,"{name}","{notes.replace(chr(34), 2 * chr(34))}"\n',
    )
    import_file(session, path)
    contact = contact_of(session, "a@x.org")
    assert (contact.last_name, contact.notes) == (name, notes)


def test_line_breaks_in_names_never_reach_the_stored_name(
    session: Session, press: str, tmp_path: Path
) -> None:
    import_file(session, _csv(tmp_path, 'Email,First name\na@x.org,"Anna\r\nBcc: evil@x.org"\n'))
    assert contact_of(session, "a@x.org").first_name == "Anna Bcc: evil@x.org"


def test_nul_bytes_are_removed_and_the_row_kept(
    session: Session, press: str, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"Email,First name,Notes\na@x.org,An\x00na,x\x00y\n")
    report = import_file(session, path)
    assert report.created == 1
    contact = contact_of(session, "a@x.org")
    assert "\x00" not in (contact.first_name or "") + (contact.notes or "")


def test_five_megabyte_cell_is_dropped_and_its_row_kept(
    session: Session, press: str, tmp_path: Path
) -> None:
    huge = "x" * (5 * 1024 * 1024)
    report = import_file(session, _csv(tmp_path, f"Email,Notes\na@x.org,{huge}\nb@x.org,fine\n"))
    assert report.created == 2
    assert [(w.line, w.column) for w in report.warnings] == [(2, "Notes")]
    assert contact_of(session, "a@x.org").notes is None


def test_broken_rows_do_not_stop_good_ones(session: Session, press: str, tmp_path: Path) -> None:
    text = 'Email,Name\na@x.org,"Anna\nb@x.org,Ben\nc@x.org,Doe, Jane\nd@x.org,Dan\n'
    report = import_file(session, _csv(tmp_path, text))
    assert sorted(i.line for i in report.rejected) == [2, 4]
    assert report.created == 2


def test_headers_only_imports_nothing(session: Session, press: str, tmp_path: Path) -> None:
    report = import_file(session, _csv(tmp_path, "Email,Name\n"))
    assert (report.rows, report.created) == (0, 0)


def test_dry_run_reports_the_same_and_writes_nothing(
    session: Session, press: str, tmp_path: Path
) -> None:
    written = write_contacts(tmp_path / "c.csv", 300, seed=3)
    dry = import_file(session, written.path, dry_run=True)
    assert _count(session, Contact) == 0
    assert _count(session, AuditEntry) == 1  # the list's creation only
    real = import_file(session, written.path)
    assert dry.as_dict() | {"dry_run": False} == real.as_dict()
    assert _count(session, Contact) == written.distinct


def test_import_is_one_audit_entry(session: Session, press: str, tmp_path: Path) -> None:
    import_file(session, _csv(tmp_path, "Email\na@x.org\nb@x.org\n"))
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "contacts.import")).one()
    assert (entry.actor, entry.details["created"], entry.details["list_slug"]) == (
        "test:admin",
        2,
        "press",
    )


def test_missing_list_is_not_found_with_the_command_to_create_it(
    session: Session, tmp_path: Path
) -> None:
    with pytest.raises(NotFound, match="distributor lists create press"):
        import_contacts(session, _csv(tmp_path, "Email\na@x.org\n"), "press", ADMIN)


def test_missing_list_is_created_when_asked(session: Session, tmp_path: Path) -> None:
    report = import_file(session, _csv(tmp_path, "Email\na@x.org\n"), create_missing_list=True)
    assert (report.list_slug, report.subscribed) == ("press", 1)


def test_archived_list_takes_no_import(session: Session, press: str, tmp_path: Path) -> None:
    archive_list(session, "press", ADMIN)
    with pytest.raises(Conflict, match="archived"):
        import_contacts(session, _csv(tmp_path, "Email\na@x.org\n"), "press", ADMIN)


def test_viewer_may_not_import(session: Session, press: str, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        import_contacts(
            session, _csv(tmp_path, "Email\na@x.org\n"), "press", Actor("v", Role.VIEWER)
        )


def test_workbook_and_json_lines_import_alike(session: Session, press: str, tmp_path: Path) -> None:
    workbook = write_contacts(tmp_path / "c.xlsx", 120, seed=1, file_format="xlsx")
    lines = write_contacts(tmp_path / "c.jsonl", 120, seed=1, file_format="jsonl")
    from_workbook = import_file(session, workbook.path)
    from_lines = import_file(session, lines.path)
    assert from_workbook.created == workbook.distinct
    assert (from_lines.created, from_lines.unchanged) == (0, lines.distinct)


def test_json_lines_lists_become_beats(session: Session, press: str, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"email": "a@x.org", "topics": ["Film", "TV"]}) + "\n")
    import_file(session, path)
    assert sorted(contact_of(session, "a@x.org").beats) == ["film", "tv"]
