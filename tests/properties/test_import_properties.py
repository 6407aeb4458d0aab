"""Whatever a contact file holds, an import refuses it whole or accounts for every row.

A file is refused with InvalidInput naming it, or read: then every data row is
counted once (created, updated, unchanged, duplicate, suppressed or rejected
with its line), and no stored single-line value carries a line break.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.contacts.importing import ImportReport, import_contacts
from distributor.contacts.lists import create_list
from distributor.db import make_engine
from distributor.errors import InvalidInput
from distributor.models import Contact, ContactBeat, Role
from distributor.schema import upgrade

ADMIN = Actor("test:admin", Role.ADMIN)
BOUNDED = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ONE_LINE = (
    "email", "original_email", "first_name", "last_name", "outlet", "role", "country", "city",
    "language", "time_zone", "phone", "source",
)  # fmt: skip
HEADERS = ["Email", "First name", "Last name", "Outlet", "Role", "City", "Phone", "Notes"]
HEADERS += ["Beats", "Custom"]
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "koi8_r"]
LINE_BREAK = re.compile(r"\r\n|\r|\n")
TRICKY = st.sampled_from(
    ["\r", "\n", "\r\n", "\x00", "\ufeff", '"', "'", ",", ";", "\t", "|", "=cmd|' /C calc'!A0",
     "+1", "-2", "@SUM(A1)", "=HYPERLINK(\"http://x\")", " ", "ж", "é", "😀", "\x85", "\u2028",
     "Bcc: victim@example.org", "<script>", "anna@paper.example", "Anna <anna@paper.example>"]
)  # fmt: skip
# Mostly printable: a file with many control characters is refused whole as binary.
CHARACTER = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]) | TRICKY
CELL = st.one_of(
    st.lists(CHARACTER, max_size=30).map("".join),
    st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?@[a-z]{1,8}\.(org|example|de)", fullmatch=True),
    st.integers(200, 20_000).map(lambda n: "x" * n),  # beyond every field's limit
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One migrated SQLite database with the list `press`; each example rolls back its writes."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'import.sqlite3'}")
    upgrade(engine)
    with Session(engine) as session:
        create_list(session, "press", ADMIN)
        session.commit()
    yield engine
    engine.dispose()


def _import(
    engine: Engine, content: bytes, suffix: str, *, dry_run: bool, chunk_rows: int = 2000
) -> ImportReport | None:
    """The import's report, or None when the file was refused whole with InvalidInput naming it.

    Without `dry_run` the contacts are checked while still in the transaction, then rolled back.
    """
    with tempfile.TemporaryDirectory() as folder, Session(engine) as session:
        path = Path(folder) / f"contacts{suffix}"
        path.write_bytes(content)
        try:
            report = import_contacts(
                session, path, "press", ADMIN, dry_run=dry_run, chunk_rows=chunk_rows
            )
        except InvalidInput as exc:
            _assert_names_the_file(exc, path)
            event("refused whole")
            return None
        event("read", "rows" if report.rows else "no rows")
        _assert_accounted(report)
        _assert_one_line_values(session)
        session.rollback()
        return report


def _assert_names_the_file(error: InvalidInput, path: Path) -> None:
    assert str(path) in str(error), str(error)


def _assert_accounted(report: ImportReport) -> None:
    outcomes = report.created + report.updated + report.unchanged + report.duplicates_in_file
    assert outcomes + report.skipped_suppressed + report.invalid == report.rows
    assert len(report.rejected) == report.invalid
    assert all(issue.line >= 1 for issue in report.rejected)


def _assert_one_line_values(session: Session) -> None:
    for contact in session.scalars(select(Contact)):
        for name in ONE_LINE:
            value = getattr(contact, name) or ""
            assert not LINE_BREAK.search(value), f"{name}: {value!r}"
            assert "\x00" not in value
    for beat in session.scalars(select(ContactBeat.beat)):
        assert not LINE_BREAK.search(beat)
        assert "\x00" not in beat


SAMPLE = (
    b'Email,First name,Notes\r\nanna@paper.example,Anna,"a, b"\r\nben@paper.example,Ben,x\r\n'
    b'{"email": "cleo@paper.example", "beats": ["a", "b"]}\n'
)


def _mutated(sample: bytes, cut: float, flips: list[tuple[float, int]]) -> bytes:
    data = bytearray(sample[: max(1, int(len(sample) * cut))])
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte
    return bytes(data)


CONTENT = st.one_of(
    st.binary(max_size=3000),
    st.builds(
        _mutated,
        st.sampled_from([SAMPLE, SAMPLE.decode().encode("utf-16"), SAMPLE[SAMPLE.index(b"{") :]]),
        st.floats(0, 1),
        st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=8),
    ),
)


@BOUNDED
@given(content=CONTENT, suffix=st.sampled_from([".csv", ".xlsx", ".jsonl", ""]))
@example(content=b"PK\x03\x04" + bytes(100), suffix=".xlsx")
@example(content=b"\xff\xfe" + "Email\r\na@x.org\r\n".encode("utf-16-le"), suffix=".csv")
@example(content=b'{"email": "a@x.org"}\n[1]\n{"email": \n', suffix=".jsonl")
def test_any_bytes_are_refused_whole_or_every_row_is_accounted_for(
    engine: Engine, content: bytes, suffix: str
) -> None:
    _import(engine, content, suffix, dry_run=True)


def _records_text(rows: list[list[str]], delimiter: str, quoting: int) -> tuple[str, list[int]]:
    """The CSV text and the line each data record starts on (line breaks as the reader counts)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerow(HEADERS)
    starts = []
    for row in rows:
        starts.append(len(LINE_BREAK.findall(out.getvalue())) + 1)
        writer.writerow(row)
    return out.getvalue(), starts


