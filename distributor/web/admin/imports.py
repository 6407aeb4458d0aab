"""/admin/lists/{slug}/import: upload a contact file, preview its dry run, choose the columns,
import it, and download the rows it rejected."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from distributor.contacts import (
    ENCODING_CHOICES,
    TARGETS,
    UploadStore,
    UploadTooLarge,
    encoding_label,
    import_upload,
    parse_overrides,
    preview_upload,
    size_limit_text,
    summarize_list,
    target_label,
)
from distributor.errors import InvalidInput, NotFound
from distributor.web.admin import forms
from distributor.web.admin.access import ListManager
from distributor.web.admin.capped import SELF_CAPPED, capped_route
from distributor.web.admin.views import admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.pages import problem_page
from distributor.web.sessions import PageRefused, SignedIn
from distributor.web.state import AppState

PATH = "/admin/lists/{slug}/import"
SHOWN_ISSUES = 200  # rows of each problem table on a page; the CSV download has them all


def _too_large(max_bytes: int) -> HTMLResponse:
    return problem_page(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        f"The file is larger than the upload limit of {size_limit_text(max_bytes, setting=False)}. "
        "Nothing was imported; split it into smaller files and import each.",
    )


router = APIRouter()
_uploads = APIRouter(
    route_class=capped_route(
        lambda request: AppState.of(request).settings.upload_max_bytes, _too_large
    ),
    max_body_size=SELF_CAPPED,
)


def _store(request: Request) -> UploadStore:
    return UploadStore.of_settings(AppState.of(request).settings)


@router.get(PATH)
def upload_page(request: Request, who: ListManager, slug: str) -> HTMLResponse:
    return _upload_page(request, who, slug, forms.Form())


def _upload_page(request: Request, who: SignedIn, slug: str, form: forms.Form) -> HTMLResponse:
    with transaction(request) as session:
        summary = summarize_list(session, slug)
    return admin_page(
        request,
        who,
        "import.html",
        f"Import contacts into {summary.name}",
        form.status,
        crumbs=_crumbs(slug, summary.name),
        summary=summary,
        limit=size_limit_text(_store(request).max_bytes, setting=False),
        encodings=_encodings(),
        form=form,
    )


def _crumbs(slug: str, name: str, *steps: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    """The way back from an import step: the lists, the list, and the steps before this one."""
    return (("Lists", "/admin/lists"), (name, f"/admin/lists/{quote(slug)}"), *steps)


def _encodings() -> list[tuple[str, str]]:
    """The text encodings a person may choose, in their words."""
    return [(name, encoding_label(name)) for name in ENCODING_CHOICES]


@_uploads.post(PATH, dependencies=[Depends(csrf_protected)], response_model=None)
def upload(
    request: Request,
    who: ListManager,
    slug: str,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[str, Form()] = "",
    update: Annotated[bool, Form()] = False,
    encoding: Annotated[str, Form()] = "",
) -> HTMLResponse | RedirectResponse:
    form = forms.Form({"sheet": sheet, "update": update, "encoding": encoding})
    if file is None or not file.filename:
        form.refuse("file", "Choose the file that holds the contacts.")
        return _upload_page(request, who, slug, form)
    with transaction(request) as session:
        summarize_list(session, slug)  # an unknown list is refused before anything is stored
        try:
            saved = _store(request).save(file.file, file.filename, slug, who.principal.user_id)
        except UploadTooLarge:
            return _too_large(_store(request).max_bytes)
        except InvalidInput:
            form.refuse(
                "file", f"{file.filename} is empty: choose the file that holds the contacts."
            )
            return _upload_page(request, who, slug, form)
    chosen = (("sheet", sheet), ("update", update and "on"), ("encoding", encoding))
    query = urlencode({k: v for k, v in chosen if v})
    return see_other(f"/admin/lists/{slug}/import/{saved.id}" + (f"?{query}" if query else ""))


router.include_router(_uploads)


@router.get(f"{PATH}/{{upload_id}}")
def preview_page(
    request: Request,
    who: ListManager,
    slug: str,
    upload_id: str,
    sheet: str = "",
    update: bool = False,
    encoding: str = "",
) -> HTMLResponse:
    return _preview(request, who, slug, upload_id, [], sheet, update, encoding)


@router.post(f"{PATH}/{{upload_id}}", dependencies=[Depends(csrf_protected)])
def check_or_import(
    request: Request,
    who: ListManager,
    slug: str,
    upload_id: str,
    action: Annotated[str, Form()] = "check",
    mapping: Annotated[list[str] | None, Form(alias="map")] = None,
    sheet: Annotated[str, Form()] = "",
    update: Annotated[bool, Form()] = False,
    encoding: Annotated[str, Form()] = "",
) -> HTMLResponse:
    chosen = [item for item in mapping or [] if item]
    if action != "import":
        return _preview(request, who, slug, upload_id, chosen, sheet, update, encoding)
    store = _store(request)
    with transaction(request) as session:
        name = summarize_list(session, slug).name
        found = store.get(upload_id, slug, who.principal.user_id)
        report = import_upload(
            session,
            found,
            who.principal.actor,
            mapping=parse_overrides(chosen),
            sheet=sheet or None,
            update=update,
            encoding=encoding or None,
        )
    store.finish(found, report, sheet or None)  # once the import is committed
    return admin_page(
        request,
        who,
        "import_report.html",
        f"Imported {found.name}",
        crumbs=_crumbs(slug, name, ("Import", PATH.format(slug=quote(slug)))),
        slug=slug,
        upload_id=upload_id,
        report=report,
        shown=SHOWN_ISSUES,
    )


@router.get(f"{PATH}/{{upload_id}}/rejected.csv")
def rejected_rows(request: Request, who: ListManager, slug: str, upload_id: str) -> FileResponse:
    try:
        path = _store(request).rejections(upload_id, slug, who.principal.user_id)
    except NotFound as error:
        raise PageRefused(HTTPStatus.NOT_FOUND, str(error)) from None
    return FileResponse(
        path,
        media_type="text/csv; charset=utf-8",
        filename=f"rejected-{slug}.csv",
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


def _preview(
    request: Request,
    who: SignedIn,
    slug: str,
    upload_id: str,
    chosen: list[str],
    sheet: str,
    update: bool,
    encoding: str,
) -> HTMLResponse:
    """The preview page: the dry run of the upload with the columns and encoding chosen so far."""
    overrides = parse_overrides(chosen)
    with transaction(request) as session:
        summary = summarize_list(session, slug)
        found = _store(request).get(upload_id, slug, who.principal.user_id)
        preview = preview_upload(
            session,
            found,
            who.principal.actor,
            mapping=overrides,
            sheet=sheet or None,
            update=update,
            encoding=encoding or None,
        )
        return admin_page(
            request,
            who,
            "import_preview.html",
            f"Preview of {found.name}",
            HTTPStatus.OK if preview.problem is None else HTTPStatus.BAD_REQUEST,
            crumbs=_crumbs(summary.slug, summary.name, ("Import", PATH.format(slug=quote(slug)))),
            slug=slug,
            summary=summary,
            preview=preview,
            overrides=overrides,
            targets=[(target, target_label(target)) for target in TARGETS],
            target_label=target_label,
            sheet=sheet,
            update=update,
            encoding=encoding,
            encodings=_encodings(),
            encoding_label=encoding_label,
            shown=SHOWN_ISSUES,
        )
