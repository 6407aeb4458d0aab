"""A release as a sample journalist would get it, rendered as the send pipeline renders it.

The admin editor shows it for a stored release and for text not yet saved
(`releases.store.unsaved_release`), and `releases preview` writes it to files; the links
point at DISTRIBUTOR_BASE_URL but name no recipient; its media links are signed as the
email's are, so its pictures show before the embargo lifts.
"""

from __future__ import annotations

from dataclasses import dataclass

from distributor import urls
from distributor.config import Settings
from distributor.models import Release
from distributor.releases import body_html, web_path
from distributor.rendering.compose import RecipientValues, RenderContext, fill_in, render_release
from distributor.rendering.views import release_view

SAMPLE_NAME = "Sample Journalist"
SAMPLE_EMAIL = "journalist@example.org"


@dataclass(frozen=True)
class EmailPreview:
    """The email's subject, HTML and text parts for the sample recipient, and the renderer's warnings."""

    subject: str
    language: str
    html: str
    text: str
    warnings: tuple[str, ...]


def preview_email(
    release: Release, settings: Settings, language: str | None = None
) -> EmailPreview:
    """Render `release` once and fill it in for the sample recipient."""
    rendered = render_release(
        release_view(
            release, language, body_html, settings.base_url, media_secret=settings.signing_key()
        ),
        RenderContext(sender=settings.sender_name(release.organization)),
    )
    base = settings.base_url
    html, text = fill_in(
        rendered,
        RecipientValues(
            name=SAMPLE_NAME,
            email=SAMPLE_EMAIL,
            list_name="Preview list",
            web_url=urls.absolute(base, web_path(release, language)),
            preferences_url=f"{base}/preferences/preview",
            unsubscribe_url=f"{base}/unsubscribe/preview",
        ),
    )
    return EmailPreview(rendered.subject, rendered.language, html, text, rendered.warnings)
