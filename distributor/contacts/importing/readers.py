"""Open a contact file as real exports come, and stream its records with their line numbers.

The format is read from the content when the content is decisive (a ZIP is a
workbook, a line starting with `{` is JSON), else from the extension, so a
mislabeled file still reads and a binary one is refused instead of turned into
garbage rows. Text encodings come from a BOM, else from how each candidate
reads the file's words (see `encodings`), unless the user names one; CSV
dialects are sniffed. Title rows above the header ("Press contacts 2026", a
blank line) are skipped: the header is the first row that looks like one.
Nothing holds the whole file: rows stream, each bounded in size.

A broken record never takes good ones with it: a quote that is never closed
swallows the lines after it, so such a record is reported on its first line and
the lines it swallowed are read again.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from pathlib import Path
from typing import IO, Any

from distributor.contacts.fields import match_header
from distributor.contacts.importing import vcards
from distributor.contacts.importing.encodings import (
    EncodingDoubt,
    detect_encoding,
    encoding_label,
    resolve_encoding,
)
from distributor.contacts.importing.report import Issue
from distributor.contacts.importing.workbook_limits import MAX_ROWS, bounded_rows, check_parts
from distributor.errors import InvalidInput

SAMPLE_BYTES = 64 * 1024  # what format and dialect are detected on
HEADER_SEARCH = 20  # rows looked through for the header row below title rows
SNIFF_LINES = 50
LINE_LIMIT = 16 * 1024 * 1024  # longest line and cell read into memory (characters)
RECORD_LINE_LIMIT = 1000  # a quoted value running longer than this is an unclosed quote
JSON_HEADER_SAMPLE = 1000  # JSON objects whose keys are the headers known up front
SHOWN = 80  # characters of a bad value quoted in a report

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or other Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_ZIP = b"PK\x03\x04"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BINARY_SHARE = 0.05  # text has almost no control bytes; binary data has about 1 in 9
_FIX = "export the contacts as CSV (UTF-8), Excel .xlsx or JSON lines and import that file"

csv.field_size_limit(max(csv.field_size_limit(), LINE_LIMIT))


@dataclass
class SourceRow:
    """One record: its cells by header, or the reason it cannot be read."""

    line: int
    cells: dict[str, str] = field(default_factory=dict)
    warnings: list[Issue] = field(default_factory=list)
    rejection: Issue | None = None


@dataclass
class Source:
    """An open contact file: what it was detected as, its headers, and its rows as a stream."""

    path: Path
    format: str  # csv, xlsx, jsonl, vcard
    encoding: str | None
    dialect: str | None
    sheet: str | None
    headers: list[str]
    rows: Iterator[SourceRow]
    progress: Callable[[], tuple[int, int | None]]  # (done, total) in bytes, or rows for XLSX
    header_line: int | None = None  # the line (row) the headers were read from; None for JSON
    doubt: EncodingDoubt | None = None  # another encoding reads the file as well, differently
    notes: list[Issue] = field(default_factory=list)  # about the whole file: title rows, doubt


def shorten(text: str, limit: int = SHOWN) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@contextmanager
def open_source(
    path: Path, *, sheet: str | None = None, encoding: str | None = None
) -> Iterator[Source]:
    """Open `path` for reading, as text in `encoding` if given (ignored for workbooks).

    InvalidInput names the file and the fix when it cannot be read; EncodingUndecided
    when no encoding reads it plausibly and none was given.
    """
    chosen = resolve_encoding(encoding) if encoding else None
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}; check the path") from None
    with ExitStack() as stack:
        stack.enter_context(binary)
        head = binary.read(SAMPLE_BYTES)
        whole = len(head) < SAMPLE_BYTES
        if not head.strip():
            raise InvalidInput(f"{path} is empty; {_FIX}")
        if head.startswith(_ZIP):
            yield stack.enter_context(_open_workbook(path, binary, sheet))
            return
        _refuse_binary(path, head, wide=chosen is not None and chosen.startswith("utf-"))
        bom = _bom(head)
        doubt = None
        if chosen is not None:
            encoding = "utf-8-sig" if chosen == "utf-8" and bom == "utf-8-sig" else chosen
        elif bom is not None:
            encoding = bom
        else:
            binary.seek(0)
            detection = detect_encoding(str(path), binary)
            encoding, doubt = detection.encoding, detection.doubt
        sample = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=whole)
        if not sample.strip():
            raise InvalidInput(f"{path} is empty; {_FIX}")
        if len(_CONTROL_CHARS.findall(sample)) > _BINARY_SHARE * len(sample):
            raise InvalidInput(f"{path} is a binary file, not a contact list; {_FIX}")
        binary.seek(0)
        text = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
        size = path.stat().st_size

        def progress() -> tuple[int, int | None]:
            return binary.raw.tell(), size

        lines = _Lines(text)
        first = sample.lstrip()[:1]
        if first == "[" and path.suffix.lower() == ".json":
            raise InvalidInput(
                f"{path} is a JSON array; write one object per line (JSON lines) and import that"
            )
        notes = [] if doubt is None else [_doubt_note(doubt)]
        if first == "{":
            headers, rows = _json_rows(lines, encoding)
            yield Source(
                path, "jsonl", encoding, None, None, headers, rows, progress, None, doubt, notes
            )
            return
        if vcards.is_vcard(sample):
            headers, rows = list(vcards.HEADERS), _card_rows(text)
            yield Source(
                path, "vcard", encoding, None, None, headers, rows, progress, None, doubt, notes
            )
            return
        sample_lines = sample.splitlines(keepends=True)
        delimiter = _sniff_delimiter(sample_lines if whole else sample_lines[:-1])
        header, rows = _csv_rows(path, lines, delimiter, encoding)
        notes.extend(header.notes)
        yield Source(
            path,
            "csv",
            encoding,
            DELIMITERS[delimiter],
            None,
            header.cells,
            rows,
            progress,
            header.line,
            doubt,
            notes,
        )


def _card_rows(text: IO[str]) -> Iterator[SourceRow]:
    for line, card in vcards.read_cards(text, LINE_LIMIT):
        if isinstance(card, Issue):
            yield SourceRow(line, rejection=card)
        else:
            yield SourceRow(line, cells=card)


def _bom(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def _refuse_binary(path: Path, head: bytes, *, wide: bool) -> None:
    """InvalidInput for a known binary format, or bytes too full of control codes for text.

    UTF-16 and UTF-32 text is full of NUL bytes: with a BOM, or named (`wide`), it is text.
    """
    if _bom(head) is not None:
        return
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            raise InvalidInput(f"{path} is {kind}, not a contact list; {_FIX}")
    if not wide and len(head) - len(head.translate(None, _CONTROL_BYTES)) > _BINARY_SHARE * len(
        head
    ):
        raise InvalidInput(f"{path} is a binary file, not a contact list; {_FIX}")


def _doubt_note(doubt: EncodingDoubt) -> Issue:
    reason = (
        f"the text encoding is uncertain: read as {encoding_label(doubt.chosen)}, but "
        f"{encoding_label(doubt.other)} reads the file as well; check the names, and choose "
        "the encoding if they look wrong"
    )
    return Issue(
        0, "", reason, f"{doubt.sample} ({doubt.chosen}) / {doubt.other_sample} ({doubt.other})"
    )


def _sniff_delimiter(lines: list[str]) -> str:
    """csv.Sniffer's choice, unless another delimiter splits the sample more consistently."""
    sample = lines[:SNIFF_LINES]
    try:
        sniffed: str | None = csv.Sniffer().sniff("".join(sample), "".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    scores = {delimiter: _consistency(sample, delimiter) for delimiter in DELIMITERS}
    best = max(scores, key=lambda d: scores[d])
    if sniffed in scores and scores[sniffed][:2] == scores[best][:2]:
        return sniffed
    return best


def _consistency(lines: list[str], delimiter: str) -> tuple[bool, float, int]:
    """(splits the header at all, share of rows with the header's cell count, header cells).

    The header is the first record of several cells: a title row above it has one.
    """
    records = [r for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)]
    if not records:
        return False, 0.0, 0
    start = next((i for i, r in enumerate(records) if sum(bool(c.strip()) for c in r) > 1), 0)
    width = len(records[start])
    rows = records[start + 1 :]
    share = sum(len(r) == width for r in rows) / len(rows) if rows else 1.0
    return width > 1, share, width


