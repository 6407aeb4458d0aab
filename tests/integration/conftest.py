"""A private Postfix for the session, relaying to one capture server and bouncing to another.

Postfix takes seconds to start, so it and its capture servers run once per session;
each test gets the capture servers emptied of earlier tests' mail.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import _serve
from tests.integration import BOUNCE_DOMAIN, LOCAL_DOMAIN
from tests.sending.conftest import journalists, key_pair, release  # noqa: F401 - shared fixtures
from tests.servers import PostfixInstance, postfix_server
from tests.smtp_server import CaptureServer, smtp_server


@pytest.fixture(scope="session")
def relay_target() -> Iterator[CaptureServer]:
    """Where Postfix relays all mail that is not local and not a bounce: the outside world."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def bounce_target() -> Iterator[CaptureServer]:
    """Where Postfix delivers mail for BOUNCE_DOMAIN: the bounce receiver."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def postfix(relay_target: CaptureServer, bounce_target: CaptureServer) -> Iterator[PostfixInstance]:
    """Postfix on loopback; skipped (or failed, when CI requires servers) if it is missing."""
    yield from _serve(
        lambda: postfix_server(
            relay_target.port,
            bounce_routes={BOUNCE_DOMAIN: bounce_target.port},
            local_domain=LOCAL_DOMAIN,
            local_mailboxes=["editor"],
        )
    )


@pytest.fixture
def relayed(relay_target: CaptureServer) -> CaptureServer:
    """The relay target, holding only what arrives during this test."""
    relay_target.messages.clear()
    return relay_target


@pytest.fixture
def bounced(bounce_target: CaptureServer) -> CaptureServer:
    """The bounce receiver, holding only what arrives during this test."""
    bounce_target.messages.clear()
    return bounce_target
