"""The release file format: front matter fields typed, every problem named by file, line and field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from distributor.errors import InvalidInput, NotFound, ReleaseFileError
from distributor.releases.fileformat import parse_release, read_release_file
from distributor.releases.markup import body_html, quotes

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def _error(text: str | bytes) -> ReleaseFileError:
    with pytest.raises(ReleaseFileError) as caught:
        parse_release(text, "release.md")
    return caught.value


def test_minimal_file_has_title_body_and_english_default() -> None:
    document = parse_release("---\ntitle: Hello\n---\nBody text.\n", "r.md")
    assert document.title == "Hello"
    assert document.body_markdown == "Body text.\n"
    assert document.language == "en"
    assert document.body_line == 4


def test_english_example_reads_every_field() -> None:
    document = read_release_file(EXAMPLES / "release-en.md")
    assert document.title.startswith("National Film Fund announces")
    assert document.subtitle is not None
    assert document.location == "Lyon"
    assert document.date == date(2027, 2, 3)
    assert document.embargo == datetime(2027, 2, 3, 8, tzinfo=UTC)
    assert document.slug == "film-grants-2027"
    assert [c.name for c in document.contacts] == ["Claire Dubois", "Tomás Herrera"]
    assert document.contacts[0].phone == "+33 4 72 00 10 20"
    assert len(document.images) == 2
    assert all(image.alt for image in document.images)
    assert len(document.links) == 3
    assert "grants" in document.tags
    assert [q.attribution for q in quotes(document.body_markdown)] == [
        "Amélie Laurent, President of the 2027 Grant Jury",
        "Jean-Marc Okafor, Director General, National Film Fund",
        'Sofia Marchetti, producer, "The Long Winter"',
    ]


def test_russian_example_keeps_cyrillic_and_zone_named_embargo() -> None:
    document = read_release_file(EXAMPLES / "release-ru.md")
    assert document.language == "ru"
    assert document.contacts[1].name == "Артём Ёлкин"
    assert document.embargo is not None
    assert document.embargo.utcoffset() == timedelta(hours=3)
    html = body_html(document.body_markdown)
    assert "«Каждый из этих фильмов" in html
    assert "— Амели Лоран, председатель жюри" in html


def test_hostile_example_parses_and_renders_without_scripts() -> None:
    document = read_release_file(EXAMPLES / "release-hostile.md")
    html = body_html(document.body_markdown).lower()
    for unsafe in ("<script", "<style", "<iframe", "onerror", "onclick", "javascript:"):
        assert unsafe not in html


def test_embargo_with_offset_is_aware() -> None:
    document = parse_release("---\ntitle: T\nembargo: 2027-01-05T10:00:00-05:00\n---\nB\n")
    assert document.embargo == datetime(2027, 1, 5, 10, tzinfo=timezone(timedelta(hours=-5)))


def test_missing_title_names_the_field() -> None:
    error = _error("---\nsubtitle: S\n---\nBody\n")
    assert str(error).startswith("release.md:2: title: is missing;")


def test_empty_title_names_its_line() -> None:
    error = _error("---\nsubtitle: S\ntitle: ''\n---\nBody\n")
    assert str(error).startswith("release.md:3: title: is empty")


def test_naive_embargo_names_its_line_and_the_fix() -> None:
    error = _error("---\ntitle: T\nembargo: 2027-01-05 10:00:00\n---\nB\n")
    assert (error.line, error.field) == (3, "embargo")
    assert "no time zone" in str(error)
    assert "+01:00" in str(error)


def test_embargo_given_as_a_date_is_refused() -> None:
    error = _error("---\ntitle: T\nembargo: 2027-01-05\n---\nB\n")
    assert (error.line, error.field) == (3, "embargo")


def test_unknown_key_names_it_its_line_and_the_known_keys() -> None:
    error = _error("---\ntitle: T\nheadline: H\n---\nB\n")
    assert str(error).startswith("release.md:3: headline: unknown key; the known keys are title,")


def test_bad_yaml_names_the_line() -> None:
    error = _error("---\ntitle: T\nsubtitle: [unclosed\nlocation: X\n---\nB\n")
    assert error.field == "front matter"
    assert error.line in (4, 5)
    assert "not valid YAML" in str(error)


def test_image_without_alt_names_the_image_and_its_line() -> None:
    error = _error(
        "---\ntitle: T\nimages:\n  - url: https://press.example.org/a.jpg\n    alt: A\n"
        "  - url: https://press.example.org/b.jpg\n    caption: B\n---\nB\n"
    )
    assert str(error).startswith("release.md:6: images[2]: has no alt text;")


def test_image_with_a_non_http_address_is_refused() -> None:
    error = _error("---\ntitle: T\nimages:\n  - url: javascript:alert(1)\n    alt: A\n---\nB\n")
    assert (error.line, error.field) == (4, "images[1].url")


def test_unknown_key_in_a_contact_is_named() -> None:
    error = _error("---\ntitle: T\ncontacts:\n  - name: A\n    mobile: 1\n---\nB\n")
    assert str(error).startswith("release.md:5: contacts[1].mobile: unknown key;")


def test_bad_contact_email_is_named() -> None:
    error = _error("---\ntitle: T\ncontacts:\n  - name: A\n    email: not-an-address\n---\nB\n")
    assert (error.line, error.field) == (5, "contacts[1].email")


def test_duplicate_key_is_refused() -> None:
    error = _error("---\ntitle: T\ntitle: U\n---\nB\n")
    assert (error.line, error.field) == (3, "title")


def test_no_front_matter_is_refused_on_line_one() -> None:
    error = _error("# Just Markdown\n\nText\n")
    assert str(error).startswith("release.md:1: front matter: is missing;")


def test_unclosed_front_matter_is_refused() -> None:
    assert "is not closed" in str(_error("---\ntitle: T\nBody\n"))


def test_empty_file_is_refused() -> None:
    assert str(_error("")).startswith("release.md:1: file: is empty;")
    assert _error(b"  \n\n").field == "file"


def test_empty_body_is_refused_on_its_line() -> None:
    error = _error("---\ntitle: T\n---\n\n")
    assert (error.line, error.field) == (4, "body")


def test_non_utf8_file_names_the_line_of_the_bad_byte() -> None:
    error = _error("---\ntitle: T\n---\nCaf\xe9\n".encode("latin-1"))
    assert (error.line, error.field) == (4, "file")
    assert "not UTF-8" in str(error)


def test_utf8_byte_order_mark_is_accepted() -> None:
    assert parse_release("\ufeff---\ntitle: T\n---\nB\n".encode()).title == "T"


def test_several_problems_report_the_first_and_count_the_rest() -> None:
    error = _error("---\nfoo: 1\nbar: 2\ntitle: T\n---\nB\n")
    assert str(error).startswith("release.md:2: foo: unknown key")
    assert "(and 1 more problem after this one)" in str(error)


def test_release_file_error_is_invalid_input() -> None:
    assert isinstance(_error(""), InvalidInput)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        read_release_file(tmp_path / "nope.md")


def test_tags_as_comma_text_and_links_as_plain_urls() -> None:
    document = parse_release(
        "---\ntitle: T\ntags: a, b, a\nlinks:\n  - https://x.example/kit\n---\nB\n"
    )
    assert document.tags == ("a", "b")
    assert document.links[0].url == "https://x.example/kit"


def test_bad_language_and_slug_are_named() -> None:
    assert _error("---\ntitle: T\nlanguage: English\n---\nB\n").field == "language"
    assert _error("---\ntitle: T\nslug: Not A Slug\n---\nB\n").field == "slug"
