"""The API keys page: every key, a new one shown once, revocation after a confirmation."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from distributor.accounts.api_keys import create_api_key
from distributor.audit import Actor
from distributor.models import ApiKey, Role
from distributor.models.base import utcnow
from tests.web.admin.conftest import EMAILS, Admin

OPERATOR = Actor("test:admin", Role.ADMIN)
KEY = re.compile(r"dst_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


def api(admin: Admin, key: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.get(f"{admin.web.served.url}/api/v1/lists", headers=headers, timeout=30)


def keys(admin: Admin) -> list[ApiKey]:
    admin.commit()
    return list(admin.web.session.scalars(select(ApiKey)))


def made(admin: Admin, role: Role = Role.PRESS_OFFICER) -> tuple[ApiKey, str]:
    """A key for the press officer, made with the service."""
    key, plaintext = create_api_key(
        admin.web.session, admin.users[role], "newsroom CMS", OPERATOR, expires_at=None
    )
    admin.commit()
    return key, plaintext


def test_a_created_key_is_shown_once_and_works_as_a_bearer(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    created = browser.post(
        "/admin/keys",
        {"user": EMAILS[Role.VIEWER], "name": "newsroom CMS", "role": "", "expires": "90d"},
    )
    later = browser.get("/admin/keys")

    assert created.status_code == 200  # the answer itself, not a redirect carrying it
    found = KEY.findall(created.text)
    assert len(found) == 1
    secret = found[0]
    assert "set-cookie" not in created.headers
    assert secret not in later.text
    prefix = secret.split("_")[1]
    assert f"<code>{prefix}</code>" in later.text
    assert api(admin, secret).status_code == 200
    (key,) = keys(admin)
    assert (key.user.email, key.role, key.name) == (
        EMAILS[Role.VIEWER],
        Role.VIEWER,
        "newsroom CMS",
    )
    assert key.expires_at is not None
    assert timedelta(days=89) < key.expires_at - utcnow() <= timedelta(days=90)


def test_a_key_with_a_role_above_its_users_is_refused(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/keys", {"user": EMAILS[Role.VIEWER], "name": "too strong", "role": "admin"}
    )

    assert response.status_code == 422
    assert '<span class="error" id="e-role">A key may do no more than its user' in response.text
    assert KEY.search(response.text) is None
    assert keys(admin) == []


def test_an_expiry_that_is_not_a_duration_is_refused(admin: Admin) -> None:
    browser = admin.signed_in(Role.ADMIN)

    response = browser.post(
        "/admin/keys", {"user": EMAILS[Role.VIEWER], "name": "CMS", "expires": "soon"}
    )

    assert response.status_code == 422
    assert '<span class="error" id="e-expires">Write how long the key works' in response.text
    assert 'value="soon"' in response.text
    assert keys(admin) == []


def test_every_key_is_listed_with_owner_role_dates_and_last_use(admin: Admin) -> None:
    key, plaintext = made(admin)
    assert api(admin, plaintext).status_code == 200

    page = admin.signed_in(Role.ADMIN).get("/admin/keys")

    row = page.text[page.text.index(f"<code>{key.prefix}</code>") :].split("</tr>")[0]
    cells = re.findall(r"<td data-label=\"[^\"]+\">(.*?)</td>", row)
    assert cells[:3] == ["newsroom CMS", EMAILS[Role.PRESS_OFFICER], "Press officer"]
    assert cells[3].endswith(" UTC</time>")  # created, on the user's clock (UTC by default)
    assert cells[4] == "never"  # expires
    assert cells[5].endswith(" UTC</time>")  # last used
    assert cells[6] == "no"  # not revoked
    assert f'href="/admin/keys/{key.prefix}/revoke"' in row


def test_a_key_is_revoked_after_confirmation_and_then_gets_401(admin: Admin) -> None:
    key, plaintext = made(admin)
    browser = admin.signed_in(Role.ADMIN)

    confirm = browser.get(f"/admin/keys/{key.prefix}/revoke")
    still = api(admin, plaintext)
    revoked = browser.post(f"/admin/keys/{key.prefix}/revoke", {})

    assert confirm.status_code == 200
    assert f'action="/admin/keys/{key.prefix}/revoke"' in confirm.text
    assert still.status_code == 200  # asking is not revoking
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/admin/keys"
    assert api(admin, plaintext).status_code == 401
    assert f'href="/admin/keys/{key.prefix}/revoke"' not in browser.get("/admin/keys").text


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRESS_OFFICER])
def test_roles_below_admin_cannot_see_make_or_revoke_keys(admin: Admin, role: Role) -> None:
    key, _ = made(admin)
    browser = admin.signed_in(role)

    listed = browser.get("/admin/keys")
    created = browser.post("/admin/keys", {"user": EMAILS[role], "name": "mine"})
    revoked = browser.post(f"/admin/keys/{key.prefix}/revoke", {})

    assert [r.status_code for r in (listed, created, revoked)] == [403, 403, 403]
    assert 'href="/admin/keys"' not in browser.get("/admin").text
    assert [k.revoked_at for k in keys(admin)] == [None]
