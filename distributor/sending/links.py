"""The web addresses each email carries: one-click unsubscribe, preferences, and the web version.

Unsubscribe and preferences links carry the delivery's signed token (the same one
its VERP address carries), so the web app knows whose link it is and nobody can
act for someone else by editing a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class RecipientLinks:
    unsubscribe_url: str
    preferences_url: str
    web_url: str


def recipient_links(base_url: str, token: str, release_slug: str) -> RecipientLinks:
    base = base_url.rstrip("/")
    return RecipientLinks(
        unsubscribe_url=f"{base}/u/{token}",
        preferences_url=f"{base}/p/{token}",
        web_url=f"{base}/releases/{quote(release_slug)}",
    )
