"""Whatever a release file holds, reading it gives a checked release or one error naming line and field.

A title never carries a line break (it becomes the Subject), and what
`write_release` writes reads back as the same release.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from distributor.errors import ReleaseFileError
from distributor.releases.fileformat import (
    KNOWN_KEYS,
    ReleaseDocument,
    parse_release,
    write_release,
)

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# An unknown key is named as it is, even when empty or holding a colon.
ERROR = re.compile(r"<release>:(\d+): (\S[^:]*|.*(?=: unknown key)): \S")
# Fields that end up on one line: in a Subject, a Reply-To or a dateline.
ONE_LINE = ("title", "subtitle", "location", "organization")
TRICKY = st.sampled_from(
    ["\n", "\r\n", "\r", "---", "---\n", ":", ": ", "#", "- ", "'", '"', "{", "}", "[", "]",
     "&a ", "*a", "!!binary ", "? ", "|", ">", "\t", "\x00", "\x85", "\u2028", "\ufeff", "ж",
     "\\n", "title: ", "2026-13-45", "0000-01-01", "2026-01-01 10:00 America/Argentina"]
)  # fmt: skip
WILD_TEXT = st.lists(st.characters() | TRICKY, max_size=60).map("".join)
SCALAR = st.one_of(
    WILD_TEXT,
    st.text(max_size=30),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(UTC) | st.just(timezone(timedelta(hours=-5)))),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["name", "url", "alt", "email", "x"]), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.dictionaries(st.sampled_from([*KNOWN_KEYS, "headline"]) | st.text(max_size=8), VALUE)


def _read(text: str | bytes) -> ReleaseDocument | None:
    """The release, or None after checking the error names a line of the file and a field."""
    try:
        document = parse_release(text)
    except ReleaseFileError as exc:
        _assert_names_line_and_field(exc, text)
        return None
    for name in ONE_LINE:
        value = getattr(document, name) or ""
        assert "\r" not in value, f"{name}: {value!r}"
        assert "\n" not in value, f"{name}: {value!r}"
    for contact in document.contacts:
        assert "\r" not in contact.name
        assert "\n" not in contact.name
    return document


def _assert_names_line_and_field(error: ReleaseFileError, text: str | bytes) -> None:
    assert ERROR.match(str(error)), str(error)
    lines = (text if isinstance(text, str) else text.decode("utf-8", "replace")).splitlines()
    assert 1 <= error.line <= max(len(lines), 1) + 1


def _assert_round_trip(document: ReleaseDocument) -> None:
    again = parse_release(write_release(document))
    assert dataclasses.replace(again, body_line=document.body_line) == document


@BOUNDED
@given(st.binary(max_size=2000))
@example(b"---\ntitle: T\n---\nCaf\xe9\n")
def test_any_bytes_read_as_a_release_or_an_error_naming_the_line(raw: bytes) -> None:
    _read(raw)


@BOUNDED
@given(front=st.lists(WILD_TEXT, max_size=12).map("\n".join), body=WILD_TEXT)
@example(front="title: T\ndate: 2026-13-45", body="B")  # a date YAML reads, Python cannot hold
@example(front="title: T\nembargo: 0000-01-01 10:00:00Z", body="B")
@example(front="title: " + "[" * 3000, body="B")  # nesting deeper than the parser's stack
@example(front="title: T\nembargo: 2026-01-01 10:00 America/Argentina", body="B")  # a zone folder
@example(front='title: "Release\\nBcc: victim@example.org"', body="B")
@example(front="title: |\n  Release\n  Bcc: victim@example.org", body="B")
@example(front='title: T\ncontacts:\n  - name: "Anna\\r\\nBcc: x"', body="B")
def test_any_front_matter_reads_as_a_release_or_an_error_naming_the_line(
    front: str, body: str
) -> None:
    _read(f"---\n{front}\n---\n{body}")


@BOUNDED
@given(fields=FIELDS, body=WILD_TEXT)
def test_any_yaml_fields_read_as_a_release_or_an_error_naming_the_line(
    fields: dict[str, object], body: str
) -> None:
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    _read(f"---\n{front}---\n{body}")


TEXT = st.text(
    st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=40
)
VALID = st.fixed_dictionaries(
    {"title": TEXT},
    optional={
        "subtitle": TEXT,
        "location": TEXT,
        "organization": TEXT,
        "summary": st.text(max_size=60),
        "language": st.sampled_from(["en", "ru", "pt-BR"]),
        "slug": st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,3}", fullmatch=True),
        "date": st.dates(),
        # UTC, or a named zone the file keeps by name (`… Europe/Paris`).
        "embargo": st.datetimes(
            min_value=datetime(1970, 1, 2),
            timezones=st.sampled_from([UTC, ZoneInfo("Europe/Paris"), ZoneInfo("Asia/Tokyo")]),
        ).map(lambda d: d.replace(microsecond=0)),
        "contacts": st.lists(
            st.fixed_dictionaries(
                {"name": TEXT},
                optional={"role": TEXT, "phone": TEXT, "email": st.just("anna@newsroom.example")},
            ),
            max_size=3,
        ),
        "images": st.lists(
            st.fixed_dictionaries(
                {"url": st.just("https://press.example.org/a.jpg"), "alt": TEXT},
                optional={"caption": st.text(max_size=40), "credit": TEXT},
            ),
            max_size=2,
        ),
        "links": st.lists(
            st.just("https://press.example.org/")
            | st.fixed_dictionaries(
                {"url": st.just("mailto:press@newsroom.example")}, optional={"label": TEXT}
            ),
            max_size=2,
        ),
        "tags": st.lists(TEXT.filter(lambda t: "," not in t), max_size=3),
    },
)


@BOUNDED
@given(fields=VALID, body=WILD_TEXT.filter(str.strip))
@example(fields={"title": "T", "summary": "a\n---\nb"}, body="B")
@example(fields={"title": "T", "summary": "a\u2028---\u2028b"}, body="B")
def test_a_written_release_reads_back_as_the_same_release(
    fields: dict[str, object], body: str
) -> None:
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    document = _read(f"---\n{front}---\n{body}")
    if document is not None:  # e.g. a 600-character title or an empty tag
        _assert_round_trip(document)


def test_the_valid_documents_are_mostly_valid() -> None:
    """Guards the round-trip property from testing nothing: the plain example reads."""
    document = _read("---\ntitle: T\ndate: 2026-12-01\n---\nB\n")
    assert document is not None
    assert document.date == date(2026, 12, 1)
    _assert_round_trip(document)
