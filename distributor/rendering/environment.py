"""The Jinja2 environment over `templates/email/`: autoescaped, strict about undefined names."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from distributor.paths import TEMPLATES_DIR

EMAIL_TEMPLATES_DIR = TEMPLATES_DIR / "email"
_LINK_SCHEMES = {"http", "https", "mailto", "tel"}


def safe_url(url: str) -> str:
    """`url` if a mail client may follow it (http, https, mailto, tel, data images), else `#`."""
    scheme = urlsplit(url.strip()).scheme.lower()
    if scheme in _LINK_SCHEMES or url.strip().lower().startswith("data:image/"):
        return url.strip()
    return "#"


def credit(text: str, label: str) -> str:
    """`Photo: Jo Smith`, unless the credit already says so (`Photo by Jo Smith`)."""
    return text if text.lower().startswith(label.lower()) else f"{label}: {text}"


@lru_cache(maxsize=1)
def email_environment() -> Environment:
    """One environment per process; templates are compiled once and cached by Jinja2."""
    environment = Environment(
        loader=FileSystemLoader(EMAIL_TEMPLATES_DIR),
        # .txt templates are autoescaped too: a text part is never trusted HTML either way.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["safe_url"] = safe_url
    environment.filters["credit"] = credit
    return environment
