"""/admin/releases: the releases, one release with its email, and the composer.

The composer writes a release field by field (`composer`: title, dateline, embargo on the
officer's clock, media contacts, the Markdown text, the media kit), or as its file text
(front matter and Markdown, as `distributor releases add FILE` reads it) for those who
prefer it; the two tabs turn one into the other through the file format. Beside it, the
email it makes at phone or desktop width: live through htmx while typing, or with the
Preview button without script.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from http import HTTPStatus
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as PostedFile

from distributor.accounts import Permission
from distributor.audit import Actor
from distributor.errors import Conflict, DistributorError, InvalidInput, NotFound, ReleaseFileError
from distributor.models import MediaFile, MediaKind, Release, ReleaseVersion
from distributor.releases import (
    IMPORT_FORMATS,
    IMPORT_MAX_BYTES,
    ImportedRelease,
    KitWords,
    PictureHold,
    ReleaseDocument,
    StoredUpload,
    add_release,
    add_to_kit,
    attach_kit,
    count_releases,
    draft_release,
    earlier_contacts,
    get_release,
    import_release,
    imported_text,
    list_releases,
    parse_release,
    pictures_named,
    prepare_kit,
    release_document,
    store_upload,
    update_release_from_file,
    upload_kind,
    with_held_pictures,
    write_release,
)
from distributor.rendering import EmailPreview, preview_email, release_embargo
from distributor.sending import sendouts_per_release
from distributor.web.admin import composer
from distributor.web.admin.access import Reader, Require, Writer
from distributor.web.admin.capped import SELF_CAPPED, Oversized, capped_route
from distributor.web.admin.file_text_words import file_text_problem
from distributor.web.admin.forms import Form as Fields
from distributor.web.admin.held_uploads import HeldUpload, held, hold
from distributor.web.admin.views import PER_PAGE, Pages, admin_page, done, transaction
from distributor.web.csrf import FIELD as CSRF_FIELD
from distributor.web.csrf import csrf_protected
from distributor.web.pages import problem_page
from distributor.web.problems import status_of
from distributor.web.sessions import SignedIn, signed_in
from distributor.web.state import AppState

router = APIRouter()
PATH = "/admin/releases"
CRUMBS = (("Releases", PATH),)
SOURCE = composer.SOURCE
BLANK = ReleaseDocument(source=SOURCE, title="", body_markdown="")  # a new release's fields
FIELDS, TEXT = "fields", "text"  # the composer's two tabs
_KIT_WORDS = {MediaKind.IMAGE: "picture", MediaKind.DOCUMENT: "document"}

# Saves a checked release; the release it stored.
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


@dataclass(frozen=True)
class Draft:
    """What the composer shows: the tab, the fields as typed or the file text, the
    pictures of an imported document it holds (their hold's id, or ""), and the media kit
    files stored while the release could not be saved yet (their tokens, see held_uploads)."""

    mode: str
    form: Fields
    text: str = ""
    pictures: str = ""
    held: tuple[str, ...] = ()

    def composed(self, zone: tzinfo) -> ReleaseDocument:
        """The release the fields describe as far as they can be read (mistakes and all)."""
        return composer.composed(self.form.values, zone, _now())[1]


def _posted(data: FormData) -> Draft:
    """The composer as posted: fields, or the file text (`text`, as the editor always posted)."""
    pictures = data.get("pictures")
    hold_id = pictures if isinstance(pictures, str) else ""
    tokens = tuple(token for token in data.getlist("held") if isinstance(token, str))
    if data.get("mode") == FIELDS:
        return Draft(FIELDS, Fields(composer.posted_values(data)), pictures=hold_id, held=tokens)
    text = data.get("text")
    return Draft(TEXT, Fields(), _typed(text if isinstance(text, str) else ""), hold_id, tokens)


def _fields_of(document: ReleaseDocument, who: SignedIn, pictures: str = "") -> Draft:
    return Draft(FIELDS, Fields(composer.values_of(document, who.zone)), pictures=pictures)


async def _form_data(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(_form_data)]


def _media_too_large(max_bytes: int) -> HTMLResponse:
    return problem_page(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        f"The file is larger than {_size(max_bytes)}, the most a picture or document "
        "of the media kit may be. Nothing was saved; go back, make it smaller and add it again.",
    )


async def _media_oversized(request: Request, oversized: Oversized) -> Response:
    """The composer again as typed, saying beside the file that it is too large; the rest
    of the body is never read. The page checks who asks as the route would."""
    return await run_in_threadpool(_composer_oversized, request, oversized)


def _composer_oversized(request: Request, oversized: Oversized) -> Response:
    who = Require(Permission.MANAGE_RELEASES)(signed_in(request))
    csrf_protected(request, who, str(oversized.fields.get(CSRF_FIELD) or ""))
    draft = _posted(oversized.fields)
    problem = _too_big(oversized.filename, oversized.file_size, oversized.max_bytes)
    draft.form.refuse("upload" if draft.mode == FIELDS else "text", problem)
    number = str(request.path_params.get("release_id", ""))
    return _page(request, who, int(number) if number.isdigit() else None, draft)


def _too_big(filename: str, size: int | None, max_bytes: int) -> str:
    """`This picture (ferry.jpg) is 14 MB; the most a file can be is 10 MB.` and what to do."""
    kind = upload_kind(filename)
    what = f"This {_KIT_WORDS[kind]}" if kind else "This file"
    named = f"{what} ({filename})" if filename else what
    big = f"is {_size(size)}" if size else f"is larger than {_size(max_bytes)}"
    return (
        f"{named} {big}; the most a file can be is {_size(max_bytes)}. Make it smaller (a "
        "photo exported at a smaller size is enough for the press) and add it again."
    )


def _size(count: int) -> str:
    """A size as people read it: 14 MB, 1.5 MB, 300 KB."""
    if count >= 1024**2:
        return f"{count / 1024**2:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(count / 1024))} KB"


# The composer's form may bring one media kit file.
_composer = APIRouter(
    route_class=capped_route(
        lambda request: AppState.of(request).settings.media_max_bytes,
        _media_too_large,
        _media_oversized,
    ),
    max_body_size=SELF_CAPPED,
)


@router.get(f"{PATH}/new")
def new_release_page(request: Request, who: Writer) -> HTMLResponse:
    return _page(request, who, None, _fields_of(BLANK, who))


@_composer.post(f"{PATH}/new", dependencies=[Depends(csrf_protected)])
def new_release(request: Request, who: Writer, data: Posted) -> Response:
    """Save a new release; with `pictures` (the hold of an imported document's pictures),
    those its text names come into its media kit, as beside a file `releases add` reads."""
    draft = _posted(data)
    if not draft.pictures:
        return _submit(request, who, None, draft, data, add_release)
    hold = _hold(request)
    try:
        held = hold.get(draft.pictures, who.principal.user_id)
    except NotFound as gone:  # forged, another user's, or already saved: never a path
        return _page(request, who, None, replace(draft, pictures=""), gone)
    settings = AppState.of(request).settings

    def store(session: Session, document: ReleaseDocument, actor: Actor) -> Release:
        document = with_held_pictures(document, held)
        kit = prepare_kit(document, settings)  # files first: a refused save leaves no row
        release = add_release(session, document, actor)
        attach_kit(session, release, document, kit)
        return release

    response = _submit(request, who, None, draft, data, store)
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


_uploads = APIRouter(
    route_class=capped_route(lambda _: IMPORT_MAX_BYTES, _too_large), max_body_size=SELF_CAPPED
)


@_uploads.post(f"{PATH}/import", dependencies=[Depends(csrf_protected)])
def import_document(
    request: Request,
    who: Writer,
    file: Annotated[UploadFile | None, File()] = None,
    pasted: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The new release's file text filled from an uploaded document or pasted text, with what
    was recognised and what to check; nothing is saved until the officer saves it."""
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
        return _page(
            request, who, None, _fields_of(BLANK, who), pasted=pasted, import_error=message
        )
    held = _hold(request).hold(imported, who.principal.user_id) or ""
    draft = Draft(TEXT, Fields(), imported_text(imported), held)
    return _page(request, who, None, draft, imported=imported)


@router.post(f"{PATH}/preview", dependencies=[Depends(csrf_protected)])
def preview(request: Request, who: Writer, data: Posted) -> HTMLResponse:
    """The preview part of the composer for a new release, for htmx to swap in (200 even for
    an error, which htmx would otherwise not show)."""
    return _preview_part(request, who, None, _posted(data))


@router.post(f"{PATH}/{{release_id}}/preview", dependencies=[Depends(csrf_protected)])
def release_preview(request: Request, who: Writer, release_id: int, data: Posted) -> HTMLResponse:
    """The preview part of the composer of a stored release, with the pictures of its kit."""
    return _preview_part(request, who, release_id, _posted(data))


def _preview_part(
    request: Request, who: SignedIn, release_id: int | None, draft: Draft
) -> HTMLResponse:
    shown, error = _preview_of(request, who, release_id, draft)
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
            crumbs=CRUMBS,
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
        stored = _version(release) is not None
        document = release_document(release) if stored else BLANK
    return _page(request, who, release_id, _fields_of(document, who))


@_composer.post(f"{PATH}/{{release_id}}/edit", dependencies=[Depends(csrf_protected)])
def edit_release(request: Request, who: Writer, release_id: int, data: Posted) -> Response:
    def update(session: Session, document: ReleaseDocument, actor: Actor) -> Release:
        return update_release_from_file(session, release_id, document, actor)

    return _submit(request, who, release_id, _posted(data), data, update)


router.include_router(_uploads)
router.include_router(_composer)


def _typed(text: str) -> str:
    """The textarea's text with the line breaks browsers send (CRLF) as the file has them."""
    return text.replace("\r\n", "\n")


def _submit(
    request: Request,
    who: SignedIn,
    release_id: int | None,
    draft: Draft,
    data: FormData,
    store: Store,
) -> Response:
    """Do what the button pressed asks: save the release (with a file for its media kit),
    switch tabs, or show the preview; a refused save shows the composer again as typed."""
    action = data.get("action") or "save"
    if action == FIELDS and draft.mode == TEXT:
        return _as_fields(request, who, release_id, draft)
    if action == TEXT and draft.mode == FIELDS:
        text = write_release(draft.composed(who.zone))
        return _page(
            request, who, release_id, Draft(TEXT, Fields(), text, draft.pictures, draft.held)
        )
    if action not in ("save", "upload"):
        return _page(request, who, release_id, draft)
    document, draft = _checked(request, who, draft, action, data.get("upload"))
    if document is None:
        return _page(request, who, release_id, draft)
    kept = _held(request, who, draft)
    try:
        # Not `transaction`: a refused save shows the composer as typed, not an error page.
        with AppState.of(request).sessions.begin() as session:
            release = store(session, document, who.principal.actor)
            added = [
                add_to_kit(session, release, file.upload, file.words, who.principal.actor)
                for file in kept
            ]
            saved, title = release.id, release.version(document.language).title
            kit_note = _kit_note(added)
    except DistributorError as error:
        _refuse(draft, error)
        return _page(request, who, release_id, draft, error)
    if kit_note:
        return done(request, f"{PATH}/{saved}/edit", f"{kit_note}, and “{title}” is saved.")
    return done(request, f"{PATH}/{saved}", f"“{title}” is saved.")


def _now() -> datetime:
    return datetime.now(UTC)


def _as_fields(
    request: Request, who: SignedIn, release_id: int | None, draft: Draft
) -> HTMLResponse:
    """The file text shown as fields; the text again with why, when it cannot be read."""
    try:
        document = parse_release(draft.text, SOURCE)
    except ReleaseFileError as error:
        _refuse(draft, error)
        return _page(request, who, release_id, draft, error)
    return _page(request, who, release_id, _fields_of(document, who, draft.pictures))


def _checked(
    request: Request, who: SignedIn, draft: Draft, action: object, upload: object
) -> tuple[ReleaseDocument | None, Draft]:
    """The release to save, checked, and the draft holding the media kit file added; None
    with the form's errors set when something is not right."""
    if draft.mode == TEXT:
        try:
            return parse_release(draft.text, SOURCE), draft
        except ReleaseFileError as error:
            _refuse(draft, error)
            return None, draft
    form, document = composer.composed(draft.form.values, who.zone, _now())
    file = upload if isinstance(upload, PostedFile) and upload.filename else None
    draft = _with_upload(request, who, draft, file, action == "upload")
    draft.form.errors.update(form.errors)
    if draft.form.errors:
        return None, draft
    try:
        return parse_release(write_release(document), SOURCE), draft
    except ReleaseFileError as error:
        composer.refuse_file_error(draft.form, error)
        return None, draft


def _with_upload(
    request: Request, who: SignedIn, draft: Draft, file: PostedFile | None, asked: bool
) -> Draft:
    """The draft holding the chosen file, checked and stored at once, so that neither the
    file nor what was typed is lost while the rest of the form is not ready; the draft as it
    was when no file was added or the form says why it was refused."""
    _upload_kind(draft.form, file, asked)
    if file is None or not asked or {"upload", "upload_alt"} & draft.form.errors.keys():
        return draft
    try:
        stored = _stored(request, file)
    except InvalidInput as error:
        draft.form.refuse("upload", f"{error}.")
        return draft
    kept = hold(stored, _words(draft), who, AppState.of(request).settings.signing_key())
    values = {**draft.form.values} | dict.fromkeys(
        ("upload_alt", "upload_caption", "upload_credit"), ""
    )
    return replace(draft, form=Fields(values, draft.form.errors), held=(*draft.held, kept.token))


def _held(request: Request, who: SignedIn, draft: Draft) -> list[HeldUpload]:
    return held(draft.held, who, AppState.of(request).settings.signing_key())


def _kit_note(added: list[MediaFile]) -> str:
    """`The picture ferry.jpg is in the media kit`, for the files just added; "" for none."""
    if not added:
        return ""
    files = " and ".join(f"the {_KIT_WORDS[file.kind]} {file.name}" for file in added)
    return f"{files[:1].upper()}{files[1:]} {'is' if len(added) == 1 else 'are'} in the media kit"


def _upload_kind(form: Fields, file: PostedFile | None, asked: bool) -> MediaKind | None:
    """What the chosen file is for the media kit; refused in the form when it is nothing."""
    if not asked:
        return None
    if file is None or not file.filename:
        form.refuse("upload", "Choose the picture or document to add to the media kit.")
        return None
    kind = upload_kind(file.filename)
    if kind is None:
        form.refuse(
            "upload",
            f"{file.filename} is neither a picture (JPEG, PNG, GIF, WebP) nor a document "
            "(PDF, Word, Excel, PowerPoint, OpenDocument, RTF); choose another file.",
        )
    elif kind is MediaKind.IMAGE and not form.value("upload_alt"):
        form.refuse(
            "upload_alt",
            "Describe the picture for readers who cannot see it: every picture needs alt text.",
        )
    return kind


def _stored(request: Request, file: PostedFile) -> StoredUpload:
    """The upload checked and kept in the media store; it reaches the disk under a name of ours.
    One over the limit (by less than the form around it, so it was received) is refused
    in the words of one refused while it streamed in."""
    settings = AppState.of(request).settings
    name = file.filename or "upload"
    with tempfile.TemporaryDirectory(prefix="media-upload-") as folder:
        path = Path(folder) / "upload"
        with path.open("wb") as out:
            shutil.copyfileobj(file.file, out)
        size = path.stat().st_size
        if size > settings.media_max_bytes:
            raise InvalidInput(_too_big(name, size, settings.media_max_bytes).removesuffix("."))
        return store_upload(path, name, settings)


def _words(draft: Draft) -> KitWords:
    value = draft.form.value
    return KitWords(
        value("upload_alt") or None, value("upload_caption") or None, value("upload_credit") or None
    )


def _refuse(draft: Draft, error: DistributorError) -> None:
    """Put why the release was not saved beside the field that holds the problem."""
    if draft.mode == TEXT:
        draft.form.refuse("text", _message(error))
    elif isinstance(error, ReleaseFileError):
        composer.refuse_file_error(draft.form, error)
    elif isinstance(error, Conflict):  # the only name two releases cannot share
        draft.form.refuse(
            "slug", "Another release has this web address name: choose another, or leave it empty."
        )
    else:
        draft.form.refuse("title", f"{error}.")


def _page(
    request: Request,
    who: SignedIn,
    release_id: int | None,
    draft: Draft,
    refused: DistributorError | None = None,
    *,
    imported: ImportedRelease | None = None,
    pasted: str = "",
    import_error: str | None = None,
) -> HTMLResponse:
    """The composer with `draft` in it and its preview."""
    shown, error = _preview_of(request, who, release_id, draft)
    if refused is not None and not draft.form.errors:
        draft.form.refuse("text" if draft.mode == TEXT else "title", _message(refused))
    with transaction(request) as session:
        earlier = earlier_contacts(session)
    contacts = [composer.contact_key(contact) for contact in earlier]
    ticked = [key for key in draft.form.value("contacts", []) if key not in contacts]
    settings = AppState.of(request).settings
    status = status_of(refused) if refused else draft.form.status
    return admin_page(
        request,
        who,
        "release_edit.html",
        "Edit the release" if release_id else "New release",
        status,
        crumbs=(*CRUMBS, (_title_of(request, release_id), f"{PATH}/{release_id}"))
        if release_id
        else CRUMBS,
        release_id=release_id,
        mode=draft.mode,
        form=draft.form,
        text=draft.text,
        preview=shown,
        error=error,
        contacts=[(key, composer.contact_label(key)) for key in (*ticked, *contacts)],
        zone=getattr(who.zone, "key", "UTC"),
        recognised=imported.recognised if imported else (),
        checks=[_sentence(check.removeprefix("Check: ")) for check in imported.checks]
        if imported
        else [],
        pasted=pasted,
        pictures=draft.pictures,
        held=len(imported.pictures) if imported else 0,
        kept=_held(request, who, draft),
        kit_words=_KIT_WORDS,
        import_error=import_error,
        import_limit=f"{IMPORT_MAX_BYTES // 1024**2} MB",
        import_accept=",".join(IMPORT_FORMATS),
        media_limit=_size(settings.media_max_bytes),
    )


def _title_of(request: Request, release_id: int) -> str:
    with transaction(request) as session:
        return _title(get_release(session, release_id))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _preview_of(
    request: Request, who: SignedIn, release_id: int | None, draft: Draft
) -> tuple[EmailPreview | None, str | None]:
    """The email the draft makes, with the stored release's media kit; or why it makes none."""
    if draft.mode == TEXT:
        try:
            document = parse_release(draft.text, SOURCE)
        except ReleaseFileError as error:
            return None, _message(error)
    else:
        document = draft.composed(who.zone)
    if not document.title.strip():
        return None, "The email shows here once the release has a title."
    settings = AppState.of(request).settings
    with transaction(request) as session:
        stored = get_release(session, release_id) if release_id else None
        return preview_email(draft_release(document, stored), settings), None


def _message(error: DistributorError) -> str:
    """What the composer says: `Embargo (line 3): …` for a parse error (its field by the
    composer's label), the message otherwise, without the advice meant for the command line."""
    if isinstance(error, ReleaseFileError):
        problem = _without_commands(error.problem)
        return file_text_problem(ReleaseFileError(error.source, error.line, error.field, problem))
    return _without_commands(str(error))


def _without_commands(message: str) -> str:
    return "".join(clause for clause in _CLAUSE.split(message) if "`distributor " not in clause)


_CLAUSE = re.compile(r"(?=, or |; )")  # where a refusal's advice begins
