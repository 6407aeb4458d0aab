"""Public addresses: every URL built from `urls` is routed by the web app to the page it names,
and `urls.route` reads a path as the app does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from distributor import tokens, urls
from distributor.config import load_settings
from distributor.db import make_engine
from distributor.web import journalists, logo, media, newsroom, signup, tracking
from distributor.web.app import create_app
from tests.conftest import MigratedTemplates
from tests.environment import GUARD_OFF

BASE = "https://press.example.org/"
SECRET = "test-secret-0123456789abcdef0123456789"
DELIVERY = tokens.delivery_token(42, SECRET)
SIGNATURE = tokens.media_signature("film", "poster.jpg", SECRET)
AGAIN = tokens.subscribe_again_token({"d": 42, "s": "lists", "t": 1796000000}, SECRET)

# (method, URL as emails and pages carry it, the endpoint it must reach)
BUILT: dict[str, tuple[str, str, Callable[..., Any]]] = {
    "home": ("GET", urls.url(BASE, urls.HOME), newsroom.home),
    "newsroom": ("GET", urls.url(BASE, urls.NEWSROOM), newsroom.newsroom),
    "web version": ("GET", urls.url(BASE, urls.RELEASE, slug="film"), newsroom.release),
    "web version in another language": (
        "GET",
        urls.url(BASE, urls.RELEASE_VERSION, slug="film", language="de"),
        newsroom.translated_release,
    ),
    "signed media": (
        "GET",
        urls.url(
            BASE,
            urls.MEDIA,
            {urls.MEDIA_SIGNATURE: SIGNATURE},
            slug="film",
            name="poster.jpg",
        ),
        media.media,
    ),
    "unsubscribe page": (
        "GET",
        urls.url(BASE, urls.UNSUBSCRIBE, token=DELIVERY),
        journalists.unsubscribe_page,
    ),
    "one-click unsubscribe": (
        "POST",
        urls.url(BASE, urls.UNSUBSCRIBE, token=DELIVERY),
        journalists.unsubscribe,
    ),
    "preferences page": (
        "GET",
        urls.url(BASE, urls.PREFERENCES, token=DELIVERY),
        journalists.preferences_page,
    ),
    "preferences saved": (
        "POST",
        urls.url(BASE, urls.PREFERENCES, token=DELIVERY),
        journalists.save,
    ),
    "subscribe-again page": (
        "GET",
        urls.url(BASE, urls.SUBSCRIBE_AGAIN, token=AGAIN),
        journalists.subscribe_again_page,
    ),
    "subscribed again": (
        "POST",
        urls.url(BASE, urls.SUBSCRIBE_AGAIN, token=AGAIN),
        journalists.subscribe_again_done,
    ),
    "logo": ("GET", urls.url(BASE, urls.LOGO), logo.logo),
    "click": (
        "GET",
        urls.url(BASE, urls.CLICK, token=tokens.click_token(42, tokens.encode_url(BASE), SECRET)),
        tracking.click,
    ),
    "open image": (
        "GET",
        urls.url(BASE, urls.OPEN_IMAGE, token=tokens.open_token(42, SECRET)),
        tracking.open_image,
    ),
    "sign-up form": ("GET", urls.url(BASE, urls.SIGNUP), signup.signup_form),
    "sign-up sent": ("POST", urls.url(BASE, urls.SIGNUP), signup.signup),
    "sign-up confirmation page": (
        "GET",
        urls.url(BASE, urls.SIGNUP_CONFIRM, token=tokens.signup_token({"e": "a"}, SECRET)),
        signup.confirm_page,
    ),
    "sign-up confirmed": (
        "POST",
        urls.url(BASE, urls.SIGNUP_CONFIRM, token=tokens.signup_token({"e": "a"}, SECRET)),
        signup.confirm,
    ),
}


@dataclass
class Routed:
    """The web app, keeping the scope of the last request it routed (routing writes the
    route and the endpoint into it)."""

    app: ASGIApp
    client: TestClient | None = None
    scope: Scope | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        await self.app(scope, receive, send)

    def route(self, method: str, url: str) -> tuple[str, Callable[..., Any]]:
        """The route pattern and endpoint the app chose for a request to `url`."""
        assert self.client is not None
        self.client.request(method, url, follow_redirects=False)
        assert self.scope is not None
        return self.scope["route"].path, self.scope["endpoint"]


@pytest.fixture(scope="module")
def routed(
    tmp_path_factory: pytest.TempPathFactory, migrated_templates: MigratedTemplates
) -> Iterator[Routed]:
    folder = tmp_path_factory.mktemp("urls")
    database = make_engine(f"sqlite:///{folder / 'test.sqlite3'}")
    migrated_templates.copy_into(database)
    settings = load_settings(
        {
            "DISTRIBUTOR_DATA_DIR": str(folder),
            "DISTRIBUTOR_DATABASE_URL": database.url.render_as_string(),
            "DISTRIBUTOR_SECRET_KEY": SECRET,
            **GUARD_OFF,
        }
    )
    app = create_app(settings)
    routed = Routed(app)
    with TestClient(routed, base_url=BASE.rstrip("/")) as client:
        routed.client = client
        yield routed
    app.state.distributor.engine.dispose()


@pytest.mark.parametrize("page", BUILT)
def test_a_built_url_reaches_its_page_in_the_web_app(routed: Routed, page: str) -> None:
    method, url, endpoint = BUILT[page]

    assert routed.route(method, url)[1] is endpoint


@pytest.mark.parametrize("page", BUILT)
def test_a_built_url_is_read_as_the_pattern_the_web_app_mounts(routed: Routed, page: str) -> None:
    method, url, _ = BUILT[page]

    assert _pattern(url) == routed.route(method, url)[0]


def test_every_public_pattern_has_a_built_url_above() -> None:
    built = {_pattern(url) for _, url, _ in BUILT.values()}

    assert built == set(urls.PUBLIC)


def _pattern(url: str) -> str | None:
    found = urls.route(url)
    return found[0] if found is not None else None


def test_a_built_url_lies_under_the_base_url() -> None:
    assert urls.url(BASE, urls.UNSUBSCRIBE, token=DELIVERY) == (
        f"https://press.example.org/u/{DELIVERY}"
    )


def test_slugs_and_file_names_are_percent_encoded() -> None:
    built = urls.url(BASE, urls.MEDIA, slug="film fund", name="plakát.jpg")

    assert built == "https://press.example.org/media/film%20fund/plak%C3%A1t.jpg"


def test_the_values_of_a_path_are_read_back() -> None:
    built = urls.url(BASE, urls.RELEASE_VERSION, slug="film fund", language="de")

    assert urls.route(built) == (
        urls.RELEASE_VERSION,
        {"slug": "film fund", "language": "de"},
    )


@pytest.mark.parametrize("path", ["/admin", "/u/a/b", "/o/token.png", "/releases"])
def test_a_path_of_no_public_page_is_read_as_none(path: str) -> None:
    assert urls.route(path) is None
