"""Reading contact files as real exports come: encodings, dialects, formats, and broken records."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from distributor.contacts.importing import encodings
from distributor.contacts.importing.readers import SourceRow, open_source
from distributor.contacts.synthetic import write_contacts
from distributor.errors import InvalidInput


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(path: Path) -> list[SourceRow]:
    with open_source(path) as source:
        return list(source.rows)


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("cp1251", "cp1251"),
        # Windows-1252 reads every Latin-1 letter the same, and the € and quotes Latin-1 lacks.
        ("latin-1", "cp1252"),
    ],
)
@pytest.mark.parametrize("dialect", ["comma", "semicolon", "tab"])
def test_encoding_and_dialect_are_detected_and_names_read_intact(
    tmp_path: Path, encoding: str, detected: str, dialect: str
) -> None:
    written = write_contacts(tmp_path / "c.csv", 300, seed=7, encoding=encoding, dialect=dialect)
    expected = (tmp_path / "c.csv").read_text(encoding=encoding)
    with open_source(written.path) as source:
        rows = list(source.rows)
        assert (source.format, source.encoding, source.dialect) == ("csv", detected, dialect)
    name_column = source.headers[1]
    assert len(rows) == 300
    assert all(row.rejection is None and not row.warnings for row in rows)
    assert all(row.cells[name_column] in expected for row in rows)
    if encoding == "cp1251":
        assert any("Иван" in row.cells[name_column] for row in rows)
    if encoding == "latin-1":
        assert any("ü" in row.cells[name_column] or "é" in row.cells[name_column] for row in rows)


def test_excel_unicode_text_export_is_utf16_with_tabs(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "export.txt", "\ufeffEmail\tName\r\nanna@x.org\tÅsa Öberg\r\n", "utf-16-le"
    )
    with open_source(path) as source:
        assert (source.encoding, source.dialect) == ("utf-16", "tab")
        assert [row.cells for row in source.rows] == [{"Email": "anna@x.org", "Name": "Åsa Öberg"}]


def test_pipe_delimited_file_is_sniffed(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", "Email|Name\na@x.org|Anna, Maria\n")
    with open_source(path) as source:
        assert source.dialect == "pipe"
        assert next(source.rows).cells == {"Email": "a@x.org", "Name": "Anna, Maria"}


def test_single_column_file_reads_as_csv(tmp_path: Path) -> None:
    rows = _rows(_write(tmp_path / "c.csv", "Email\na@x.org\nb@x.org\n"))
    assert [row.cells for row in rows] == [{"Email": "a@x.org"}, {"Email": "b@x.org"}]


def test_rows_carry_the_physical_line_they_start_on(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", 'Email,Notes\n\na@x.org,"two\nlines"\nb@x.org,x\n')
    assert [(row.line, row.cells["Email"]) for row in _rows(path)] == [
        (3, "a@x.org"),
        (5, "b@x.org"),
    ]


def test_unclosed_quote_rejects_its_line_and_rereads_the_lines_it_swallowed(tmp_path: Path) -> None:
    text = 'Email,Name,Outlet\na@x.org,"Anna,Le Monde\nb@x.org,Ben,Reuters\nc@x.org,Cleo,"NRC"\n'
    rows = _rows(_write(tmp_path / "c.csv", text))
    rejected = [row.rejection for row in rows if row.rejection]
    assert len(rejected) == 1
    assert (rejected[0].line, rejected[0].column) == (2, "Name")
    assert "never closed" in rejected[0].reason
    assert [row.cells["Email"] for row in rows if row.rejection is None] == ["b@x.org", "c@x.org"]


def test_unclosed_quote_early_in_a_file_loses_none_of_the_rows_after_it(tmp_path: Path) -> None:
    lines = [f"p{i}@x.org,Name {i}" for i in range(500)]
    text = 'Email,Name\nfirst@x.org,"Never closed\n' + "\n".join(lines) + "\n"
    rows = _rows(_write(tmp_path / "c.csv", text))
    assert [row.line for row in rows if row.rejection] == [2]
    assert sum(row.rejection is None for row in rows) == 500


def test_unclosed_quote_on_the_last_line_keeps_the_row(tmp_path: Path) -> None:
    rows = _rows(_write(tmp_path / "c.csv", 'Email,Name\na@x.org,"Anna\n'))
    assert rows[0].cells == {"Email": "a@x.org", "Name": "Anna\n"}


def test_a_quoted_value_running_over_many_lines_is_cut_and_the_rest_reread(tmp_path: Path) -> None:
    body = "\n".join(f"p{i}@x.org,Name {i}" for i in range(1500))
    rows = _rows(_write(tmp_path / "c.csv", f'Email,Name\nbad@x.org,"open\n{body}\n'))
    assert rows[0].rejection is not None
    assert sum(row.rejection is None for row in rows) == 1500


def test_row_with_more_cells_than_headers_is_rejected_and_its_neighbours_kept(
    tmp_path: Path,
) -> None:
    rows = _rows(_write(tmp_path / "c.csv", "Email,Name\na@x.org,Doe, Jane\nb@x.org,Ben\n"))
    assert rows[0].rejection is not None
    assert "3 cells where the header has 2" in rows[0].rejection.reason
    assert rows[1].cells == {"Email": "b@x.org", "Name": "Ben"}


def test_trailing_empty_cells_are_ignored(tmp_path: Path) -> None:
    rows = _rows(_write(tmp_path / "c.csv", "Email,Name\na@x.org,Anna,,\n"))
    assert rows[0].rejection is None
    assert rows[0].cells == {"Email": "a@x.org", "Name": "Anna"}


def test_row_with_fewer_cells_reads_missing_ones_as_empty_with_a_warning(tmp_path: Path) -> None:
    rows = _rows(_write(tmp_path / "c.csv", "Email,Name,Outlet\na@x.org\n"))
    assert rows[0].cells == {"Email": "a@x.org"}
    assert "missing ones are read as empty" in rows[0].warnings[0].reason


def test_undecodable_bytes_are_reported_on_their_cell(tmp_path: Path) -> None:
    # A UTF-8 export with one Latin-1 byte pasted in: still UTF-8, the odd cell reported.
    text = "Email,Name\n" + "zoe@x.org,Zoë Brontë\n" * 100
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode() + b"b@x.org,Jos\xe9\n")
    rows = _rows(path)
    assert rows[0].cells["Name"] == "Zoë Brontë"
    assert rows[-1].warnings[0].column == "Name"
    assert "not utf-8" in rows[-1].warnings[0].reason


def test_bytes_beyond_the_judged_part_of_a_large_file_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encodings, "SCAN_BYTES", 64 * 1024)
    text = "Email,Name\n" + "a@x.org,Anna\n" * 8000
    path = tmp_path / "c.csv"
    path.write_bytes(text.encode() + b"b@x.org,Jos\xe9\n")
    rows = _rows(path)
    assert rows[-1].warnings[0].column == "Name"
    assert "not utf-8" in rows[-1].warnings[0].reason


def test_nul_bytes_do_not_stop_reading(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"Email,Name\na@x.org,An\x00na\nb@x.org,Ben\n")
    assert [row.cells["Email"] for row in _rows(path)] == ["a@x.org", "b@x.org"]


def test_a_five_megabyte_cell_is_read_without_error(tmp_path: Path) -> None:
    huge = "x" * (5 * 1024 * 1024)
    rows = _rows(_write(tmp_path / "c.csv", f"Email,Notes\na@x.org,{huge}\nb@x.org,short\n"))
    assert [len(row.cells["Notes"]) for row in rows] == [len(huge), 5]


def test_headers_are_trimmed_named_and_made_unique(tmp_path: Path) -> None:
    with open_source(_write(tmp_path / "c.csv", " Email ,,Notes,Notes\na,b,c,d\n")) as source:
        assert source.headers == ["Email", "column 2", "Notes", "Notes (2)"]


def test_empty_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.csv", "")
    with pytest.raises(InvalidInput, match=r"empty\.csv is empty"):
        _rows(path)


def test_file_of_blank_lines_is_empty(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is empty"):
        _rows(_write(tmp_path / "blank.csv", "\ufeff\r\n\r\n", "utf-8"))


def test_headers_only_gives_no_rows(tmp_path: Path) -> None:
    with open_source(_write(tmp_path / "c.csv", "Email,Name\n")) as source:
        assert source.headers == ["Email", "Name"]
        assert list(source.rows) == []


def test_binary_file_renamed_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(InvalidInput, match=r"contacts\.csv is a binary file"):
        _rows(path)


@pytest.mark.parametrize(
    ("head", "kind"),
    [(b"%PDF-1.7\n", "a PDF document"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel")],
)
def test_known_binary_formats_are_named(tmp_path: Path, head: bytes, kind: str) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(head + bytes(range(256)) * 4)
    with pytest.raises(InvalidInput, match=kind):
        _rows(path)


def test_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"cannot read .*nowhere\.csv"):
        _rows(tmp_path / "nowhere.csv")


def test_workbook_is_read_from_its_first_sheet(tmp_path: Path) -> None:
    written = write_contacts(tmp_path / "c.xlsx", 50, seed=2, file_format="xlsx")
    with open_source(written.path) as source:
        rows = list(source.rows)
        assert (source.format, source.sheet, source.encoding) == ("xlsx", "Contacts", None)
    assert len(rows) == 50
    assert rows[0].line == 2


def test_workbook_renamed_csv_is_read_as_a_workbook(tmp_path: Path) -> None:
    written = write_contacts(tmp_path / "c.xlsx", 5, file_format="xlsx")
    renamed = written.path.rename(tmp_path / "c.csv")
    with open_source(renamed) as source:
        assert source.format == "xlsx"


def test_csv_renamed_xlsx_is_read_as_csv(tmp_path: Path) -> None:
    with open_source(_write(tmp_path / "c.xlsx", "Email\na@x.org\n")) as source:
        assert source.format == "csv"


def test_unknown_sheet_is_refused_naming_the_sheets(tmp_path: Path) -> None:
    written = write_contacts(tmp_path / "c.xlsx", 5, file_format="xlsx")
    with (
        pytest.raises(InvalidInput, match=r"no sheet named 'Press'.*'Contacts'"),
        open_source(written.path, sheet="Press"),
    ):
        pass


def test_workbook_cells_become_text(tmp_path: Path) -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "Phone", "Since"])
    sheet.append(["a@x.org", 4930123456.0, None])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    assert _rows(path)[0].cells == {"Email": "a@x.org", "Phone": "4930123456", "Since": ""}


def test_json_lines_keys_are_headers_and_lists_are_joined(tmp_path: Path) -> None:
    lines = [
        json.dumps({"email": "a@x.org", "beats": ["film", "music"]}),
        "",
        "not json",
        "[1, 2]",
        json.dumps({"email": "b@x.org", "twitter": "@b"}),
    ]
    with open_source(_write(tmp_path / "c.jsonl", "\n".join(lines) + "\n")) as source:
        rows = list(source.rows)
        assert source.format == "jsonl"
        assert source.headers == ["email", "beats", "twitter"]
    assert rows[0].cells == {"email": "a@x.org", "beats": "film; music"}
    assert [(row.line, row.rejection is not None) for row in rows[1:]] == [
        (3, True),
        (4, True),
        (5, False),
    ]


def test_json_array_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="JSON lines"):
        _rows(_write(tmp_path / "c.json", '[{"email": "a@x.org"}]'))


@pytest.mark.parametrize("dialect", ["comma", "semicolon", "tab"])
def test_synthetic_files_are_deterministic(tmp_path: Path, dialect: str) -> None:
    first = write_contacts(tmp_path / "a.csv", 200, seed=5, dialect=dialect)
    second = write_contacts(tmp_path / "b.csv", 200, seed=5, dialect=dialect)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.rows == first.distinct + first.duplicates + first.invalid
