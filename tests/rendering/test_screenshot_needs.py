"""Screenshots need Chromium and Playwright; a machine without one previews without pictures
and says which is missing."""

from __future__ import annotations

import importlib.util

import pytest

from distributor.rendering import screenshots


def test_without_chromium_the_preview_says_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screenshots, "chromium_path", lambda: None)

    assert screenshots.screenshots_missing() == (
        "Chromium is not installed (apt-get install chromium)"
    )


def test_a_runtime_install_without_playwright_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(screenshots, "chromium_path", lambda: "/usr/bin/chromium")
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "playwright" else find_spec(name)
    )

    missing = screenshots.screenshots_missing()

    assert missing is not None
    assert missing.startswith("Playwright is not installed")