class _Lines:
    """Physical lines of the text, numbered, bounded in length, with lines to read again.

    csv.reader pulls lines from here one at a time, so the lines taken since the
    last record are exactly that record's lines.
    """

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._again: deque[tuple[int, str]] = deque()
        self._number = 0
        self.record: list[tuple[int, str]] = []
        self.overlong: list[int] = []
        # The record was ended by the file's end or the line limit, not by its own end:
        # a quote in it was never closed.
        self.unfinished = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.record) >= RECORD_LINE_LIMIT:
            self.unfinished = True  # ends the record here, as if the file ended
            raise StopIteration
        if self._again:
            number, line = self._again.popleft()
        else:
            line = self._text.readline(LINE_LIMIT)
            if not line:
                self.unfinished = bool(self.record)
                raise StopIteration
            self._number += 1
            number = self._number
            if len(line) == LINE_LIMIT and not line.endswith(("\n", "\r")):
                while (rest := self._text.readline(LINE_LIMIT)) and not rest.endswith(("\n", "\r")):
                    pass
                self.overlong.append(number)
                line = "\n"
        self.record.append((number, line))
        return line

    def take(self) -> list[tuple[int, str]]:
        """The lines of the record just read; the next record starts afresh."""
        record, self.record, self.unfinished = self.record, [], False
        return record

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _clean_headers(cells: list[str]) -> list[str]:
    """Headers as keys: trimmed, never empty, never repeated."""
    headers: list[str] = []
    for index, cell in enumerate(cells, 1):
        name = " ".join(_CONTROL_CHARS.sub(" ", cell).split()) or f"column {index}"
        unique, copy = name, 2
        while unique in headers:
            unique, copy = f"{name} ({copy})", copy + 1
        headers.append(unique)
    return headers


