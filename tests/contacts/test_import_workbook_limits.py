"""Excel workbooks built to cost minutes or gigabytes are refused, naming the limit and where.

Each workbook is a real .xlsx written by openpyxl whose sheet (or another part) is
then replaced by XML in the shape such a file has, streamed into the ZIP.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from distributor.contacts.importing import workbook_limits
from distributor.contacts.importing.readers import SourceRow, open_source
from distributor.errors import InvalidInput
from distributor.models import Contact
from tests.contacts.imports import import_file
from tests.contacts.workbooks import SHEET, cell, contact, row, sheet, workbook


def _rows(path: Path) -> list[SourceRow]:
    with open_source(path) as source:
        return list(source.rows)


def test_a_value_in_column_xfd_is_refused_naming_its_row_and_column(tmp_path: Path) -> None:
    wide = row(3, cell("A3", "b@example.org"), cell("XFD3", "x"))
    path = workbook(tmp_path, {SHEET: sheet([contact(2), wide])})
    with pytest.raises(InvalidInput, match=r"row 3: a value in column 16,384, past the 1,000"):
        _rows(path)


def test_a_sheet_claiming_excels_whole_grid_reads_each_row_at_its_own_width(
    tmp_path: Path,
) -> None:
    rows = (contact(number) for number in range(2, 2002))
    path = workbook(tmp_path, {SHEET: sheet(rows, dimension="A1:XFD1048576")})
    with open_source(path) as source:
        read = list(source.rows)
        assert source.progress() == (2001, 1_048_576)
    assert [read_row.cells for read_row in read[:1]] == [
        {"Email": "person2@example.org", "First name": "Ana"}
    ]
    assert len(read) == 2000
    assert not any(read_row.warnings for read_row in read)


def test_a_row_past_excels_last_row_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, {SHEET: sheet([contact(2), contact(1_048_577)])})
    with pytest.raises(InvalidInput, match=r"row 1,048,577: more than Excel's 1,048,576 rows"):
        _rows(path)


def test_a_sheet_unpacking_past_its_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    blank = b"<row/>" * (1024 * 1024 // 6)
    filler = (blank for _ in range(workbook_limits.MAX_SHEET_BYTES // len(blank) + 1))
    path = workbook(tmp_path, {SHEET: sheet(filler)})
    assert path.stat().st_size < 2 * 1024 * 1024  # a small file that unpacks past 256 MB
    with pytest.raises(
        InvalidInput,
        match=r"part 'xl/worksheets/sheet1.xml' unpacks to 257 MB, more than the 256 MB",
    ):
        open_source(path).__enter__()


def test_a_styles_part_past_its_limit_is_refused(tmp_path: Path) -> None:
    padding = b" " * (17 * 1024 * 1024)
    styles = [b'<?xml version="1.0"?>', padding, b"<styleSheet/>"]
    path = workbook(tmp_path, {"xl/styles.xml": styles})
    with pytest.raises(InvalidInput, match=r"part 'xl/styles.xml' unpacks to 17 MB"):
        open_source(path).__enter__()


def test_more_cells_than_the_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook_limits, "MAX_CELLS", 100)
    path = workbook(tmp_path, {SHEET: sheet(contact(n) for n in range(2, 100))})
    with pytest.raises(InvalidInput, match=r"row 51: more than 100 cells read so far"):
        _rows(path)


def test_reading_past_the_time_limit_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook_limits, "MAX_SECONDS", 0.0)
    path = workbook(tmp_path, {SHEET: sheet([contact(2)])})
    with pytest.raises(InvalidInput, match=r"reading the sheet took more than 0 seconds"):
        _rows(path)


def test_a_workbook_refused_halfway_imports_nothing(
    session: Session, press: str, tmp_path: Path
) -> None:
    rows = [contact(n) for n in range(2, 400)]
    rows.append(row(400, cell("A400", "last@example.org"), cell("ZZZ400", "x")))
    path = workbook(tmp_path, {SHEET: sheet(rows)})
    with pytest.raises(InvalidInput, match=r"row 400: a value in column 18,278"):
        import_file(session, path, chunk_rows=100)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Contact)) == 0
