"""Excel workbooks in the shapes that cost a reader minutes or gigabytes, streamed into a real .xlsx."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def cell(reference: str, text: str) -> bytes:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def row(number: int, *cells: bytes) -> bytes:
    return f'<row r="{number}">'.encode() + b"".join(cells) + b"</row>"


def contact(number: int) -> bytes:
    return row(number, cell(f"A{number}", f"person{number}@example.org"), cell(f"B{number}", "Ana"))


def sheet(rows: Iterable[bytes], dimension: str = "A1:B3") -> Iterable[bytes]:
    yield HEAD + f'<dimension ref="{dimension}"/><sheetData>'.encode()
    yield row(1, cell("A1", "Email"), cell("B1", "First name"))
    yield from rows
    yield b"</sheetData></worksheet>"


def workbook(tmp_path: Path, parts: dict[str, Iterable[bytes]]) -> Path:
    """A workbook openpyxl wrote, with `parts` (name → XML chunks) put in place of its own."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    path = tmp_path / "contacts.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename not in parts:
                out.writestr(info, source.read(info))
        for name, chunks in parts.items():
            with out.open(name, "w", force_zip64=True) as part:
                for chunk in chunks:
                    part.write(chunk)
    return path
