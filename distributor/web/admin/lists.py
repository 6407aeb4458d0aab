"""/admin/lists: the lists, a new list, and one list's contacts with search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from distributor.config import MAX_SLUG, SLUG_PATTERN
from distributor.contacts import MAX_NAME, create_list, list_lists, search_contacts, summarize_list
from distributor.errors import Conflict
from distributor.web.admin import forms
from distributor.web.admin.access import ListManager, Reader
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, done, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn

router = APIRouter()
PATH = "/admin/lists"
CRUMBS = (("Lists", PATH),)
# The filters of a list's page: the contact field each searches, and its label.
FILTERS = {"outlet": "Outlet", "country": "Country", "language": "Language", "beat": "Beat"}

Text = Annotated[str, Form()]


@router.get(PATH)
def lists_page(request: Request, who: Reader, archived: bool = False) -> HTMLResponse:
    return _lists_page(request, who, forms.Form(), archived)


def _lists_page(
    request: Request, who: SignedIn, form: forms.Form, archived: bool = False
) -> HTMLResponse:
    with transaction(request) as session:
        lists = list_lists(session, include_archived=archived)
        return admin_page(
            request,
            who,
            "lists.html",
            "Lists",
            form.status,
            lists=lists,
            archived=archived,
            form=form,
            max_slug=MAX_SLUG,
            max_name=MAX_NAME,
        )


@router.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
def new_list(
    request: Request,
    who: ListManager,
    slug: Text = "",
    name: Text = "",
    description: Text = "",
) -> HTMLResponse | RedirectResponse:
    form = forms.Form({"slug": slug, "name": name, "description": description})
    slug, name = slug.strip(), " ".join(name.split())
    if not slug:
        form.refuse("slug", "Give the list a short name, such as film-critics.")
    elif len(slug) > MAX_SLUG or not SLUG_PATTERN.match(slug):
        form.refuse(
            "slug",
            "A short name holds only lowercase letters, digits and hyphens between them, "
            f"such as film-critics-fr, at most {MAX_SLUG} characters.",
        )
    if len(name) > MAX_NAME:
        form.refuse("name", f"The name is {len(name)} characters long; keep it to {MAX_NAME}.")
    if form.valid:
        with transaction(request) as session:
            try:
                created = create_list(
                    session,
                    slug,
                    who.principal.actor,
                    name=name or None,
                    description=description.strip() or None,
                )
            except Conflict:
                form.refuse(
                    "slug", f"Another list already has the short name {slug}; choose another."
                )
            else:
                path = f"{PATH}/{created.slug}"
                return done(request, path, f"The list {created.name} is created.")
    return _lists_page(request, who, form)


@router.get(f"{PATH}/{{slug}}")
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
            crumbs=CRUMBS,
            summary=summary,
            contacts=found.contacts,
            pages=pages.of(found.total),
            q=q,
            filters=filters,
            labels=FILTERS,
        )