@dataclass
class _Record:
    line: int
    cells: list[str]
    problem: str | None = None  # why the record was skipped
    cell: int | None = None  # the cell (0-based) the problem is in, when known
    text: str = ""  # the first line, for the report


@dataclass
class _Header:
    cells: list[str]
    line: int
    notes: list[Issue]


def _looks_like_header(cells: list[str]) -> bool:
    """Several cells, one naming the addresses or most naming known fields (a lone Email too)."""
    named = [match_header(cell) for cell in cells if cell.strip()]
    if len(named) == 1:
        return named[0] == "email"
    return "email" in named or 2 * sum(name is not None for name in named) > len(named)


def _header_of(rows: list[tuple[int, list[str]]]) -> tuple[_Header, int]:
    """The header among the first non-empty rows, and how many rows before it are titles.

    The first row is the header when none looks like one: the column mapping then says
    what is missing.
    """
    chosen = next((i for i, (_, cells) in enumerate(rows) if _looks_like_header(cells)), 0)
    line, cells = rows[chosen]
    notes = []
    if chosen:
        title = " | ".join(cell.strip() for cell in rows[0][1] if cell.strip())
        reason = (
            f"line {line} was taken as the header row; the {chosen} row(s) above it "
            "were skipped as a title"
        )
        notes.append(Issue(rows[0][0], "", reason, shorten(title)))
    return _Header(_clean_headers(cells), line, notes), chosen


