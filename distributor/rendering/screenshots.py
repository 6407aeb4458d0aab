"""PNG screenshots of an email in Debian's headless Chromium, with the network shut out.

The page may load its own folder's files and inline data, and the release's media
kit, answered from the stored files; every other request is refused, loopback and
private addresses included. A release names what it likes in its text, so a
preview must neither hang on a remote picture, tell anyone it was looked at, nor
reach a service on this machine or its network (`/metrics`, a database's HTTP port).
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
_LOCAL_SCHEMES = ("data", "about", "blob")


@dataclass(frozen=True)
class LocalFile:
    """A file on disk answering a web address the page asks for."""

    path: Path
    content_type: str


@dataclass(frozen=True)
class PreviewNetwork:
    """What the preview page may load: `folder`'s files, inline data, and `served` (absolute
    addresses, without their query, answered from disk)."""

    folder: Path
    served: Mapping[str, LocalFile] = field(default_factory=dict)

    def answer(self, url: str) -> LocalFile | bool:
        """The file answering `url`, True to let it load as it is, False to refuse it."""
        parts = urlsplit(url)
        if parts.scheme in _LOCAL_SCHEMES:
            return True
        if parts.scheme == "file":
            return Path(unquote(parts.path)).resolve().is_relative_to(self.folder.resolve())
        return self.served.get(parts._replace(query="", fragment="").geturl(), False)


def chromium_path() -> str | None:
    """Debian's Chromium when installed (never a downloaded browser)."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def screenshots_missing() -> str | None:
    """What screenshots need and this machine lacks, in a line; None when they can be taken.

    Playwright drives the browser and comes with the development extras only, so a
    runtime install previews without pictures rather than failing."""
    if chromium_path() is None:
        return "Chromium is not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install playwright, or the [dev] extras)"
    return None


def screenshot(
    html_file: Path,
    out_dir: Path,
    widths: Iterable[int] = (375, 1000),
    served: Mapping[str, LocalFile] | None = None,
) -> list[Path]:
    """Full-page screenshots of `html_file`, one `release-<width>.png` per width; `served`
    answers the media kit's addresses from disk (see PreviewNetwork)."""
    from playwright.sync_api import Route, sync_playwright  # a dev/preview dependency only

    executable = chromium_path()
    if executable is None:
        return []

    network = PreviewNetwork(html_file.parent, served or {})

    def gate(route: Route) -> None:
        answer = network.answer(route.request.url)
        if isinstance(answer, LocalFile):
            route.fulfill(path=answer.path, content_type=answer.content_type)
        elif answer:
            route.continue_()
        else:
            route.abort("blockedbyclient")

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