@BOUNDED
@given(
    rows=st.lists(st.lists(CELL, min_size=len(HEADERS), max_size=len(HEADERS)), max_size=12),
    delimiter=st.sampled_from(list(DELIMITERS)),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    encoding=st.sampled_from(ENCODINGS),
    chunk_rows=st.sampled_from([1, 3, 2000]),  # duplicates within and across chunks
)
@example(
    rows=[["a@x.org", "Anna\r\nBcc: victim@example.org", "B\x00erg", "", "", "", "", "", "", ""]],
    delimiter=",",
    quoting=csv.QUOTE_MINIMAL,
    encoding="utf-8",
    chunk_rows=2000,
)
@example(
    rows=[["a@x.org", "=cmd|' /C calc'!A0", "x" * 20_000, "", "", "", "", "", "a\nb", ""]],
    delimiter=";",
    quoting=csv.QUOTE_ALL,
    encoding="utf-16",
    chunk_rows=1,
)
def test_any_csv_rows_are_each_imported_or_rejected_with_their_line(
    engine: Engine,
    rows: list[list[str]],
    delimiter: str,
    quoting: int,
    encoding: str,
    chunk_rows: int,
) -> None:
    text, starts = _records_text(rows, delimiter, quoting)
    content = text.encode(encoding, "replace")
    report = _import(engine, content, ".csv", dry_run=False, chunk_rows=chunk_rows)
    if report is None or report.dialect != DELIMITERS[delimiter]:
        return  # refused whole (e.g. read as binary), or split by another delimiter: accounted above
    # Records of only blank cells are no data; each other record is one row, or one rejection.
    kept = [line for line, row in zip(starts, rows, strict=True) if any(c.strip() for c in row)]
    event("row count checked")
    assert report.rows == len(kept)
    assert {issue.line for issue in report.rejected} <= set(kept)


@BOUNDED
@given(
    lines=st.lists(st.lists(CELL | TRICKY, max_size=6).map("".join), max_size=15),
    encoding=st.sampled_from(ENCODINGS),
)
@example(
    lines=["Email,Name", 'a@x.org,"Anna', "b@x.org,Ben", "c@x.org,Doe, Jane"], encoding="utf-8"
)
@example(lines=["Email", "\x00" * 50, "a@x.org"], encoding="utf-8")
def test_any_csv_ish_text_is_refused_whole_or_every_row_is_accounted_for(
    engine: Engine, lines: list[str], encoding: str
) -> None:
    text = "\n".join(["Email,Name,Notes", *lines])
    _import(engine, text.encode(encoding, "replace"), ".csv", dry_run=False)
