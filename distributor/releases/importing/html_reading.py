"""HTML (a saved web page, or what the Word reader makes) read into blocks.

Paragraphs, headings, list items, block quotes and pictures become blocks; inside
them, links stay links and bold and italic stay marked, everything else is text.
"""

from __future__ import annotations

import base64
import binascii
import re
from html.parser import HTMLParser

from distributor.releases.importing.blocks import Block, BlockKind, Picture, collapse

_BLOCKS = {
    "p": BlockKind.PARAGRAPH,
    "div": BlockKind.PARAGRAPH,
    "li": BlockKind.ITEM,
    "blockquote": BlockKind.QUOTE,
    "figcaption": BlockKind.CAPTION,
    "h1": BlockKind.HEADING,
    "h2": BlockKind.HEADING,
    "h3": BlockKind.HEADING,
    "h4": BlockKind.HEADING,
    "h5": BlockKind.HEADING,
    "h6": BlockKind.HEADING,
}
# Classes the Word reader gives the Title, Subtitle and Caption styles.
_CLASSED = {"title": BlockKind.TITLE, "subtitle": BlockKind.SUBTITLE, "caption": BlockKind.CAPTION}
_SKIPPED = {"script", "style", "head", "template", "noscript"}
_MARKS = {"strong": "**", "b": "**", "em": "*", "i": "*"}
_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.DOTALL)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._kind = BlockKind.PARAGRAPH
        self._level = 0
        self._text: list[str] = []
        self._links: list[tuple[str, int]] = []  # href, where its label starts in _text
        self._skipping = 0
        self._quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "blockquote":
            self._flush()
            self._quoted += 1
        elif tag in _BLOCKS:
            self._flush()
            self._kind = _block_kind(tag, values.get("class", ""))
            self._level = int(tag[1]) if self._kind is BlockKind.HEADING else 0
        elif tag == "br":
            self._text.append("\n")
        elif tag in _MARKS:
            self._text.append(_MARKS[tag])
        elif tag == "a":
            self._links.append((values.get("href", ""), len(self._text)))
        elif tag == "img":
            self._picture(values)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "blockquote":
            self._flush()
            self._quoted = max(0, self._quoted - 1)
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _MARKS:
            self._text.append(_MARKS[tag])
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self._text[start:]).strip()
            if href.startswith(("http://", "https://", "mailto:")) and label:
                shown = href.removeprefix("mailto:")
                del self._text[start:]
                self._text.append(label if label == shown else f"[{label}]({href})")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._text.append(data.replace("\n", " "))

    def close(self) -> None:
        super().close()
        self._flush()

    def _picture(self, values: dict[str, str]) -> None:
        self._flush()
        src, alt = values.get("src", ""), collapse(values.get("alt", "")) or None
        embedded = _DATA_URI.match(src)
        picture: Picture | None = None
        if embedded:
            try:
                data = base64.b64decode(embedded.group("data"), validate=False)
            except (binascii.Error, ValueError):
                data = b""
            if data:
                picture = Picture(embedded.group("type").lower(), data=data, alt=alt)
        elif src.startswith(("http://", "https://")):
            picture = Picture("", url=src, alt=alt)
        if picture is not None:
            self.blocks.append(Block(BlockKind.PICTURE, picture=picture))

    def _flush(self) -> None:
        text = collapse(_tidy_marks("".join(self._text)))
        self._text, self._links = [], []
        if text:
            kind = (
                BlockKind.QUOTE
                if self._quoted and self._kind is BlockKind.PARAGRAPH
                else self._kind
            )
            self.blocks.append(Block(kind, text, self._level))
        self._kind, self._level = BlockKind.PARAGRAPH, 0


def _block_kind(tag: str, classes: str) -> BlockKind:
    for name in classes.split():
        if name in _CLASSED:
            return _CLASSED[name]
    return _BLOCKS[tag]


def _tidy_marks(text: str) -> str:
    """Bold or italic around nothing, or around spaces, as Word often leaves it, dropped."""
    text = re.sub(r"\*\*(\s*)\*\*", r"\1", text)
    return re.sub(r"(?<!\*)\*(\s+)\*(?!\*)", r"\1", text)


def read_html(content: str) -> list[Block]:
    reader = _Reader()
    reader.feed(content)
    reader.close()
    return reader.blocks
