"""The admin pages on a real server: users of each role, and browsers that log in as them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from distributor.accounts.passwords import hash_password
from distributor.config import Settings
from distributor.models import Role, User
from tests.web.conftest import Web, web_settings

PASSWORD = "correct horse battery staple"
EMAILS = {
    Role.ADMIN: "ada@press.example",
    Role.PRESS_OFFICER: "otto@press.example",
    Role.VIEWER: "vera@press.example",
}
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@dataclass
class Browser:
    """One browser: its own cookies, following no redirects, so each answer can be checked."""

    client: httpx.Client

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def post(self, path: str, form: dict[str, str], csrf: bool = True) -> httpx.Response:
        """POST `form`, with the CSRF token the admin pages give this session (unless `csrf` is False)."""
        data = {**form, "csrf_token": self.csrf_token()} if csrf else form
        return self.client.post(path, data=data)

    def csrf_token(self) -> str:
        page = self.client.get("/admin")
        found = _CSRF.search(page.text)
        assert found is not None, f"no CSRF token on /admin ({page.status_code})"
        return found.group(1)

    def log_in(self, email: str, password: str = PASSWORD, target: str = "") -> httpx.Response:
        form = {"email": email, "password": password}
        if target:
            form["next"] = target
        return self.client.post("/admin/login", data=form)


@dataclass
class Admin:
    """The served app with one user of each role."""

    web: Web
    users: dict[Role, User]
    browsers: list[Browser]

    def browser(self) -> Browser:
        browser = Browser(httpx.Client(base_url=self.web.served.url, timeout=30))
        self.browsers.append(browser)
        return browser

    def signed_in(self, role: Role) -> Browser:
        browser = self.browser()
        response = browser.log_in(EMAILS[role])
        assert response.status_code == 303, response.text
        return browser

    @property
    def settings(self) -> Settings:
        app = self.web.served.mount.app
        assert isinstance(app, FastAPI)
        settings: Settings = app.state.distributor.settings
        return settings

    def reconfigure(self, **overrides: str) -> None:
        """Serve a new app over the same database, with these settings changed."""
        engine = self.web.engine
        self.web.configure(web_settings(engine, self.settings.data_dir, **overrides))
        engine.dispose()

    def commit(self) -> None:
        """Let the app see what the test wrote, and the test what the app wrote."""
        self.web.session.commit()
        self.web.session.expire_all()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """PASSWORD's hash, made once: Argon2 is slow on purpose."""
    return hash_password(PASSWORD)


@pytest.fixture
def admin(web: Web, password_hash: str) -> Iterator[Admin]:
    users = {
        role: User(email=email, role=role, password_hash=password_hash)
        for role, email in EMAILS.items()
    }
    web.session.add_all(users.values())
    web.session.commit()
    site = Admin(web, users, [])
    yield site
    for browser in site.browsers:
        browser.client.close()
