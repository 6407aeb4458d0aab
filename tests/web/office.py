"""The press office the journalists' pages name: its name, a logo file, and the app configured so."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from tests.web.conftest import Web, web_settings

OFFICE = "Ministry of Science"
# A small SVG logo, as an office would hand one over.
LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
    '<rect width="120" height="40" rx="6" fill="#12355b"/>'
    '<text x="60" y="26" fill="#fff" font-family="sans-serif" font-size="16" '
    'text-anchor="middle">MoS</text></svg>'
)


def logo_file(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    logo = folder / "ministry-logo.svg"
    logo.write_text(LOGO_SVG, encoding="utf-8")
    return logo


def configure_office(web: Web, engine: Engine, folder: Path, **overrides: str) -> None:
    """The app with the office's name and logo, and a sign-up form for both lists."""
    values = {
        "organization": OFFICE,
        "logo": str(logo_file(folder / "brand")),
        "signup_lists": "science,press",
        **overrides,
    }
    web.configure(web_settings(engine, folder / "web", **values))
