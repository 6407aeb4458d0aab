"""The docs say how a release gets its other languages, and their examples are such a pair."""

from __future__ import annotations

from pathlib import Path

from distributor.releases import fileformat
from distributor.releases.fileformat import read_release_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_the_examples_are_one_release_in_two_languages() -> None:
    english = read_release_file(EXAMPLES / "release-en.md")
    russian = read_release_file(EXAMPLES / "release-ru.md")

    assert english.slug == russian.slug is not None
    assert (english.language, russian.language) == ("en", "ru")
    assert english.embargo == russian.embargo  # one embargo for every language


def test_the_file_format_says_a_translation_names_the_same_slug() -> None:
    assert fileformat.__doc__ is not None
    assert "another language's file names the same slug" in fileformat.__doc__


def test_the_readme_shows_a_translation_added_with_the_same_slug() -> None:
    releases = _readme_section("Releases")

    assert "distributor releases add docs/examples/release-ru.md" in releases
    assert "slug" in releases
    assert "/releases/film-grants-2027/ru" in releases
