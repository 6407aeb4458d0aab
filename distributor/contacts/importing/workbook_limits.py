"""Bounds on reading an Excel workbook, so that a small file cannot cost minutes or gigabytes.

An .xlsx is a ZIP of XML parts. A 200 KB file can unpack to gigabytes, claim the
whole grid of 1,048,576 rows by 16,384 columns, or put one value in column XFD so
that every row reads as 16,384 cells. The parts are measured by the sizes the ZIP
declares before anything is unpacked (Python's ZIP reader stops at the declared
size and fails the checksum beyond it, so a part cannot be larger than it says),
and rows, their width, the cells read and the time spent reading are counted as
the rows stream. Each limit is far above what a real contact list needs.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from distributor.errors import InvalidInput

MAX_SHEET_BYTES = 256 * 1024 * 1024  # one worksheet's XML, unpacked
MAX_STRINGS_BYTES = 128 * 1024 * 1024  # the shared strings, which are held in memory
MAX_PART_BYTES = 16 * 1024 * 1024  # any other part (styles, workbook, relationships)
MAX_ROWS = 1_048_576  # Excel's own last row
MAX_COLUMNS = 1_000  # a contact list's columns; Excel's grid allows 16,384
MAX_CELLS = 20_000_000  # cells read in all, empty ones included
MAX_SECONDS = 300.0  # time spent reading the sheet, not the import's own work

_WHY = "this is far more than a contact list holds, so the file is not read"
_FIX = "save only the contacts' sheet, or export them as CSV (UTF-8), and import that file"


def check_parts(path: Path, binary: IO[bytes]) -> None:
    """Refuse a workbook any of whose parts would unpack past its limit; reads no part."""
    try:
        with zipfile.ZipFile(binary) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable ZIP: the workbook reader says what it is
    finally:
        binary.seek(0)
    for part in parts:
        limit = _limit_of(part.filename)
        if part.file_size > limit:
            raise InvalidInput(
                f"{path}: its part {part.filename!r} unpacks to {_megabytes(part.file_size)}, "
                f"more than the {_megabytes(limit)} allowed; {_WHY}; {_FIX}"
            )


def bounded_rows(
    path: Path, sheet: str, rows: Iterable[tuple[Any, ...]]
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """`rows` numbered from 1, refused with InvalidInput once one of the limits is passed.

    Only the time spent inside the workbook reader counts, so a slow database writing
    the rows already read does not stop an import.
    """
    cells = 0
    spent = 0.0
    iterator = iter(rows)
    number = 0
    while True:
        started = time.perf_counter()
        values = next(iterator, None)
        spent += time.perf_counter() - started
        if values is None:
            return
        number += 1
        cells += len(values)
        if number > MAX_ROWS:
            raise _refused(path, sheet, number, f"more than Excel's {MAX_ROWS:,} rows; {_WHY}")
        if (width := _width(values)) > MAX_COLUMNS:
            why = f"a value in column {width:,}, past the {MAX_COLUMNS:,} columns read; {_WHY}"
            raise _refused(path, sheet, number, why)
        if cells > MAX_CELLS:
            raise _refused(
                path, sheet, number, f"more than {MAX_CELLS:,} cells read so far; {_WHY}"
            )
        if spent > MAX_SECONDS:
            why = f"reading the sheet took more than {MAX_SECONDS:.0f} seconds"
            raise _refused(path, sheet, number, why)
        yield number, values


def _refused(path: Path, sheet: str, number: int, why: str) -> InvalidInput:
    return InvalidInput(f"{path} (sheet {sheet!r}), row {number:,}: {why}; {_FIX}")


def _limit_of(name: str) -> int:
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return MAX_SHEET_BYTES
    if name == "xl/sharedStrings.xml":
        return MAX_STRINGS_BYTES
    return MAX_PART_BYTES


def _width(values: tuple[Any, ...]) -> int:
    """The column of the row's last value; a row padded with empty cells is not wide."""
    for column in range(len(values), 0, -1):
        if values[column - 1] is not None:
            return column
    return 0


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"
