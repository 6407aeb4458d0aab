from .compose import RecipientValues, RenderContext, placeholder_values, render_release
from .environment import email_environment
from .preview import SAMPLE_EMAIL, SAMPLE_NAME, EmailPreview, preview_email
from .screenshots import chromium_path, screenshot
from .typography import typeset
from .views import release_view
from .web_version import web_version

__all__ = [
    "SAMPLE_EMAIL",
    "SAMPLE_NAME",
    "EmailPreview",
    "RecipientValues",
    "RenderContext",
    "chromium_path",
    "email_environment",
    "placeholder_values",
    "preview_email",
    "release_view",
    "render_release",
    "screenshot",
    "typeset",
    "web_version",
]
