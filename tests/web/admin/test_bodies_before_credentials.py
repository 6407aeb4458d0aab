"""Bodies sent to the admin or the API without a credential are refused before they are read,
and every body has a size limit.

The anonymous requests are written on a raw socket that declares a large body and
sends only its start: the answer must come without the rest being sent.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from distributor.models import Role
from tests.web.admin.conftest import Admin

MEGABYTE = 1024 * 1024


def _answer_to_a_body_never_finished(
    admin: Admin, path: str, headers: str = "", declared: int = 100 * MEGABYTE
) -> bytes:
    """The status line and headers the app answers to a POST whose declared body never
    arrives past its first KB; b"" when the app waits for the rest."""
    parts = urlsplit(admin.web.served.url)
    with socket.create_connection((parts.hostname, parts.port)) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {declared}\r\n{headers}\r\n".encode()
            + b"--x\r\nContent-Disposition: form-data; name=file; filename=a.csv\r\n\r\n"
            + b"a" * 1024
        )
        connection.settimeout(5)
        try:
            return connection.recv(4096).split(b"\r\n\r\n")[0]
        except TimeoutError:
            return b""


def test_an_anonymous_upload_to_the_admin_is_sent_to_log_in_before_its_body_is_read(
    admin: Admin,
) -> None:
    answer = _answer_to_a_body_never_finished(admin, "/admin/lists/film/import")

    assert answer.startswith(b"HTTP/1.1 303")
    assert b"location: /admin/login?next=%2Fadmin" in answer


def test_a_forged_session_cookie_does_not_open_the_door(admin: Admin) -> None:
    forged = "Cookie: distributor_session=eyJ1IjoxfQ.forged\r\n"

    answer = _answer_to_a_body_never_finished(admin, "/admin/releases/new", forged)

    assert answer.startswith(b"HTTP/1.1 303")


def test_an_api_request_with_a_body_and_no_key_is_refused_before_its_body_is_read(
    admin: Admin,
) -> None:
    answer = _answer_to_a_body_never_finished(admin, "/api/v1/contacts")

    assert answer.startswith(b"HTTP/1.1 401")
    assert b"application/problem+json" in answer
    assert b"www-authenticate: bearer" in answer.lower()


def test_the_login_form_takes_no_large_body(admin: Admin) -> None:
    answer = _answer_to_a_body_never_finished(admin, "/admin/login")

    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/admin/lists", 2 * MEGABYTE), ("/api/v1/lists", 4 * MEGABYTE)],
)
def test_a_signed_in_body_over_its_limit_is_refused_413(
    admin: Admin, path: str, limit: int
) -> None:
    browser = admin.signed_in(Role.ADMIN)
    cookie = browser.client.cookies.get("distributor_session")
    headers = f"Cookie: distributor_session={cookie}\r\nAuthorization: Bearer dst_x\r\n"

    answer = _answer_to_a_body_never_finished(admin, path, headers, declared=limit + 1)

    assert answer.startswith(b"HTTP/1.1 413")
