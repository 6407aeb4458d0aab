"""/admin/lists: the lists, a new list, and one list's contacts with search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.contacts import create_list, list_lists, search_contacts, summarize_list
from distributor.web.admin.access import ListManager, Reader
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected

router = APIRouter()


@router.get("/admin/lists")
def lists_page(request: Request, who: Reader, archived: bool = False) -> HTMLResponse:
    with transaction(request) as session:
        lists = list_lists(session, include_archived=archived)
        return admin_page(request, who, "lists.html", "Lists", lists=lists, archived=archived)


@router.post("/admin/lists", dependencies=[Depends(csrf_protected)])
def new_list(
    request: Request,
    who: ListManager,
    slug: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> RedirectResponse:
    with transaction(request) as session:
        created = create_list(
            session, slug, who.principal.actor, name=name or None, description=description or None
        )
        return see_other(f"/admin/lists/{created.slug}")


@router.get("/admin/lists/{slug}")
def list_page(
    request: Request,
    who: Reader,
    slug: str,
    q: str = "",
    outlet: str = "",
    country: str = "",
    language: str = "",
    beat: str = "",
    page: int = 1,
) -> HTMLResponse:
    pages = Pages.at(request, page)
    filters = {"outlet": outlet, "country": country, "language": language, "beat": beat}
    with transaction(request) as session:
        summary = summarize_list(session, slug)
        found = search_contacts(
            session,
            q,
            list_slug=slug,
            limit=PER_PAGE,
            offset=pages.offset,
            **{name: value.strip() or None for name, value in filters.items()},
        )
        return admin_page(
            request,
            who,
            "list.html",
            summary.name,
            summary=summary,
            contacts=found.contacts,
            pages=pages.of(found.total),
            q=q,
            filters=filters,
        )
