"""Per-recipient cost of a release email: fill-in of the pre-inlined HTML vs render + inline each time.

DESIGN.md asks that a recipient costs a fill-in, not a Jinja2 + premailer pass.
This measures, in the same run and on the same release, the naive way (render,
inline CSS and build the text part per recipient), a single-pass regex fill-in,
and the precompiled-segments fill-in `distributor.rendering.compose.fill_in` uses.

    .venv/bin/python bench/rendering.py --recipients 20000
"""

# ruff: noqa: RUF001 - localized text (Cyrillic, typographic quotes) on purpose

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bench.summary import SUMMARY_OPTION, write_summary
from distributor.rendering.compose import (
    RecipientValues,
    RenderContext,
    RenderedRelease,
    fill_in,
    render_release,
)
from distributor.rendering.views import ContactView, LinkView, ReleaseView

_TOKEN = re.compile(r"%%distributor:([a-z_]+)%%")


def _release() -> ReleaseView:
    paragraph = (
        "<p>ACME today announced a new generation of its harbour logistics platform, bringing "
        'real-time tracking to 4,000 ports. <a href="https://acme.example/news">More</a>.</p>'
    )
    quote = (
        '<blockquote class="quote"><p>“This is the largest investment in our history.”</p>'
        '<p class="attribution">— Jane Doe, Chief Executive</p></blockquote>'
    )
    return ReleaseView(
        id="bench",
        title="ACME launches a real-time harbour logistics platform",
        subtitle="Four years of work, 120 countries, one platform",
        summary="ACME’s new platform tracks cargo in real time.",
        location="Bristol",
        date=date(2026, 11, 25),
        organization="ACME Corp.",
        body_html=(paragraph + quote) * 5 + paragraph * 3,
        links=(LinkView("https://acme.example/press-kit", "Press kit"),),
        contacts=(
            ContactView(
                "Maria Svensson", "Media Relations", "maria@acme.example", "+44 20 7946 0001"
            ),
            ContactView("Tom O'Neill", "Press Officer", "tom@acme.example", "+353 1 555 0102"),
        ),
    )


def _recipient(n: int) -> RecipientValues:
    return RecipientValues(
        name=f"Journalist <{n}>",
        email=f"j{n}@paper.example",
        list_name="Technology editors",
        web_url=f"https://press.example/r/1?t={n}",
        preferences_url=f"https://press.example/p/{n}",
        unsubscribe_url=f"https://press.example/u/{n}?sig=abc&n={n}",
    )


def _regex_fill(rendered: RenderedRelease, recipient: RecipientValues) -> tuple[str, str]:
    values = recipient.values()
    escaped = {key: html.escape(value) for key, value in values.items()}
    return (
        _TOKEN.sub(lambda m: escaped[m.group(1)], rendered.html),
        _TOKEN.sub(lambda m: values[m.group(1)], rendered.text),
    )


def _per_recipient(action: Callable[[int], object], recipients: int) -> float:
    """Seconds per recipient over `recipients` calls."""
    started = time.perf_counter()
    for n in range(recipients):
        action(n)
    return (time.perf_counter() - started) / recipients


def main(
    recipients: int = typer.Option(20_000, help="Recipients for each fill-in."),
    naive_recipients: int = typer.Option(100, help="Recipients for the naive way (slow)."),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    console = Console()
    view = _release()
    context = RenderContext(sender="ACME Press <press@acme.example>", now=datetime.now(UTC))

    started = time.perf_counter()
    rendered = render_release(view, context)
    once = time.perf_counter() - started

    def naive(n: int) -> object:
        return fill_in(render_release(view, context), _recipient(n))

    naive_cost = _per_recipient(naive, naive_recipients)
    regex_cost = _per_recipient(lambda n: _regex_fill(rendered, _recipient(n)), recipients)
    segment_cost = _per_recipient(lambda n: fill_in(rendered, _recipient(n)), recipients)

    table = Table(
        title=f"Per-recipient cost of a release email ({len(rendered.html.encode()) // 1024} KB HTML)"
    )
    table.add_column("way")
    table.add_column("recipients", justify="right")
    table.add_column("µs / recipient", justify="right")
    table.add_column("vs naive", justify="right")
    rows = [
        ("naive: Jinja2 + premailer + text per recipient (baseline)", naive_recipients, naive_cost),
        ("fill-in, single-pass regex", recipients, regex_cost),
        ("fill-in, precompiled segments (used)", recipients, segment_cost),
    ]
    for name, count, cost in rows:
        table.add_row(name, f"{count:,}", f"{cost * 1e6:,.1f}", f"{naive_cost / cost:,.0f}x")
    console.print(table)
    console.print(f"render once (Jinja2 + premailer + text): {once * 1e3:,.1f} ms")
    write_summary(
        summary,
        {"naive_seconds": naive_cost, "fill_in_seconds": segment_cost, "render_once_seconds": once},
    )
    verdict = "meets" if naive_cost / segment_cost >= 100 else "MISSES"
    console.print(f"target ≥100x cheaper than naive: {verdict} ({naive_cost / segment_cost:,.0f}x)")


if __name__ == "__main__":
    typer.run(main)
