"""/admin/releases: the releases, one release with its email, and the editor.

The editor holds a release in its file format (front matter and Markdown, as
`distributor releases add FILE` reads it) and shows the email it makes at phone and
desktop width: live through htmx while typing, or with the Preview button without script.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from distributor.audit import Actor
from distributor.errors import DistributorError, InvalidInput, NotFound, ReleaseFileError
from distributor.models import Release, ReleaseVersion
from distributor.releases import (
    IMPORT_FORMATS,
    IMPORT_MAX_BYTES,
    ImportedRelease,
    PictureHold,
    ReleaseDocument,
    add_release,
    attach_kit,
    count_releases,
    get_release,
    import_release,
    imported_text,
    list_releases,
    parse_release,
    pictures_named,
    prepare_kit,
    release_document,
    unsaved_release,
    update_release_from_file,
    with_held_pictures,
    write_release,
)
from distributor.rendering import EmailPreview, preview_email, release_embargo
from distributor.sending import sendouts_per_release
from distributor.web.admin.access import Reader, Writer
from distributor.web.admin.capped import capped_route
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, see_other, transaction
from distributor.web.csrf import csrf_protected
from distributor.web.pages import problem_page
from distributor.web.problems import status_of
from distributor.web.sessions import SignedIn
from distributor.web.state import AppState

router = APIRouter()
PATH = "/admin/releases"
SOURCE = "release text"  # what errors and the audit log name as the file
STARTER = """---
title: The release's title
language: en
summary: One line that inbox previews show under the subject.
---
The release's text, in Markdown.
"""

# Saves a parsed release; the release it stored.
Store = Callable[[Session, ReleaseDocument, Actor], Release]


@router.get(PATH)
def releases_page(request: Request, who: Reader, page: int = 1) -> HTMLResponse:
    pages = Pages.at(request, page)
    with transaction(request) as session:
        found = list_releases(session, PER_PAGE, pages.offset)
        total = count_releases(session)
        return admin_page(
            request,
            who,
            "releases.html",
            "Releases",
            releases=found,
            titles={release.id: _title(release) for release in found},
            sendouts=sendouts_per_release(session, [release.id for release in found]),
            pages=pages.of(total),
        )


def _version(release: Release) -> ReleaseVersion | None:
    """The release's text in its default language; None for one stored without a file."""
    try:
        return release.version()
    except LookupError:
        return None


def _title(release: Release) -> str:
    version = _version(release)
    return version.title if version else release.slug


@router.get(f"{PATH}/new")
def new_release_page(request: Request, who: Writer) -> HTMLResponse:
    return _editor(request, who, None, STARTER)


@router.post(f"{PATH}/new", dependencies=[Depends(csrf_protected)])
def new_release(
    request: Request,
    who: Writer,
    text: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save",
    pictures: Annotated[str, Form()] = "",
) -> Response:
    """Save a new release; with `pictures` (the hold of an imported document's pictures),
    those its text names come into its media kit, as beside a file `releases add` reads."""
    if not pictures:
        return _submit(request, who, None, text, action, add_release)
    hold = _hold(request)
    try:
        held = hold.get(pictures, who.principal.user_id)
    except NotFound as gone:  # forged, another user's, or already saved: never a path
        return _editor(request, who, None, _typed(text), gone)
    if action == "preview":
        return _editor(request, who, None, _typed(text), pictures=held.id)
    settings = AppState.of(request).settings

    def store(session: Session, document: ReleaseDocument, actor: Actor) -> Release:
        document = with_held_pictures(document, held)
        kit = prepare_kit(document, settings)  # files first: a refused save leaves no row
        release = add_release(session, document, actor)
        attach_kit(session, release, document, kit)
        return release

    response = _submit(request, who, None, text, action, store, pictures=held.id)
    if response.status_code == HTTPStatus.SEE_OTHER:
        hold.drop(held)
    return response


def _hold(request: Request) -> PictureHold:
    return PictureHold.of_settings(AppState.of(request).settings)


def _too_large(max_bytes: int) -> HTMLResponse:
    return problem_page(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        f"The document is larger than {max_bytes // 1024**2} MB. Nothing was imported; "
        "make the pictures in it smaller, or paste its text instead.",
    )


_uploads = APIRouter(route_class=capped_route(lambda _: IMPORT_MAX_BYTES, _too_large))


