"""Crafted page numbers and searches in admin addresses: an answer, never a server error."""

from __future__ import annotations

import pytest

from distributor.models import Role
from tests.web.admin.conftest import Admin

HUGE = "9" * 5_000  # past Python's 4,300-digit limit for int()
BEYOND_BIGINT = str(10**30)
PAGED = [
    "/admin/audit",
    "/admin/bounces",
    "/admin/releases",
    "/admin/sendouts",
    "/admin/suppressions",
    "/admin/contacts",
]


@pytest.mark.parametrize("number", [HUGE, BEYOND_BIGINT, "-3", "0x10"])
@pytest.mark.parametrize("path", PAGED)
def test_a_page_number_far_past_the_end_answers_without_a_server_error(
    admin: Admin, path: str, number: str
) -> None:
    response = admin.signed_in(Role.ADMIN).get(f"{path}?page={number}")

    assert response.status_code in (200, 422)


@pytest.mark.parametrize("path", ["/admin/contacts", "/admin/suppressions"])
def test_a_search_of_twenty_thousand_characters_answers_without_a_server_error(
    admin: Admin, path: str
) -> None:
    response = admin.signed_in(Role.ADMIN).get(f"{path}?q={'müller ' * 3_000}")

    assert response.status_code in (200, 400, 422)
