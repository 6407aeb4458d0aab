"""Exports: the right contacts, every format read back, formulas neutralized, streamed in batches."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.directory import add_contact
from distributor.contacts.export import ExportFormat, export_contacts, neutralize_formula
from distributor.contacts.lists import create_list
from distributor.contacts.segments import create_segment
from distributor.contacts.subscriptions import subscribe, unsubscribe
from distributor.errors import InvalidInput, NotFound
from distributor.models import AuditEntry, Contact, Role

ADMIN = Actor("test:admin", Role.ADMIN)
OFFICER = Actor("test:officer", Role.PRESS_OFFICER)


@pytest.mark.parametrize("text", ["=1+2", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_a_leading_quote(text: str) -> None:
    assert neutralize_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Anna", "a=b", " =x", "'quoted", "Иван"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralize_formula(text) == text


def _export(session: Session, format: ExportFormat = ExportFormat.CSV, **options: Any) -> bytes:
    out = io.BytesIO()
    export_contacts(session, out, format, OFFICER, **options)
    return out.getvalue()


def _csv(session: Session, **options: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_export(session, **options).decode("utf-8"))))


def _xlsx(session: Session, **options: Any) -> list[dict[str, Any]]:
    workbook = load_workbook(io.BytesIO(_export(session, ExportFormat.XLSX, **options)))
    header, *rows = workbook.active.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _jsonl(session: Session, **options: Any) -> list[dict[str, Any]]:
    text = _export(session, ExportFormat.JSONL, **options).decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def press(session: Session) -> Session:
    """Three journalists on the list `film` (one unsubscribed), one on no list."""
    create_list(session, "film", ADMIN)
    people = [
        {"email": "ivanov@gazeta.example", "name": "Иван Иванов", "outlet": "Газета «Вечер»", "beats": "кино; politics", "country": "RU", "attributes.Telegram": "@ivanov"},
        {"email": "evil@x.example", "first_name": "=HYPERLINK(\"http://evil\",\"x\")", "last_name": "<b>Bold</b><script>alert(1)</script>", "outlet": "+cmd|' /C calc'!A0", "phone": "+33 1 23 45 67", "attributes.Desk": "-Arts"},
        {"email": "gone@x.example", "name": "Gone Away"},
        {"email": "loner@x.example", "name": "Lone Wolf"},
    ]  # fmt: skip
    for person in people:
        add_contact(session, person, ADMIN)
    for email in ("ivanov@gazeta.example", "evil@x.example", "gone@x.example"):
        subscribe(session, email, "film", ADMIN)
    unsubscribe(session, "gone@x.example", "film", ADMIN, reason="left")
    return session


def test_a_list_export_has_its_subscribed_contacts_with_their_status(press: Session) -> None:
    rows = _csv(press, list_slug="film")
    assert [r["Email"] for r in rows] == ["ivanov@gazeta.example", "evil@x.example"]
    assert {r["Status"] for r in rows} == {"subscribed"}
    assert all(r["Status changed at"] for r in rows)


def test_a_list_export_with_all_statuses_includes_who_unsubscribed(press: Session) -> None:
    rows = _csv(press, list_slug="film", all_statuses=True)
    assert {r["Email"]: r["Status"] for r in rows}["gone@x.example"] == "unsubscribed"


def test_exporting_everything_includes_contacts_on_no_list(press: Session) -> None:
    rows = _csv(press)
    assert len(rows) == 4
    assert "Status" not in rows[0]


def test_a_segment_export_has_the_contacts_the_segment_selects(press: Session) -> None:
    create_segment(press, "russian", {"field": "country", "op": "eq", "value": "RU"}, ADMIN)
    assert [r["Email"] for r in _csv(press, segment="russian")] == ["ivanov@gazeta.example"]


def test_an_unknown_list_or_segment_is_not_found(press: Session) -> None:
    with pytest.raises(NotFound):
        _export(press, list_slug="nope")
    with pytest.raises(NotFound):
        _export(press, segment="nope")


def test_a_list_and_a_segment_at_once_are_refused(press: Session) -> None:
    with pytest.raises(InvalidInput):
        _export(press, list_slug="film", segment="x")


def test_columns_are_the_field_labels_then_one_per_custom_attribute(press: Session) -> None:
    header = next(csv.reader(io.StringIO(_export(press).decode())))
    assert header[:4] == ["Email", "First name", "Last name", "Outlet"]
    assert "Beats" in header
    assert header[-2:] == ["Desk", "Telegram"]


def test_csv_neutralizes_formulas_and_keeps_html_as_text(press: Session) -> None:
    row = next(r for r in _csv(press) if r["Email"] == "evil@x.example")
    assert row["First name"] == '\'=HYPERLINK("http://evil","x")'
    assert row["Outlet"] == "'+cmd|' /C calc'!A0"
    assert row["Phone"] == "'+33 1 23 45 67"
    assert row["Desk"] == "'-Arts"
    assert row["Last name"] == "<b>Bold</b><script>alert(1)</script>"


def test_csv_round_trips_cyrillic_and_joins_beats(press: Session) -> None:
    row = next(r for r in _csv(press) if r["Email"] == "ivanov@gazeta.example")
    assert (row["First name"], row["Last name"], row["Outlet"]) == (
        "Иван",
        "Иванов",
        "Газета «Вечер»",
    )
    assert row["Beats"] in ("кино; politics", "politics; кино")
    assert row["Telegram"] == "'@ivanov"


def test_csv_for_excel_starts_with_a_byte_order_mark(press: Session) -> None:
    assert _export(press, excel_bom=True).startswith("\ufeffEmail".encode())
    assert _export(press).startswith(b"Email")


def test_xlsx_reads_back_with_formulas_neutralized_and_unicode_intact(press: Session) -> None:
    rows = {r["Email"]: r for r in _xlsx(press)}
    evil, ivanov = rows["evil@x.example"], rows["ivanov@gazeta.example"]
    assert evil["First name"] == '\'=HYPERLINK("http://evil","x")'
    assert evil["Last name"] == "<b>Bold</b><script>alert(1)</script>"
    assert ivanov["Outlet"] == "Газета «Вечер»"
    assert rows["loner@x.example"]["Telegram"] in ("", None)


def test_json_lines_keep_values_exact_with_beats_and_attributes_structured(press: Session) -> None:
    rows = {r["email"]: r for r in _jsonl(press, list_slug="film")}
    evil, ivanov = rows["evil@x.example"], rows["ivanov@gazeta.example"]
    assert evil["first_name"] == '=HYPERLINK("http://evil","x")'
    assert evil["attributes"] == {"Desk": "-Arts"}
    assert sorted(ivanov["beats"]) == ["politics", "кино"]
    assert ivanov["status"] == "subscribed"
    assert "name" not in ivanov


def test_an_export_is_recorded_in_the_audit_log(press: Session) -> None:
    _export(press, ExportFormat.JSONL, list_slug="film")
    entry = press.scalars(select(AuditEntry).where(AuditEntry.action == "contacts.export")).one()
    assert (entry.details["scope"], entry.details["rows"]) == ("list film", 2)


def test_a_big_export_is_read_in_batches_and_written_whole(session: Session) -> None:
    total, batch = 5000, 700
    session.execute(
        insert(Contact),
        [
            {"email": f"j{i:05}@paper.example", "first_name": f"Имя{i}", "attributes": {}}
            for i in range(total)
        ],
    )
    session.flush()
    selects: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("SELECT") and "FROM contacts" in args[2]:
            selects.append(args[2])

    event.listen(session.get_bind(), "before_cursor_execute", count)
    try:
        out = io.BytesIO()
        summary = export_contacts(session, out, ExportFormat.CSV, OFFICER, batch_size=batch)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", count)
    emails = [r["Email"] for r in csv.DictReader(io.StringIO(out.getvalue().decode()))]
    assert summary.rows == len(emails) == total
    assert emails == sorted(set(emails))
    # The attribute names, then one page per batch and the empty page that ends it.
    assert len(selects) == 1 + -(-total // batch) + 1