@_uploads.post(f"{PATH}/import", dependencies=[Depends(csrf_protected)])
def import_document(
    request: Request,
    who: Writer,
    file: Annotated[UploadFile | None, File()] = None,
    pasted: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The new-release editor filled from an uploaded document or pasted text, with what was
    recognised and what to check; nothing is saved until the officer saves the editor."""
    try:
        if file is not None and file.filename:
            # One byte past the limit is enough for the import to refuse it by its size.
            imported = import_release(
                file.file.read(IMPORT_MAX_BYTES + 1),
                file.filename,
                pictures_named=pictures_named(file.filename),
            )
        elif pasted.strip():
            imported = import_release(_typed(pasted).encode(), "the pasted text.txt")
        else:
            raise InvalidInput("Choose a document, or paste the release's text.")
    except DistributorError as error:
        message = str(error).replace("the pasted text.txt", "The pasted text")
        return _editor(request, who, None, STARTER, pasted=pasted, import_error=message)
    held = _hold(request).hold(imported, who.principal.user_id)
    text = imported_text(imported)
    return _editor(request, who, None, text, imported=imported, pictures=held or "")


router.include_router(_uploads)


@router.post(f"{PATH}/preview", dependencies=[Depends(csrf_protected)])
def preview(request: Request, who: Writer, text: Annotated[str, Form()] = "") -> HTMLResponse:
    """The preview part of the editor for `text`, for htmx to swap in (200 even for an error,
    which htmx would otherwise not show)."""
    shown, error = _preview_of(request, _typed(text))
    return admin_page(request, who, "_release_preview.html", "Preview", preview=shown, error=error)


@router.get(f"{PATH}/{{release_id}}")
def release_page(
    request: Request, who: Reader, release_id: int, language: str | None = None
) -> HTMLResponse:
    """The release and its email in `language` (one of its versions; default: its default one)."""
    with transaction(request) as session:
        release = get_release(session, release_id)
        version = _version(release)
        settings = AppState.of(request).settings
        return admin_page(
            request,
            who,
            "release.html",
            _title(release),
            release=release,
            version=version,
            sendouts=sendouts_per_release(session, [release.id]).get(release.id, 0),
            embargo=release_embargo(release, "en"),
            preview=preview_email(release, settings, language) if version else None,
            error=None if version else "This release has no text yet: edit it to write one.",
        )


@router.get(f"{PATH}/{{release_id}}/edit")
def edit_release_page(request: Request, who: Writer, release_id: int) -> HTMLResponse:
    with transaction(request) as session:
        release = get_release(session, release_id)
        text = write_release(release_document(release)) if _version(release) else STARTER
    return _editor(request, who, release_id, text)


@router.post(f"{PATH}/{{release_id}}/edit", dependencies=[Depends(csrf_protected)])
def edit_release(
    request: Request,
    who: Writer,
    release_id: int,
    text: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save",
) -> Response:
    def update(session: Session, document: ReleaseDocument, actor: Actor) -> Release:
        return update_release_from_file(session, release_id, document, actor)

    return _submit(request, who, release_id, text, action, update)


def _typed(text: str) -> str:
    """The textarea's text with the line breaks browsers send (CRLF) as the file has them."""
    return text.replace("\r\n", "\n")


def _submit(
    request: Request,
    who: SignedIn,
    release_id: int | None,
    text: str,
    action: str,
    store: Store,
    *,
    pictures: str = "",
) -> Response:
    """Save the typed release and show it, or show the editor again with the text as typed,
    its preview (the Preview button) or why it was not saved."""
    text = _typed(text)
    if action == "preview":
        return _editor(request, who, release_id, text, pictures=pictures)
    try:
        document = parse_release(text, SOURCE)
        # Not `transaction`: a refused save shows the editor with the text, not an error page.
        with AppState.of(request).sessions.begin() as session:
            saved = store(session, document, who.principal.actor).id
    except DistributorError as error:
        return _editor(request, who, release_id, text, error, pictures=pictures)
    return see_other(f"{PATH}/{saved}")


def _editor(
    request: Request,
    who: SignedIn,
    release_id: int | None,
    text: str,
    refused: DistributorError | None = None,
    *,
    imported: ImportedRelease | None = None,
    pasted: str = "",
    import_error: str | None = None,
    pictures: str = "",
) -> HTMLResponse:
    shown, error = _preview_of(request, text)
    return admin_page(
        request,
        who,
        "release_edit.html",
        "Edit the release" if release_id else "New release",
        status_of(refused) if refused else HTTPStatus.OK,
        release_id=release_id,
        text=text,
        refused=_message(refused) if refused else None,
        preview=shown,
        error=error,
        recognised=imported.recognised if imported else (),
        checks=[_sentence(check.removeprefix("Check: ")) for check in imported.checks]
        if imported
        else [],
        pasted=pasted,
        pictures=pictures,
        held=len(imported.pictures) if imported else 0,
        import_error=import_error,
        import_limit=f"{IMPORT_MAX_BYTES // 1024**2} MB",
        import_accept=",".join(IMPORT_FORMATS),
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _preview_of(request: Request, text: str) -> tuple[EmailPreview | None, str | None]:
    """The email `text` makes, or why it makes none."""
    try:
        document = parse_release(text, SOURCE)
    except ReleaseFileError as error:
        return None, _message(error)
    return preview_email(unsaved_release(document), AppState.of(request).settings), None


def _message(error: DistributorError) -> str:
    """What the editor says: `Line 3: embargo: …` for a parse error, the message otherwise."""
    if isinstance(error, ReleaseFileError):
        return "Line " + str(error).removeprefix(f"{error.source}:")
    return str(error)
