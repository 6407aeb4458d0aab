"""An admin runs a whole send-out in Chromium, from login to the completed report.

Everything is real: the web app served on loopback, a `distributor worker` and a
`distributor beat` process over the same database and broker, and a capture SMTP
server as the relay. The browser only clicks and types what a person would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from distributor.accounts.passwords import hash_password
from distributor.config import Settings, load_settings
from distributor.models import Role, User
from distributor.web.app import create_app
from tests.browser.conftest import log_in
from tests.environment import process_env
from tests.sending.conftest import EXAMPLES
from tests.smtp_server import CaptureServer, smtp_server
from tests.tasks.conftest import Start, start  # noqa: F401 - the shared fixture
from tests.web.conftest import Served

ADMIN = "ada@press.example"
PASSWORD = "correct horse battery staple"
# How long the worker and beat may take to send a handful of messages on a busy machine.
SEND_TIMEOUT_MS = 120_000
JOURNALISTS = """\
E-mail;Name;Outlet;Country;Beat
anna.berg@tageblatt.example;Anna Berg;Tageblatt;DE;culture
jonas.keller@rundschau.example;Jonas Keller;Rundschau;DE;economy
claire.martin@quotidien.example;Claire Martin;Le Quotidien;FR;culture
not an address;Broken Row;Nowhere;DE;culture
"""
DESK = "desk@press.example"
RELEASE = EXAMPLES / "release-en.md"
TITLE = "National Film Fund announces €48 million in 2027 production grants"
# The example release is under embargo; its Subject keeps "€48 million" on one line.
SUBJECT = "EMBARGOED: " + TITLE.replace("€48 million", "€48\u00a0million")
GERMANS = {"anna.berg@tageblatt.example", "jonas.keller@rundschau.example"}


@dataclass(frozen=True)
class System:
    """The running system the browser talks to, and where its mail arrives."""

    url: str
    relay: CaptureServer
    settings: Settings


@pytest.fixture
def relay() -> Iterator[CaptureServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def system(
    engine: Engine,
    session: Session,
    served: Served,
    relay: CaptureServer,
    start: Start,  # noqa: F811 - the shared fixture
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[System]:
    """The app, a worker and beat over the test's database; one admin who may log in."""
    session.add(User(email=ADMIN, role=Role.ADMIN, password_hash=hash_password(PASSWORD)))
    session.commit()
    broker = {}
    if engine.dialect.name == "postgresql":
        broker["broker_url"] = request.getfixturevalue("redis_url")
    env = process_env(
        tmp_path / "data",
        database_url=engine.url.render_as_string(hide_password=False),
        smtp_url=relay.url(tls="none"),
        base_url=served.url,
        secret_key="admin-flow-secret-0123456789abcdef0123456789",
        dispatch_interval="1",
        **broker,
    )
    env["DISTRIBUTOR_FROM"] = "Ministry Press Office <press@ministry.example>"
    settings = load_settings(env)
    app = create_app(settings)
    served.mount.app = app
    with start("worker", "--concurrency", "1", env=env), start("beat", env=env):
        yield System(served.url, relay, settings)
    served.mount.app = None
    app.state.distributor.engine.dispose()


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_an_admin_imports_segments_writes_tests_and_sends_a_release(
    system: System, browser: Any, tmp_path: Path
) -> None:
    page = browser.new_page()
    try:
        log_in(page, system.url, ADMIN, PASSWORD)
        assert page.url == f"{system.url}/admin"

        # A list, and journalists imported into it from a messy CSV export.
        page.goto(f"{system.url}/admin/lists")
        page.get_by_label("Short name").fill("journalists")
        page.get_by_label("Name", exact=True).fill("Journalists")
        _submit(page, "Create the list")
        page.get_by_role("link", name="Import contacts").click()
        export = tmp_path / "Journalisten.csv"
        export.write_bytes(JOURNALISTS.encode("cp1252"))
        page.get_by_label("File", exact=True).set_input_files(export)
        _submit(page, "Upload and preview")
        assert "delimiter semicolon" in page.inner_text("body")
        _submit(page, "Import")
        report = page.inner_text("body")
        assert "3\nadded" in report
        assert "not an address" in report

        # A segment of the German journalists, counted while the rule is typed.
        page.goto(f"{system.url}/admin/segments")
        page.get_by_label("Name", exact=True).fill("germany")
        page.locator("#f-where").fill("country = DE")
        page.wait_for_selector("#segment-count >> text=2 contacts match")
        _submit(page, "Create the segment")

        # A release written in the editor, its email previewed at phone width as it is typed.
        page.goto(f"{system.url}/admin/releases/new")
        _submit(page, "File text")
        page.get_by_label("File text", exact=True).fill(RELEASE.read_text(encoding="utf-8"))
        phone = page.frame_locator('iframe[title="The email at phone width"]')
        phone.get_by_text(TITLE).first.wait_for()
        width = phone.locator("html").evaluate("html => [html.clientWidth, html.scrollWidth]")
        assert width[0] <= 375
        assert width[1] <= width[0], "the email scrolls sideways on a phone"
        _submit(page, "Save")
        assert re.search(r"/admin/releases/\d+$", page.url)

        # A test copy to the desk, then the send-out to the segment, scheduled now.
        release_page = page.url
        page.get_by_role("link", name="Send a test copy").click()
        page.get_by_label("Addresses, one a line").fill(DESK)
        _submit(page, "Send the test copy")
        page.get_by_role("status").get_by_text(DESK).wait_for()  # the notice names the address
        page.goto(release_page)
        page.get_by_role("link", name="Schedule a send-out").click()
        page.get_by_label("germany").check()
        page.get_by_label("Send now").check()
        _submit(page, "Schedule the send-out")
        # The checks before sending warn that no DKIM key is set: read, then confirmed.
        page.get_by_text("would carry no signature proving where they come from").wait_for()
        page.get_by_label("I have read the warnings above").check()
        _submit(page, "Schedule the send-out")
        assert re.search(r"/admin/sendouts/\d+$", page.url)

        # The progress page refreshes itself until the worker has sent everything.
        page.wait_for_selector("strong >> text=completed", timeout=SEND_TIMEOUT_MS)
    finally:
        page.close()
    subjects = {
        captured.message()["To"].addresses[0].addr_spec: captured.message()["Subject"]
        for captured in system.relay.messages
    }
    assert subjects == {
        DESK: f"[TEST] {SUBJECT}",
        **dict.fromkeys(GERMANS, SUBJECT),
    }
