"""The HTML of a tracked send-out: its links led through the web app, an open image at the end.

Works on the rendered release's parts (`rendering.compose.Segments.parts`) once per
send-out and language: each http(s) link written in the release becomes a
placeholder of its own, and the recipient's values fill them in with signed
`/c/<token>` URLs, so a recipient costs a fill-in and an HMAC a link, no parsing.
Links that are placeholders already (unsubscribe, preferences, web version) and
mailto: or tel: links are left as they are; the text part is never changed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from distributor import tokens, urls

OPEN_IMAGE = "open_image_url"
_HREF = re.compile(r'(\shref=")(https?://[^"]+)(")', re.IGNORECASE)
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def _click(index: int) -> str:
    return f"click_{index}"


@dataclass(frozen=True)
class TrackedHtml:
    """HTML parts with tracked links and the open image as placeholders, and what fills them."""

    parts: tuple[str, ...]  # literal text at even positions, placeholder names at odd ones
    encoded_urls: tuple[str, ...]  # for placeholder click_<index>, as the click token carries it
    opens: bool
    base_url: str  # the web app's, HTML-escaped, without a trailing slash
    secret: str = field(repr=False)

    @classmethod
    def of(
        cls, parts: Sequence[str], *, clicks: bool, opens: bool, base_url: str, secret: str
    ) -> TrackedHtml:
        """Track the links of `parts` when `clicks`, and add the open image when `opens`."""
        tracked: list[str] = []
        encoded_urls: list[str] = []
        for index, part in enumerate(parts):
            if index % 2 or not clicks:
                tracked.append(part)
                continue
            pieces = _HREF.split(part)  # text, then (href=", URL, ") and text again, …
            literal = pieces[0]
            for start in range(1, len(pieces), 4):
                attribute, url, quote, after = pieces[start : start + 4]
                tracked += (literal + attribute, _click(len(encoded_urls)))
                encoded_urls.append(tokens.encode_url(html.unescape(url)))
                literal = quote + after
            tracked.append(literal)
        if opens:
            tracked[-1:] = _with_open_image(tracked[-1])
        base = html.escape(base_url.rstrip("/"), quote=True)
        return cls(tuple(tracked), tuple(encoded_urls), opens, base, secret)

    def values(self, delivery_id: int) -> dict[str, str]:
        """One delivery's values for the placeholders added here: tokens need no escaping."""
        base, secret = self.base_url, self.secret
        found = {
            _click(index): urls.url(
                base, urls.CLICK, token=tokens.click_token(delivery_id, encoded, secret)
            )
            for index, encoded in enumerate(self.encoded_urls)
        }
        if self.opens:
            token = tokens.open_token(delivery_id, secret)
            found[OPEN_IMAGE] = urls.url(base, urls.OPEN_IMAGE, token=token)
        return found


def _with_open_image(last: str) -> list[str]:
    """The last literal part split around an open image placed just before </body>."""
    ends = list(_BODY_END.finditer(last))
    cut = ends[-1].start() if ends else len(last)
    image = '<img src="'
    after = (
        '" width="1" height="1" alt="" '
        'style="display:block;width:1px;height:1px;border:0;margin:0;padding:0">'
    )
    return [last[:cut] + image, OPEN_IMAGE, after + last[cut:]]
