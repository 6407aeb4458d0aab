"""The web addresses each email carries: one-click unsubscribe, preferences, and the web version.

Unsubscribe and preferences links carry the delivery's signed token (the same one
its VERP address carries), so the web app knows whose link it is and nobody can
act for someone else by editing a number. The web version link leads to the
version in the recipient's language, the one their email is written in; for a release
with an embargo it carries the recipient's own key (`tokens.early_web_token`), which
opens it before the lift.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from distributor import tokens, urls
from distributor.models import Release
from distributor.releases import web_path


@dataclass(frozen=True)
class RecipientLinks:
    unsubscribe_url: str
    preferences_url: str
    web_url: str


def recipient_links(
    base_url: str, token: str, release: Release, language: str | None, delivery_id: int, secret: str
) -> RecipientLinks:
    web_url = urls.absolute(base_url, web_path(release, language))
    if release.embargo_until is not None:
        key = tokens.early_web_token(release.slug, delivery_id, secret)
        web_url += "?" + urlencode({urls.EARLY_WEB_KEY: key})
    return RecipientLinks(
        unsubscribe_url=urls.url(base_url, urls.UNSUBSCRIBE, token=token),
        preferences_url=urls.url(base_url, urls.PREFERENCES, token=token),
        web_url=web_url,
    )
