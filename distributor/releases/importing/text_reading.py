"""Pasted or saved text (.txt, .md) read into blocks.

Text saved by hand separates paragraphs with blank lines and may wrap them; text pasted
from a word processor puts each paragraph on one line. Within a blank-line-separated run,
lines that open a quote, attribute one, follow a lead-in ending in a colon, or stand short
at its head as a heading are paragraphs of their own.
"""

from __future__ import annotations

import re

from distributor.releases.importing.blocks import Block, BlockKind, collapse
from distributor.releases.importing.quotes import attribution_after, opens_quote

_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.+)$")
_CLOSES = ("”", '"', "»", ":")


def read_text(content: str) -> list[Block]:
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line for line in text.split("\n") if line.strip()]
    runs = re.split(r"\n[ \t]*\n", text)
    if len(runs) * 4 < len(lines):  # hardly any blank lines: a line is a paragraph
        runs = lines
    blocks: list[Block] = []
    for run in runs:
        for paragraph in _paragraphs([line for line in run.split("\n") if line.strip()]):
            blocks.append(_block(paragraph))
    return blocks


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs: list[list[str]] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        before = lines[index - 1].rstrip() if index else ""
        alone = (
            index == 0
            or opens_quote(stripped)
            or attribution_after(stripped) is not None
            or before.endswith(_CLOSES)
            or (index == 1 and len(before) < 80 and not before.endswith((".", ",", ";")))
        )
        if alone or _ITEM.match(line) or _MARKDOWN_HEADING.match(stripped):
            paragraphs.append([line])
        else:
            paragraphs[-1].append(line)
    return paragraphs


def _block(lines: list[str]) -> Block:
    first = lines[0].strip()
    heading = _MARKDOWN_HEADING.match(first)
    item = _ITEM.match(first)
    if heading and len(lines) == 1:
        return Block(BlockKind.HEADING, heading.group(2), len(heading.group(1)))
    if item and len(lines) == 1:
        return Block(BlockKind.ITEM, collapse(item.group(1)))
    if all(line.lstrip().startswith(">") for line in lines):
        return Block(BlockKind.QUOTE, collapse("\n".join(line.lstrip()[1:] for line in lines)))
    return Block(BlockKind.PARAGRAPH, collapse("\n".join(lines)))
