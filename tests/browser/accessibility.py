"""axe-core (vendored, MPL-2.0) run in a page: the WCAG 2 A and AA rules a person would fail on."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it stands, one line each: rule, impact, where.

    Evaluated through the DevTools protocol, so a page's Content-Security-Policy does not
    stop it and nothing is fetched.
    """
    page.evaluate(_axe_source())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact,"
        " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))",
        _TAGS,
    )
    return [f"{item['id']} ({item['impact']}): {', '.join(item['targets'])}" for item in found]
