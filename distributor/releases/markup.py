"""A release body's Markdown turned into safe HTML, with block quotes as attributed quotes.

Markdown goes through markdown-it-py (CommonMark plus tables, no typographic
replacements, so Cyrillic, curly quotes and em dashes stay exactly as written).
Raw HTML an author pastes is allowed through the parser and then the whole
output is sanitized with nh3 against a conservative allow-list: no scripts,
styles, frames, forms, event handlers or `style` attributes, and links and
images only to http(s) (links also mailto) addresses.

Quotes: every Markdown block quote renders as `<blockquote class="quote">`. A
line starting with an em dash (or `--`, `-`, an en dash, each followed by a
space) right after a quote's text, either as the quote's last line or as the
first paragraph after it, is its attribution and renders inside the quote as
`<p class="attribution">— Name, role</p>`; the marker is always printed as an
em dash. Templates style `.quote` and `.attribution`; the text part can find
them in the HTML or use `quotes()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = ["ALLOWED_TAGS", "Quote", "body_html", "quotes"]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote",
        "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "img", "figure",
        "figcaption", "hr", "sup", "sub", "span", "code", "pre",
    }
)  # fmt: skip

# Removed together with everything inside them (other unknown tags keep their text).
_DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
    "select", "button", "svg", "math", "frameset", "noembed", "noframes", "xmp", "title",
}  # fmt: skip

_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
}
_ALIGN = {"align": {"left", "center", "right"}}
_ATTRIBUTE_VALUES = {"th": _ALIGN, "td": _ALIGN}
_CLASSES = {"blockquote": {"quote"}, "p": {"attribution"}}
_URL_SCHEMES = {"http", "https", "mailto"}

_ATTRIBUTION = re.compile(r"^\s*(?:—\s*|(?:--|-|\u2013)\s+)(?P<who>\S.*?)\s*$")
_TABLE_ALIGN = re.compile(r"text-align:\s*(left|center|right)")


@dataclass(frozen=True)
class Quote:
    """A quote of the body: its text (plain, paragraphs joined by blank lines) and who said it."""

    text: str
    attribution: str | None


def _attribution_of(line: str) -> str | None:
    match = _ATTRIBUTION.match(line)
    return match.group("who") if match else None


def _paragraph(content: str, level: int, *, attribution: bool) -> list[Token]:
    opening = Token("paragraph_open", "p", 1, level=level, block=True)
    if attribution:
        opening.attrSet("class", "attribution")
    inline = Token("inline", "", 0, level=level + 1, content=content, children=[], block=True)
    return [opening, inline, Token("paragraph_close", "p", -1, level=level, block=True)]


def _closing_index(tokens: list[Token], opening: int) -> int:
    depth = 0
    for index in range(opening, len(tokens)):
        depth += tokens[index].nesting if tokens[index].type.startswith("blockquote") else 0
        if depth == 0:
            return index
    return len(tokens) - 1


def _single_line_paragraph_at(tokens: list[Token], index: int) -> str | None:
    """The text of a one-line paragraph starting at `index`, if there is one."""
    if index + 2 < len(tokens) and tokens[index].type == "paragraph_open":
        content = tokens[index + 1].content
        if "\n" not in content:
            return content
    return None


def _attribute_quotes(state: StateCore) -> None:
    """Core rule (before inline parsing): mark quotes and move attribution lines into them."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            # The title is the email's only h1; body headings live between h2 and h4.
            level = min(max(int(token.tag[1]), 2), 4)
            token.tag = f"h{level}"
            tokens[_heading_close(tokens, index)].tag = f"h{level}"
        elif token.type in ("th_open", "td_open"):
            # Alignment as an attribute email clients honour, not a style attribute.
            style = str(token.attrGet("style") or "")
            token.attrs.pop("style", None)
            if found := _TABLE_ALIGN.search(style):
                token.attrSet("align", found.group(1))
        elif token.type == "blockquote_open":
            token.attrSet("class", "quote")
            _attribute_one(tokens, index, _closing_index(tokens, index))
        index += 1


def _heading_close(tokens: list[Token], opening: int) -> int:
    return next(i for i in range(opening + 1, len(tokens)) if tokens[i].type == "heading_close")


def _attribute_one(tokens: list[Token], opening: int, closing: int) -> None:
    level = tokens[opening].level + 1
    # The quote's own last line: "> Text\n> — Name" or a lazy "— Name" line after it.
    if closing - 3 > opening and tokens[closing - 1].type == "paragraph_close":
        inline = tokens[closing - 2]
        lines = inline.content.split("\n")
        who = _attribution_of(lines[-1])
        if who is not None:
            if len(lines) > 1:
                inline.content = "\n".join(lines[:-1])
                tokens[closing:closing] = _paragraph(f"— {who}", level, attribution=True)
                return
            if closing - 3 > opening + 1:  # a paragraph of its own, after the quote's text
                tokens[closing - 3].attrSet("class", "attribution")
                inline.content = f"— {who}"
                return
    # The first block after the quote: a one-line paragraph, or a one-item "- Name" list.
    after = closing + 1
    line = _single_line_paragraph_at(tokens, after)
    taken = 3
    if line is None and _is_single_item_dash_list(tokens, after):
        line, taken = "- " + tokens[after + 3].content, 7
    who = None if line is None else _attribution_of(line)
    if who is not None:
        del tokens[after : after + taken]
        tokens[closing:closing] = _paragraph(f"— {who}", level, attribution=True)


def _is_single_item_dash_list(tokens: list[Token], index: int) -> bool:
    kinds = [t.type for t in tokens[index : index + 7]]
    return (
        kinds
        == [
            "bullet_list_open",
            "list_item_open",
            "paragraph_open",
            "inline",
            "paragraph_close",
            "list_item_close",
            "bullet_list_close",
        ]
        and tokens[index].markup == "-"
        and "\n" not in tokens[index + 3].content
    )


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False, "linkify": False})
    md.enable("table")
    # Every link becomes a link and nh3 drops an unsafe address, so `[text](javascript:…)`
    # reads as its text rather than as the Markdown source with the script in it.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.core.ruler.after("block", "quote_attribution", _attribute_quotes)
    return md


_MARKDOWN = _parser()


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes of `html`."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes=_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        allowed_classes=_CLASSES,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def body_html(markdown: str) -> str:
    """The release body as a safe HTML fragment, quotes marked up with their attributions."""
    return sanitize_html(_MARKDOWN.render(markdown))


def _plain(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def quotes(markdown: str) -> list[Quote]:
    """The body's top-level quotes in order, with their attributions (without the dash)."""
    found: list[Quote] = []
    tokens = _MARKDOWN.parse(markdown)
    index = 0
    while index < len(tokens):
        if tokens[index].type == "blockquote_open":
            closing = _closing_index(tokens, index)
            paragraphs: list[str] = []
            attribution: str | None = None
            for position in range(index + 1, closing):
                token = tokens[position]
                if token.type == "inline" and token.level == tokens[index].level + 2:
                    is_attribution = tokens[position - 1].attrGet("class") == "attribution"
                    text = _plain(token)
                    if is_attribution:
                        attribution = text.removeprefix("—").strip()
                    else:
                        paragraphs.append(text)
            found.append(Quote(text="\n\n".join(paragraphs), attribution=attribution))
            index = closing
        index += 1
    return found