def _csv_rows(
    path: Path, lines: _Lines, delimiter: str, encoding: str
) -> tuple[_Header, Iterator[SourceRow]]:
    records = _csv_records(lines, delimiter)
    seen: list[_Record] = []
    for record in records:
        if record.problem is not None:
            if not seen:
                raise InvalidInput(
                    f"{path}, line {record.line}: the header row cannot be read: {record.problem}"
                )
            seen.append(record)
            break
        if any(cell.strip() for cell in record.cells):
            seen.append(record)
            if _looks_like_header(record.cells) or len(seen) >= HEADER_SEARCH:
                break
    if not seen:
        raise InvalidInput(f"{path} is empty; {_FIX}")
    readable = [(r.line, r.cells) for r in seen if r.problem is None]
    header, titles = _header_of(readable)
    return header, _csv_data(chain(seen[titles + 1 :], records), header.cells, encoding)


def _csv_records(lines: _Lines, delimiter: str) -> Iterator[_Record]:
    """Each record with the line it starts on; broken ones reported and their swallowed lines reread."""
    reader = csv.reader(lines, delimiter=delimiter)
    width: int | None = None
    while True:
        error = None
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            cells, error = [], str(exc)
        unfinished = lines.unfinished
        taken = lines.take()
        if not taken:
            continue
        number, text = taken[0]
        if number in lines.overlong:
            lines.overlong.remove(number)
            reason = f"the line is longer than {LINE_LIMIT:,} characters and was skipped"
            yield _Record(number, [], reason)
            continue
        runaway = len(taken) > 1 and (unfinished or (width is not None and len(cells) != width))
        if not (error or runaway):
            if width is None and sum(bool(c.strip()) for c in cells) > 1:
                width = len(cells)  # a title row above the header has one cell
            yield _Record(number, cells)
            continue
        lines.read_again(taken[1:])
        opened = len(next(csv.reader([text], delimiter=delimiter), [""])) - 1
        if error and "field limit" in error:
            reason = f"a value is longer than {LINE_LIMIT:,} characters; the line was skipped"
        elif error:
            reason = f"cannot be read as CSV ({error}); the line was skipped"
        else:
            reason = (
                f"a quote is opened but never closed (the value ran on over {len(taken)} "
                "lines); the line was skipped: close or remove the quote"
            )
        yield _Record(number, [], reason, opened, text)


def _csv_data(records: Iterator[_Record], headers: list[str], encoding: str) -> Iterator[SourceRow]:
    width = len(headers)
    for record in records:
        line, cells = record.line, record.cells
        if record.problem is not None:
            column = headers[record.cell] if record.cell is not None and record.cell < width else ""
            issue = Issue(line, column, record.problem, shorten(record.text.strip()))
            yield SourceRow(line, rejection=issue)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            reason = (
                f"has {len(cells)} cells where the header has {width}: "
                "a delimiter inside a value that is not quoted? Quote the value"
            )
            yield SourceRow(line, rejection=Issue(line, "", reason, shorten(" | ".join(cells))))
            continue
        row = SourceRow(line, cells=dict(zip(headers, cells, strict=False)))
        if len(cells) < width:
            reason = f"has {len(cells)} cells where the header has {width}; the missing ones are read as empty"
            row.warnings.append(Issue(line, "", reason, ""))
        _note_undecodable(row, encoding)
        yield row


def _note_undecodable(row: SourceRow, encoding: str) -> None:
    for column, value in row.cells.items():
        if "\ufffd" in value:
            reason = f"has bytes that are not {encoding}; they were read as �"
            row.warnings.append(Issue(row.line, column, reason, shorten(value)))


def _json_rows(lines: _Lines, encoding: str) -> tuple[list[str], Iterator[SourceRow]]:
    """JSON lines: each object's keys are its headers; the keys of the first objects are known up front."""
    records = _json_records(lines, encoding)
    sample: list[SourceRow] = []
    headers: dict[str, None] = {}
    for row in records:
        sample.append(row)
        headers.update(dict.fromkeys(row.cells))
        if len(sample) >= JSON_HEADER_SAMPLE:
            break

    def rows() -> Iterator[SourceRow]:
        yield from sample
        yield from records

    return list(headers), rows()


