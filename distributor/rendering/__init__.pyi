from .compose import Office, RecipientValues, RenderContext, placeholder_values, render_release
from .dates import format_embargo, format_local_embargo, release_embargo
from .environment import email_environment
from .preview import SAMPLE_EMAIL, SAMPLE_NAME, EmailPreview, preview_email
from .screenshots import LocalFile, PreviewNetwork, chromium_path, screenshot, screenshots_missing
from .typography import typeset
from .views import release_view
from .web_version import EarlyReader, web_version

__all__ = [
    "SAMPLE_EMAIL",
    "SAMPLE_NAME",
    "EarlyReader",
    "EmailPreview",
    "LocalFile",
    "Office",
    "PreviewNetwork",
    "RecipientValues",
    "RenderContext",
    "chromium_path",
    "email_environment",
    "format_embargo",
    "format_local_embargo",
    "placeholder_values",
    "preview_email",
    "release_embargo",
    "release_view",
    "render_release",
    "screenshot",
    "screenshots_missing",
    "typeset",
    "web_version",
]
