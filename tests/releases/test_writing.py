"""Writing a release back as a file: the editor's text reads back as the same release."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from distributor.audit import SYSTEM
from distributor.releases.fileformat import (
    ReleaseDocument,
    ReleaseLinkEntry,
    parse_release,
    read_release_file,
    write_release,
)
from distributor.releases.store import add_release, get_release, release_document

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXAMPLE_FILES = sorted(path.name for path in EXAMPLES.glob("release-*.md"))


def _same(read: ReleaseDocument, expected: ReleaseDocument) -> bool:
    """Equal but for where it was read from (file name, line of the body)."""
    return replace(read, source=expected.source, body_line=expected.body_line) == expected


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_an_example_written_back_parses_as_the_same_release(name: str) -> None:
    document = read_release_file(EXAMPLES / name)

    assert _same(parse_release(write_release(document)), document)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_a_stored_example_written_back_parses_as_its_file(session: Session, name: str) -> None:
    document = read_release_file(EXAMPLES / name)
    release_id = add_release(session, document, SYSTEM).id
    session.commit()
    session.expunge_all()

    stored = release_document(get_release(session, release_id))

    assert _same(parse_release(write_release(stored)), replace(document, slug=stored.slug))


def test_written_file_leaves_out_empty_fields_and_keeps_the_body_as_is() -> None:
    document = ReleaseDocument(
        source="r.md", title="Budget 2027", body_markdown="Line one.\n\n  Two"
    )

    assert (
        write_release(document) == "---\ntitle: Budget 2027\nlanguage: en\n---\nLine one.\n\n  Two"
    )


def test_values_yaml_would_misread_are_quoted() -> None:
    document = ReleaseDocument(
        source="r.md",
        title="Budget: 2027 # final",
        body_markdown="Body.\n",
        summary="yes",
        date=date(2027, 2, 3),
        embargo=datetime(2027, 2, 3, 8, tzinfo=UTC),
        links=(ReleaseLinkEntry("https://example.org/a"),),
        tags=("2027", "true"),
    )

    assert _same(parse_release(write_release(document)), document)


def test_stored_release_keeps_its_slug_in_the_written_file(session: Session) -> None:
    release = add_release(session, parse_release("---\ntitle: Budget 2027\n---\nBody.\n"), SYSTEM)

    assert "\nslug: budget-2027\n" in write_release(release_document(release))
