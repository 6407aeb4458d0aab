"""The neutral shape every imported document is read into: a list of blocks in reading order.

Each reader (Word, OpenDocument, HTML, text) produces these; recognising the release's
parts works on them alone, so it is the same whatever the document was written in.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class BlockKind(enum.StrEnum):
    TITLE = "title"  # the document's Title style
    SUBTITLE = "subtitle"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"  # a paragraph the document itself marks as a block quote
    ITEM = "item"  # a list item
    CAPTION = "caption"  # the document's Caption style
    PICTURE = "picture"
    ATTRIBUTED = "attributed quote"  # a recognised quote, its text the release file's Markdown


@dataclass(frozen=True)
class Picture:
    """A picture embedded in the document (`data`) or linked from it (`url`)."""

    content_type: str
    data: bytes = b""
    url: str = ""
    alt: str | None = None


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str = ""  # inline Markdown: links as [label](url), **bold**, *italic*; lines by \n
    level: int = 0  # of a heading
    picture: Picture | None = None

    @property
    def plain(self) -> str:
        """The text as a reader sees it, for recognising: no Markdown marks, links as labels."""
        return _plain(self.text)


_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))+\)")
_EMPHASIS = re.compile(r"(?<!\\)\*{1,2}")


def _plain(text: str) -> str:
    return _EMPHASIS.sub("", _LINK.sub(r"\1", text)).replace("\\", "").strip()


# Control characters and line separators a document may hold but a release's fields may not.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def collapse(text: str) -> str:
    """Runs of spaces and tabs as one space, each line trimmed, control characters gone:
    documents space words freely and carry invisible characters."""
    text = _CONTROL.sub(" ", text)
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)
