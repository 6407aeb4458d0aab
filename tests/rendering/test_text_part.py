"""The plain-text part reads as a press release: wrapped, quotes attributed, links referenced."""

# ruff: noqa: RUF001 - localized text (Cyrillic, typographic quotes) on purpose

from __future__ import annotations

import pytest

from distributor.rendering.compose import fill_in, render_release
from distributor.rendering.text import References, body_blocks
from tests.rendering.samples import CONTEXT, LONG, RECIPIENT, RUSSIAN, SAMPLES


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_text_part_lines_fit_78_columns_except_unbreakable_words(sample) -> None:  # type: ignore[no-untyped-def]
    _, text = fill_in(render_release(sample.view, CONTEXT), RECIPIENT)
    for line in text.splitlines():
        assert len(line) <= 78 or " " not in line.strip() or line.startswith(("[", "    [")), line


def test_links_and_the_web_version_are_listed_above_the_signature_delimiter() -> None:
    _, text = fill_in(render_release(LONG.view, CONTEXT), RECIPIENT)
    body, delimiter, signature = text.partition("\n-- \n")
    assert delimiter, "the text part has a signature delimiter"
    assert "the newsroom [1]" in body
    assert "Press kit (ZIP, 40\u00a0MB) [2]" in body  # the size kept on one line
    assert body.rstrip().splitlines()[-4:] == [
        "[1] https://acme.example/news/platform-launch-2027",
        "[2] https://acme.example/press-kit",
        "",
        "View in your browser: http://127.0.0.1:8000/releases/web",
    ]
    assert "[1]" not in signature


def test_quote_is_indented_with_its_attribution_on_the_next_line() -> None:
    _, text = fill_in(render_release(RUSSIAN.view, CONTEXT), RECIPIENT)
    assert (
        "    «Мы открываем новую страницу в истории компании».\n"
        "    — Иван Петров, генеральный директор\n"
    ) in text


def test_russian_release_text_is_localized() -> None:
    _, text = fill_in(render_release(RUSSIAN.view, CONTEXT), RECIPIENT)
    assert "ЭМБАРГО до 15 января 2027\u202fг., 09:00 MSK (06:00 UTC)" in text
    assert "Новосибирск — 25 ноября 2026\u202fг." in text
    assert "КОНТАКТЫ ДЛЯ ПРЕССЫ" in text


def test_unsafe_link_is_listed_without_its_address() -> None:
    from tests.rendering.samples import HOSTILE

    _, text = fill_in(render_release(HOSTILE.view, CONTEXT), RECIPIENT)
    assert "Bad link" in text
    assert "javascript:" not in text


def test_table_rows_read_as_aligned_columns() -> None:
    html = (
        "<table><tr><th>Category</th><th>Total</th></tr>"
        "<tr><td>Feature films</td><td>€36.2 million</td></tr></table>"
    )
    assert body_blocks(html, References()) == ["Category       Total\nFeature films  €36.2 million"]


def test_table_too_wide_for_the_line_joins_cells_with_bars() -> None:
    html = f"<table><tr><td>{'a' * 50}</td><td>{'b' * 40}</td></tr></table>"
    assert body_blocks(html, References()) == [f"{'a' * 50} | {'b' * 40}"]