def _json_records(lines: _Lines, encoding: str) -> Iterator[SourceRow]:
    for line in lines:
        number, _ = lines.take()[0]
        if number in lines.overlong:
            lines.overlong.remove(number)
            reason = f"the line is longer than {LINE_LIMIT:,} characters and was skipped"
            yield SourceRow(number, rejection=Issue(number, "", reason, ""))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            reason = f"is not valid JSON ({exc}); write one object per line"
            yield SourceRow(number, rejection=Issue(number, "", reason, shorten(line.strip())))
            continue
        if not isinstance(record, dict):
            reason = f"is a JSON {type(record).__name__}, not an object with the contact's fields"
            yield SourceRow(number, rejection=Issue(number, "", reason, shorten(line.strip())))
            continue
        row = SourceRow(
            number, cells={_clean_headers([str(k)])[0]: _text(v) for k, v in record.items()}
        )
        _note_undecodable(row, encoding)
        yield row


def _text(value: Any) -> str:
    """A cell's text from a JSON value or a spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # phone numbers typed into a spreadsheet come back as floats
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@contextmanager
def _open_workbook(path: Path, binary: IO[bytes], sheet: str | None) -> Iterator[Source]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]  # only XLSX pays for it

    check_parts(path, binary)
    try:
        # The open file, not the path: openpyxl refuses a workbook by its extension.
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors alike
        raise InvalidInput(
            f"{path} is a ZIP archive but not an Excel .xlsx workbook ({exc}); {_FIX}"
        ) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(repr(n) for n in workbook.sheetnames)
            raise InvalidInput(
                f"{path} has no sheet named {sheet!r}; its sheets are {names}: pass one with --sheet"
            )
        claimed_rows = worksheet.max_row  # for progress only: the sheet's own claim
        worksheet.reset_dimensions()  # else every row is padded to the width the sheet claims
        numbered = bounded_rows(
            path, worksheet.title, worksheet.iter_rows(min_row=1, values_only=True)
        )
        done = [0]
        seen: list[tuple[int, list[str]]] = []
        for number, values in numbered:
            cells = [_text(v) for v in values]
            if any(cell.strip() for cell in cells):
                seen.append((number, cells))
                if _looks_like_header(cells) or len(seen) >= HEADER_SEARCH:
                    break
        if not seen:
            raise InvalidInput(f"{path} (sheet {worksheet.title!r}) is empty; {_FIX}")
        header, titles = _header_of(seen)
        headers, cells = header.cells, seen[titles][1]
        while headers and headers[-1].startswith("column ") and not cells[len(headers) - 1].strip():
            headers.pop()  # trailing blank header cells of a formatted sheet
        replayed = ((number, tuple(cells)) for number, cells in seen[titles + 1 :])

        def rows() -> Iterator[SourceRow]:
            width = len(headers)
            for number, values in chain(replayed, numbered):
                done[0] = number
                cells = [_text(v) for v in values]
                if not any(cell.strip() for cell in cells):
                    continue
                cells += [""] * (width - len(cells))  # a row ends at its last cell written
                row = SourceRow(number, cells=dict(zip(headers, cells, strict=False)))
                extra = [i for i, cell in enumerate(cells[width:], width + 1) if cell.strip()]
                if extra:
                    reason = f"has values in {len(extra)} column(s) without a header (from column {extra[0]}); they were ignored"
                    row.warnings.append(Issue(number, "", reason, shorten(cells[extra[0] - 1])))
                yield row

        def progress() -> tuple[int, int | None]:
            return done[0], min(claimed_rows, MAX_ROWS) if claimed_rows else None

        yield Source(
            path,
            "xlsx",
            None,
            None,
            worksheet.title,
            headers,
            rows(),
            progress,
            header.line,
            None,
            header.notes,
        )
    finally:
        workbook.close()
