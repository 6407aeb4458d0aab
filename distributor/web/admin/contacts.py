"""/admin/contacts: every journalist across all lists, searched, filtered, sorted and paged,
and bulk actions on the ones ticked or on all that match (add to a list, remove from a list,
suppress, export), followed on a progress page while they run."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from distributor.accounts import Permission, allows
from distributor.contacts import (
    ENGAGEMENT_DAYS,
    ContactFilter,
    ContactStatus,
    Engagement,
    ExportFormat,
    Sorting,
    SortKey,
    bulk_progress,
    export_selection,
    filter_problems,
    find_contacts,
    list_choices,
    run_in_background,
    start_bulk,
)
from distributor.errors import InvalidInput
from distributor.models import BulkAction
from distributor.web.admin import forms
from distributor.web.admin.access import Reader
from distributor.web.admin.downloads import attachment
from distributor.web.admin.views import LAST_PAGE, admin_page, done, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.sessions import SignedIn
from distributor.web.state import AppState

router = APIRouter()
PATH = "/admin/contacts"
CRUMBS = (("Contacts", PATH),)
FILTERS = ("text", "list_slug", "outlet", "beat", "country", "language", "status", "engagement")
STATUSES = (
    (ContactStatus.SUBSCRIBED, "Subscribed"),
    (ContactStatus.UNSUBSCRIBED, "Unsubscribed"),
    (ContactStatus.SUPPRESSED, "Suppressed (never mailed)"),
    (ContactStatus.BOUNCED, "Bounced"),
)
ENGAGEMENTS = (
    (Engagement.ACTIVE, f"Opened or clicked in the last {ENGAGEMENT_DAYS} days"),
    (Engagement.CLICKED, f"Clicked in the last {ENGAGEMENT_DAYS} days"),
    (Engagement.QUIET, f"No open or click in the last {ENGAGEMENT_DAYS} days"),
    (Engagement.NEVER, "Never opened or clicked"),
)
COLUMNS = (
    (SortKey.NAME, "Name"),
    (SortKey.EMAIL, "Email"),
    (SortKey.OUTLET, "Outlet"),
    (SortKey.COUNTRY, "Country"),
    (SortKey.LANGUAGE, "Language"),
    (SortKey.ADDED, "Added"),
)
ACTIONS = (
    ("add_to_list", "Add to a list"),
    ("remove_from_list", "Remove from a list"),
    ("suppress", "Suppress: never mail them again"),
    ("export", "Export"),
)
FORMATS = (
    (ExportFormat.CSV.value, "CSV (Excel, Numbers, LibreOffice)"),
    ("xlsx", "Excel workbook"),
)
_MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_PLAIN = {
    "country": "“{}” is not a country we know. Type a country such as France, or its two-letter "
    "code such as FR.",
    "language": "“{}” is not a language we know. Type a language such as French, or its code "
    "such as fr.",
}


@router.get(PATH)
def contacts_page(request: Request, who: Reader) -> HTMLResponse:
    return _page(request, who, request.query_params, forms.Form({"scope": "selected"}))


def _page(
    request: Request, who: SignedIn, query: Mapping[str, str], bulk: forms.Form
) -> HTMLResponse:
    """The page for the filter in `query`; with a wrong filter, the filter form comes back with
    what was typed and why, and no table."""
    chosen = forms.Form({name: query.get(name, "").strip() for name in FILTERS})
    _check_choices(chosen)
    wanted = ContactFilter.from_query(dict(chosen.values)) if chosen.valid else ContactFilter()
    for name, _ in filter_problems(wanted).items():
        chosen.refuse(name, _PLAIN[name].format(getattr(wanted, name)))
    sorting = _sorting(query)
    number = _page_number(query.get("page", ""))
    with transaction(request) as session:
        lists = list_choices(session)
        if wanted.list_slug and wanted.list_slug not in {c.slug for c in lists}:
            chosen.refuse("list_slug", "Choose a list from the menu: that one does not exist.")
        found = find_contacts(session, wanted, sorting, number) if chosen.valid else None
    status = chosen.status if not chosen.valid else bulk.status
    return admin_page(
        request,
        who,
        "contacts.html",
        "Contacts",
        status,
        filters=chosen,
        bulk=bulk,
        wanted=wanted,
        found=found,
        list_options=[(c.slug, c.name) for c in lists],
        open_lists=[(c.slug, c.name) for c in lists if not c.archived],
        statuses=STATUSES,
        engagements=ENGAGEMENTS,
        columns=COLUMNS,
        sorting=sorting,
        actions=_actions_for(who),
        formats=FORMATS,
        link=lambda **changes: _link(wanted, sorting, number, changes),
        numbers=_numbers(found.number, found.pages) if found else [],
    )


def _actions_for(who: SignedIn) -> tuple[tuple[str, str], ...]:
    """The bulk actions `who` may take: all for whoever changes lists, export for press officers,
    none for a reader."""
    role = who.principal.role
    if allows(role, Permission.MANAGE_LISTS):
        return ACTIONS
    return tuple(a for a in ACTIONS if a[0] == "export") if allows(role, Permission.SEND) else ()


def _check_choices(chosen: forms.Form) -> None:
    """Status and engagement come from menus; a value not among them is refused in words."""
    for name, choices in (("status", STATUSES), ("engagement", ENGAGEMENTS)):
        value = chosen.value(name)
        if value and value not in {choice.value for choice, _ in choices}:
            chosen.refuse(name, f"Choose a {name} from the menu.")


def _sorting(query: Mapping[str, str]) -> Sorting:
    """The sort order asked for; one that is not a column sorts by name (links make them)."""
    try:
        return Sorting.from_query(query.get("sort", ""), query.get("direction", ""))
    except InvalidInput:
        return Sorting()


def _page_number(text: str) -> int:
    """The page asked for: 1 unless a number, at most LAST_PAGE; a number of thousands of
    digits is not read (`int` refuses past 4,300)."""
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(LAST_PAGE)):
        return LAST_PAGE
    return min(max(int(text), 1), LAST_PAGE)


def _link(wanted: ContactFilter, sorting: Sorting, number: int, changes: dict[str, Any]) -> str:
    """This page's address with `changes` (sort, direction, page) made; the filter kept."""
    query: dict[str, Any] = {
        **wanted.as_query(),
        "sort": sorting.key.value,
        "direction": "desc" if sorting.descending else "asc",
        "page": number,
        **changes,
    }
    defaults = {"sort": "name", "direction": "asc", "page": 1}
    kept = {k: v for k, v in query.items() if v not in ("", None) and defaults.get(k) != v}
    return f"{PATH}?{urlencode(kept)}" if kept else PATH


