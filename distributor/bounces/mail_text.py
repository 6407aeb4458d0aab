"""Text out of received mail: bytes decoded by the charset they claim, HTML as rough text.

Shared by the bounce reader and the moved-on reader, which must see the same words.
"""

from __future__ import annotations

import html
import re

_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")


def decoded(data: bytes, charset: str | None) -> str:
    """`data` in its declared charset, else UTF-8, else Windows-1252: never raises."""
    for name in (charset, "utf-8"):
        if name:
            try:
                return data.decode(name)
            except (LookupError, ValueError):  # an unknown charset, or a name with a NUL in it
                continue
    return data.decode("cp1252", "replace")


def html_as_text(markup: str) -> str:
    """Markup without its tags, entities read: enough to search its words."""
    return html.unescape(_HTML_TAG.sub(" ", markup))
