"""PNG screenshots of an email in Debian's headless Chromium, with the network shut out.

Only file://, data: and loopback requests are let through, so remote image URLs in
a release can neither hang a preview nor tell anyone it was looked at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


def chromium_path() -> str | None:
    """Debian's Chromium when installed (never a downloaded browser)."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def allowed_request(url: str) -> bool:
    """True for local files, inline data and loopback addresses; everything else is blocked."""
    parts = urlsplit(url)
    if parts.scheme in ("file", "data", "about", "blob"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in _LOOPBACK


def screenshot(html_file: Path, out_dir: Path, widths: Iterable[int] = (375, 1000)) -> list[Path]:
    """Full-page screenshots of `html_file`, one `release-<width>.png` per width."""
    from playwright.sync_api import Route, sync_playwright  # a dev/preview dependency only

    executable = chromium_path()
    if executable is None:
        return []

    def gate(route: Route) -> None:
        if allowed_request(route.request.url):
            route.continue_()
        else:
            route.abort()

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for width in widths:
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.route("**/*", gate)
                page.goto(html_file.resolve().as_uri(), wait_until="load")
                target = out_dir / f"release-{width}.png"
                page.screenshot(path=str(target), full_page=True)
                page.close()
                written.append(target)
        finally:
            browser.close()
    return written