def _numbers(current: int, last: int) -> list[int | None]:
    """The page numbers to link: the first two, the last two, and two either side of this one;
    None where numbers are left out."""
    shown = sorted(
        {1, 2, last - 1, last, *range(current - 2, current + 3)} & set(range(1, last + 1))
    )
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


@router.post(f"{PATH}/bulk", dependencies=[Depends(csrf_protected)], response_model=None)
async def bulk_action(request: Request, who: Reader) -> Response:
    """Start a bulk action on the contacts ticked or all that match, or download them.

    Changes run in the background, chunk by chunk; the browser follows them on the job's page.
    """
    posted = await request.form()
    query = {name: str(posted.get(name, "")) for name in (*FILTERS, "sort", "direction", "page")}
    ids = tuple(int(str(v)) for v in posted.getlist("ids") if str(v).isdigit())
    typed = {
        name: str(posted.get(name, "")).strip()
        for name in ("action", "scope", "list", "reason", "format")
    }
    bulk = forms.Form({**typed, "ids": [str(i) for i in ids]})
    wanted = _valid_filter(query)
    if wanted is None:
        return _page(request, who, query, bulk)
    _check_bulk(bulk, ids)
    if not bulk.valid:
        return _page(request, who, query, bulk)
    chosen_ids = ids if typed["scope"] == "selected" else ()
    if typed["action"] == "export":
        return _export(request, who, wanted, chosen_ids, ExportFormat(typed["format"]))
    action = BulkAction(typed["action"])
    with transaction(request) as session:
        try:
            job = start_bulk(
                session,
                action,
                wanted,
                who.principal.actor,
                ids=chosen_ids,
                list_slug=typed["list"] or None,
                reason=typed["reason"] or None,
            )
        except InvalidInput:
            job = None
        job_id, total = (job.id, job.total) if job else (0, 0)
    if not job_id:
        bulk.refuse("scope", "No contact matches any more: nothing was changed.")
        return _page(request, who, query, bulk)
    run_in_background(AppState.of(request).sessions, job_id)
    doing = dict(ACTIONS)[action.value]
    return done(request, f"{PATH}/jobs/{job_id}", f"{doing}: {total:,} contacts, started.")


def _valid_filter(query: Mapping[str, str]) -> ContactFilter | None:
    """The filter of a bulk form, or None when it is not one the page would show."""
    chosen = forms.Form({name: query.get(name, "").strip() for name in FILTERS})
    _check_choices(chosen)
    if not chosen.valid:
        return None
    wanted = ContactFilter.from_query(dict(chosen.values))
    return None if filter_problems(wanted) else wanted


def _check_bulk(bulk: forms.Form, ids: tuple[int, ...]) -> None:
    action = bulk.value("action")
    if action not in dict(ACTIONS):
        bulk.refuse("action", "Choose what to do with the contacts.")
    if bulk.value("scope") not in ("selected", "all"):
        bulk.refuse("scope", "Choose the contacts ticked, or all the contacts that match.")
    elif bulk.value("scope") == "selected" and not ids:
        bulk.refuse("scope", "Tick at least one contact, or choose all the contacts that match.")
    if action in ("add_to_list", "remove_from_list") and not bulk.value("list"):
        bulk.refuse("list", "Choose the list.")
    if action == "suppress" and not bulk.value("reason"):
        bulk.refuse(
            "reason",
            "Say why these contacts must never be mailed again, such as "
            "“Asked by phone on 3 March”.",
        )
    if action == "export" and bulk.value("format") not in dict(FORMATS):
        bulk.refuse("format", "Choose CSV or Excel.")


def _export(
    request: Request,
    who: SignedIn,
    wanted: ContactFilter,
    ids: tuple[int, ...],
    format: ExportFormat,
) -> Response:
    out = io.BytesIO()
    with transaction(request) as session:
        export_selection(session, out, format, wanted, who.principal.actor, ids=ids)
    return attachment(out.getvalue(), _MEDIA_TYPES[format], f"contacts.{format.value}")


@router.get(PATH + "/jobs/{job_id}")
def job_page(request: Request, who: Reader, job_id: int) -> HTMLResponse:
    """How far a bulk action got; htmx asks for the progress again until it is finished,
    and without script a link does."""
    with transaction(request) as session:
        progress = bulk_progress(session, job_id)
    back = f"{PATH}?{urlencode(progress.selection.get('filter', {}))}".rstrip("?")
    fragment = request.headers.get("HX-Request") == "true"
    return admin_page(
        request,
        who,
        "_bulk_progress.html" if fragment else "bulk_job.html",
        f"Bulk action {job_id}",
        crumbs=CRUMBS,
        job=progress,
        back=back,
        actions=dict(ACTIONS),
    )
