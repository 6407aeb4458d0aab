"""The plain-text part: the release as a journalist would type it, wrapped at 78 columns.

Links become numbered references (`label [1]`) listed above the signature; quotes are
indented with their attribution under them; placeholders for the recipient's
values pass through untouched and are filled in later, like the HTML's.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.html
from lxml.html import HtmlElement

WIDTH = 78
QUOTE_INDENT = "    "
_SPACE = re.compile(r"[ \t\r\n\f\v]+")  # not \s: no-break spaces stay unbreakable
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
    "pre", "table", "tr", "figure", "figcaption", "hr", "section", "article", "dl", "dt", "dd",
}  # fmt: skip


@dataclass
class References:
    """Link targets in order of first appearance: each URL gets one number."""

    urls: list[str] = field(default_factory=list)

    def number(self, url: str) -> int:
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1

    def listing(self) -> list[str]:
        return [f"[{n}] {url}" for n, url in enumerate(self.urls, start=1)]


def wrap(text: str, indent: str = "", first: str | None = None) -> str:
    """Wrap at WIDTH without breaking words or URLs (a long URL keeps its own line)."""
    return textwrap.fill(
        _SPACE.sub(" ", text).strip(),
        width=WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _inline(element: HtmlElement, refs: References) -> str:
    """The text of an inline run, with links turned into `text [n]`."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            parts.append(child.tail or "")
            continue
        tag = child.tag.lower()
        if tag == "br":
            parts.append("\n")
        elif tag == "a":
            label = _inline(child, refs).strip()
            href = (child.get("href") or "").strip()
            target = href.removeprefix("mailto:").removeprefix("tel:")
            if not href or href.startswith("#") or label in (href, target):
                parts.append(label or target)
            else:
                parts.append(f"{label} [{refs.number(href)}]")
        elif tag == "img":
            alt = (child.get("alt") or "").strip()
            if alt:
                parts.append(f"[{alt}]")
        elif tag not in ("script", "style"):
            parts.append(_inline(child, refs))
        parts.append(child.tail or "")
    return "".join(parts)


def _wrap_lines(text: str, indent: str = "") -> str:
    """Wrap each hard line (from <br>) on its own."""
    return "\n".join(wrap(line, indent) for line in text.split("\n") if line.strip())


def html_blocks(element: HtmlElement, refs: References, indent: str = "") -> list[str]:
    """Paragraph-sized blocks of text for `element`'s children, in order."""
    blocks: list[str] = []
    loose: list[str] = [element.text or ""]

    def flush() -> None:
        text = "".join(loose)
        if text.strip():
            blocks.append(_wrap_lines(text, indent))
        loose.clear()

    for child in element:
        if not isinstance(child.tag, str):
            loose.append(child.tail or "")
            continue
        tag = child.tag.lower()
        if tag not in _BLOCKS:
            holder = lxml.html.Element("span")
            holder.append(_copy(child))
            loose.append(_inline(holder, refs))
            continue
        flush()
        if tag in ("script", "style"):
            pass
        elif tag == "blockquote":
            blocks.extend(html_blocks(child, refs, indent + QUOTE_INDENT))
        elif tag in ("ul", "ol"):
            for number, item in enumerate(child.findall("li"), start=1):
                bullet = f"{number}. " if tag == "ol" else "* "
                text = _SPACE.sub(" ", _inline(item, refs)).strip()
                blocks.append(
                    wrap(text, indent + " " * (len(bullet) + 2), first=indent + "  " + bullet)
                )
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            heading = _SPACE.sub(" ", _inline(child, refs)).strip()
            blocks.append(wrap(heading.upper() if tag in ("h1", "h2") else heading, indent))
        elif tag == "pre":
            blocks.append("\n".join(indent + line for line in child.text_content().splitlines()))
        elif tag == "hr":
            blocks.append(indent + "-" * 20)
        elif tag == "table":
            blocks.append(_table(child, refs, indent))
        elif tag in ("p", "li", "dt", "dd", "figcaption"):
            text = _inline(child, refs)
            if text.strip() and blocks and "attribution" in (child.get("class") or "").split():
                blocks[-1] += "\n" + _wrap_lines(text, indent)  # under its quote, no gap
            elif text.strip():
                blocks.append(_wrap_lines(text, indent))
        else:
            blocks.extend(html_blocks(child, refs, indent))
        loose.append(child.tail or "")
    flush()
    return blocks


def _table(table: HtmlElement, refs: References, indent: str) -> str:
    """Rows as aligned columns when they fit in the line width, else cells joined by " | "."""
    rows = [
        [_SPACE.sub(" ", _inline(cell, refs)).strip() for cell in row if cell.tag in ("th", "td")]
        for row in table.iter("tr")
    ]
    columns = max((len(row) for row in rows), default=0)
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(columns)]
    if len(indent) + sum(widths) + 2 * (columns - 1) > WIDTH:
        return "\n".join(indent + " | ".join(row) for row in rows)
    return "\n".join(
        (
            indent + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        ).rstrip()
        for row in rows
    )


def _copy(element: HtmlElement) -> HtmlElement:
    copied: HtmlElement = lxml.html.fromstring(lxml.html.tostring(element, encoding="unicode"))
    copied.tail = None
    return copied


def body_blocks(body_html: str, refs: References) -> list[str]:
    """The release body (sanitized HTML) as wrapped text blocks."""
    if not body_html.strip():
        return []
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    return html_blocks(root, refs)


def join_blocks(blocks: Iterable[str]) -> str:
    """Blocks separated by one empty line, ending in a newline."""
    return "\n\n".join(block.rstrip() for block in blocks if block.strip()) + "\n"
