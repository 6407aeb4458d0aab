"""An OpenDocument text (.odt) read into blocks, from the zip's content.xml."""

from __future__ import annotations

import mimetypes
import zipfile
from typing import Any

from lxml import etree

from distributor.releases.importing.blocks import Block, BlockKind, Picture, collapse

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
_SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
_STYLED = {"Title": BlockKind.TITLE, "Subtitle": BlockKind.SUBTITLE, "Caption": BlockKind.CAPTION}
_STYLED |= {"Quotations": BlockKind.QUOTE}


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def read_opendocument(archive: zipfile.ZipFile) -> list[Block]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(archive.read("content.xml"), parser)
    parents = {
        style.get(_tag(_STYLE, "name")): style.get(_tag(_STYLE, "parent-style-name"))
        for style in root.iter(_tag(_STYLE, "style"))
    }
    blocks: list[Block] = []
    body = root.find("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}body")
    for element in body.iter(_tag(_TEXT, "h"), _tag(_TEXT, "p")) if body is not None else ():
        blocks.extend(_pictures(archive, element))
        text = collapse(_inline(element))
        if not text:
            continue
        style = element.get(_tag(_TEXT, "style-name"), "")
        style = parents.get(style) or style  # an automatic style (P1) names the real one
        kind = _STYLED.get(style.replace("_20_", " "), BlockKind.PARAGRAPH)
        if element.tag == _tag(_TEXT, "h"):
            level = int(element.get(_tag(_TEXT, "outline-level"), "1"))
            blocks.append(Block(BlockKind.HEADING, text, level))
        elif element.getparent() is not None and element.getparent().tag == _tag(
            _TEXT, "list-item"
        ):
            blocks.append(Block(BlockKind.ITEM, text))
        else:
            blocks.append(Block(kind, text))
    return blocks


def _inline(element: Any) -> str:
    """The paragraph's text, links as Markdown links; frames (pictures) left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _tag(_TEXT, "a"):
            label = "".join(child.itertext()).strip()
            href = child.get(_tag(_XLINK, "href"), "")
            link = href.startswith(("http://", "https://", "mailto:"))
            parts.append(
                f"[{label}]({href})" if link and label != href.removeprefix("mailto:") else label
            )
        elif child.tag == _tag(_TEXT, "line-break"):
            parts.append("\n")
        elif child.tag in (_tag(_TEXT, "s"), _tag(_TEXT, "tab")):
            parts.append(" ")
        elif child.tag != _tag(_DRAW, "frame"):
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _pictures(archive: zipfile.ZipFile, paragraph: Any) -> list[Block]:
    found: list[Block] = []
    for frame in paragraph.iter(_tag(_DRAW, "frame")):
        image = frame.find(_tag(_DRAW, "image"))
        if image is None:
            continue
        href = image.get(_tag(_XLINK, "href"), "")
        names = set(archive.namelist())
        alt = collapse(
            " ".join(
                "".join(part.itertext())
                for part in (frame.find(_tag(_SVG, "title")), frame.find(_tag(_SVG, "desc")))
                if part is not None
            )
        )
        if href in names:
            content_type = mimetypes.guess_type(href)[0] or "application/octet-stream"
            picture = Picture(content_type, data=archive.read(href), alt=alt or None)
        elif href.startswith(("http://", "https://")):
            picture = Picture("", url=href, alt=alt or None)
        else:
            continue
        found.append(Block(BlockKind.PICTURE, picture=picture))
    return found
