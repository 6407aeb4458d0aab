"""The release file: Markdown with a YAML front matter, read into a typed `ReleaseDocument`
(and written back from one, for the admin editor).

```
---
title: National Film Fund announces 2027 production grants   # required
subtitle: …
date: 2026-12-01
location: Lyon                     # the dateline's place
organization: National Film Fund
language: en                       # one language per file; default en
slug: film-grants-2027             # optional; another language's file names the same slug
embargo: 2026-12-01T09:00:00+01:00 # aware: an offset, Z, or a zone name (… Europe/Paris)
summary: The preheader line.
contacts: [{name, role, email, phone}]
images: [{url, alt, caption, credit, usage_terms}]    # alt is required
images: [{file: photo.jpg, alt, …}]  # or a local file, relative to the release file
documents: [{file: press-kit.pdf, title: Press kit}]   # local files, linked from the email
links: [{url, label}] or plain URLs
tags: [grants, film] or "grants, film"
---
The body, in Markdown.
```

Text not read from disk (the admin editor, the API) cannot bring files: there `file:`
names a file the release already has in its media kit, as `write_release` writes it
(`file: photo.jpg`), and saving links that stored file again (`releases.media.kept`).

Every problem is a `ReleaseFileError` naming the file, the line, the field and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from distributor.addresses import InvalidAddress, parse_address
from distributor.errors import InvalidInput, NotFound, ReleaseFileError

__all__ = [
    "KNOWN_KEYS",
    "DocumentEntry",
    "ReleaseContactEntry",
    "ReleaseDocument",
    "ReleaseImageEntry",
    "ReleaseLinkEntry",
    "parse_release",
    "read_release_file",
    "write_release",
]

KNOWN_KEYS = (
    "title", "subtitle", "date", "location", "organization", "language", "slug", "embargo",
    "summary", "contacts", "images", "documents", "links", "tags",
)  # fmt: skip
CONTACT_KEYS = ("name", "role", "email", "phone")
IMAGE_KEYS = ("url", "file", "alt", "caption", "credit", "usage_terms")
DOCUMENT_KEYS = ("file", "title")
LINK_KEYS = ("url", "label", "title")

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_FENCE = re.compile(r"^---[ \t]*$")
_ZONED = re.compile(r"^(?P<local>.+?)\s+(?P<zone>[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|UTC)$")
_LIMITS = {"title": 500, "subtitle": 500, "location": 200, "organization": 200, "slug": 200}
# Values that go on one line (the title becomes the Subject, a contact's name the Reply-To):
# YAML can put a line break or a control character in them ("a\nb", a `|` block).
_ONE_LINE = ("title", "subtitle", "location", "organization", "name", "role", "phone")
# A media kit file's name (`names.kit_name`): what text not read from disk may name.
_STORED_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
_LINE_BREAK_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class ReleaseContactEntry:
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class ReleaseImageEntry:
    url: str  # empty when the image is a local `file`
    alt: str
    caption: str | None = None
    credit: str | None = None
    usage_terms: str | None = None
    file: str | None = None  # relative to the release file's folder, or a stored kit name
    # Where it was read from, for errors about the local file: not part of its value.
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class DocumentEntry:
    """A document of the media kit (press kit PDF, fact sheet), a file beside the release file."""

    file: str
    title: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ReleaseLinkEntry:
    url: str
    label: str | None = None


@dataclass(frozen=True)
class ReleaseDocument:
    """One release file in one language, checked and typed."""

    source: str  # the file name errors point at
    title: str
    body_markdown: str
    language: str = "en"
    slug: str | None = None
    subtitle: str | None = None
    date: date | None = None
    location: str | None = None
    organization: str | None = None
    embargo: datetime | None = None
    summary: str | None = None
    contacts: tuple[ReleaseContactEntry, ...] = ()
    images: tuple[ReleaseImageEntry, ...] = ()
    documents: tuple[DocumentEntry, ...] = ()
    links: tuple[ReleaseLinkEntry, ...] = ()
    tags: tuple[str, ...] = ()
    body_line: int = 1  # the file line the body starts on
    # Where local files are; None: the file was not read from disk. Not part of its value.
    folder: Path | None = field(default=None, compare=False)


@dataclass(frozen=True)
class _Problem:
    line: int
    field: str
    problem: str


@dataclass
class _Reader:
    """Walks the front matter's values, collecting problems with their lines."""

    source: str
    root: yaml.Node
    offset: int  # file line of the YAML text's first line, minus one
    folder: Path | None = None  # of the release file, when it was read from disk
    problems: list[_Problem] = field(default_factory=list)

    def line(self, path: tuple[str | int, ...], *, key: bool = False) -> int:
        node: yaml.Node = self.root
        found = node
        for position, step in enumerate(path):
            if isinstance(node, yaml.MappingNode) and isinstance(step, str):
                pair = next(((k, v) for k, v in node.value if k.value == step), None)
                if pair is None:
                    break
                node = pair[1]
                found = pair[0] if key and position == len(path) - 1 else node
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                found = node = node.value[step]
            else:
                break
        return int(found.start_mark.line) + 1 + self.offset

    def fail(self, path: tuple[str | int, ...], problem: str, *, key: bool = False) -> None:
        name = ".".join(
            _shown_key(part) if isinstance(part, str) else f"[{part + 1}]" for part in path
        ).replace(".[", "[")
        self.problems.append(_Problem(self.line(path, key=key), name, problem))

    def text(
        self, value: Any, path: tuple[str | int, ...], *, required: bool = False
    ) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "is empty; give it a value")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(path, f"must be text, not {_kind(value)}; quote it")
            return None
        cleaned = str(value).strip()
        if path[-1] in _ONE_LINE and _LINE_BREAK_OR_CONTROL.search(cleaned):
            self.fail(path, "holds a line break or control character; write it on one line")
            return None
        limit = _LIMITS.get(str(path[-1]))
        if limit is not None and len(cleaned) > limit:
            self.fail(path, f"is {len(cleaned)} characters long; shorten it to at most {limit}")
            return None
        return cleaned

    def url(self, value: Any, path: tuple[str | int, ...], *, mailto: bool = False) -> str | None:
        text = self.text(value, path, required=True)
        if text is None:
            return None
        schemes = ("http", "https", "mailto") if mailto else ("http", "https")
        parts = urlsplit(text)
        if parts.scheme.lower() not in schemes or (parts.scheme != "mailto" and not parts.netloc):
            allowed = ", ".join(f"{s}:" for s in schemes)
            self.fail(path, f"{text!r} is not an absolute {allowed} address; write the full URL")
            return None
        return text

    def local_file(self, value: Any, path: tuple[str | int, ...]) -> str | None:
        """A file named relative to the release file or, in text not read from disk, the name
        of a file already in the release's media kit; never a path read from such text."""
        text = self.text(value, path, required=True)
        if text is None:
            return None
        if self.folder is None:
            if not _STORED_NAME.match(text):
                self.fail(
                    path,
                    f"{text!r} is a path to a local file, which only a release file read from "
                    "disk can name: add it with `distributor releases add FILE` (or `edit`), "
                    "name a file of the release's media kit (`file: photo.jpg`), "
                    "or give the picture's `url:`",
                )
                return None
            return text
        if "://" in text or Path(text).is_absolute():
            self.fail(path, f"{text!r} is not a path relative to the release file; write it so")
            return None
        return text

    def mapping(
        self, value: Any, path: tuple[str | int, ...], keys: tuple[str, ...]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping with keys {', '.join(keys)}, not {_kind(value)}")
            return None
        known = True
        for name in value:
            if name not in keys:
                self.fail(
                    (*path, str(name)),
                    f"unknown key; the known keys here are {', '.join(keys)}",
                    key=True,
                )
                known = False
        return value if known else None

    def items(self, value: Any, path: tuple[str | int, ...]) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"must be a list (lines starting with '- '), not {_kind(value)}")
            return []
        return value


def _shown_key(key: str) -> str:
    """A key as an error names it: quoted where it is empty, spaced or has a line break."""
    plain = key and key == key.strip() and key.isprintable()
    return key if plain else repr(key)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, datetime):
        return "a timestamp"
    if isinstance(value, date):
        return "a date"
    return {dict: "a mapping", list: "a list", type(None): "nothing"}.get(
        type(value), type(value).__name__
    )


def _embargo(reader: _Reader, value: Any) -> datetime | None:
    path: tuple[str | int, ...] = ("embargo",)
    fix = "write it with an offset or zone, e.g. 2026-12-01T09:00:00+01:00 or 2026-12-01 09:00 Europe/Paris"
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        reader.fail(path, f"{value.isoformat()} is a date without a time and zone; {fix}")
        return None
    elif isinstance(value, str):
        parsed = _parse_timestamp(value.strip())
        if parsed is None:
            reader.fail(path, f"{value!r} is not a timestamp; {fix}")
            return None
    else:
        reader.fail(path, f"must be a timestamp, not {_kind(value)}; {fix}")
        return None
    assert parsed is not None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        reader.fail(path, f"{parsed.isoformat()} has no time zone (naive); {fix}")
        return None
    return parsed


def _parse_timestamp(text: str) -> datetime | None:
    zone: ZoneInfo | None = None
    zoned = _ZONED.match(text)
    if zoned:
        try:
            zone = ZoneInfo(zoned.group("zone"))
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones
            return None
        text = zoned.group("local")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if zone is not None:
        if parsed.tzinfo is not None:
            return None
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _date(reader: _Reader, value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    reader.fail(("date",), f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01")
    return None


def _contacts(reader: _Reader, value: Any) -> tuple[ReleaseContactEntry, ...]:
    found: list[ReleaseContactEntry] = []
    for index, item in enumerate(reader.items(value, ("contacts",))):
        path: tuple[str | int, ...] = ("contacts", index)
        entry = reader.mapping(item, path, CONTACT_KEYS)
        if entry is None:
            continue
        name = reader.text(entry.get("name"), (*path, "name"), required=True)
        email = reader.text(entry.get("email"), (*path, "email"))
        if email is not None:
            try:
                email = parse_address(email).original
            except InvalidAddress as exc:
                reader.fail((*path, "email"), f"{email!r} is not an email address ({exc}); fix it")
                email = None
        role = reader.text(entry.get("role"), (*path, "role"))
        phone = reader.text(entry.get("phone"), (*path, "phone"))
        if name is not None:
            found.append(ReleaseContactEntry(name=name, role=role, email=email, phone=phone))
    return tuple(found)


def _images(reader: _Reader, value: Any) -> tuple[ReleaseImageEntry, ...]:
    found: list[ReleaseImageEntry] = []
    for index, item in enumerate(reader.items(value, ("images",))):
        path: tuple[str | int, ...] = ("images", index)
        entry = reader.mapping(item, path, IMAGE_KEYS)
        if entry is None:
            continue
        file: str | None = None
        url: str | None = ""
        if "file" in entry and "url" in entry:
            reader.fail(path, "has both url and file; keep the one the picture is at")
        elif "file" in entry:
            file = reader.local_file(entry.get("file"), (*path, "file"))
        else:
            url = reader.url(entry.get("url"), (*path, "url"))
        alt = reader.text(entry.get("alt"), (*path, "alt"))
        if alt is None and "alt" not in entry:
            reader.fail(
                path,
                "has no alt text; add `alt:` describing the picture for readers who cannot see it",
            )
        elif alt is None:
            reader.fail(
                (*path, "alt"), "is empty; describe the picture for readers who cannot see it"
            )
        caption = reader.text(entry.get("caption"), (*path, "caption"))
        credit = reader.text(entry.get("credit"), (*path, "credit"))
        terms = reader.text(entry.get("usage_terms"), (*path, "usage_terms"))
        if url is not None and alt is not None and (file is not None or url):
            line = reader.line(path)
            found.append(ReleaseImageEntry(url, alt, caption, credit, terms, file, line))
    return tuple(found)


def _documents(reader: _Reader, value: Any) -> tuple[DocumentEntry, ...]:
    found: list[DocumentEntry] = []
    for index, item in enumerate(reader.items(value, ("documents",))):
        path: tuple[str | int, ...] = ("documents", index)
        entry = reader.mapping(item, path, DOCUMENT_KEYS)
        if entry is None:
            continue
        file = reader.local_file(entry.get("file"), (*path, "file"))
        title = reader.text(entry.get("title"), (*path, "title"))
        if file is not None:
            found.append(DocumentEntry(file, title, reader.line(path)))
    return tuple(found)


def _links(reader: _Reader, value: Any) -> tuple[ReleaseLinkEntry, ...]:
    found: list[ReleaseLinkEntry] = []
    for index, item in enumerate(reader.items(value, ("links",))):
        path: tuple[str | int, ...] = ("links", index)
        if isinstance(item, str):
            url = reader.url(item, path, mailto=True)
            if url is not None:
                found.append(ReleaseLinkEntry(url))
            continue
        entry = reader.mapping(item, path, LINK_KEYS)
        if entry is None:
            continue
        url = reader.url(entry.get("url"), (*path, "url"), mailto=True)
        key = "label" if "label" in entry else "title"
        label = reader.text(entry.get(key), (*path, key))
        if url is not None:
            found.append(ReleaseLinkEntry(url, label))
    return tuple(found)


def _tags(reader: _Reader, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    tags: list[str] = []
    for index, item in enumerate(reader.items(value, ("tags",))):
        tag = reader.text(item, ("tags", index))
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _pattern(
    reader: _Reader, value: Any, name: str, pattern: re.Pattern[str], fix: str
) -> str | None:
    text = reader.text(value, (name,))
    if text is not None and not pattern.match(text):
        reader.fail((name,), f"{text!r} is not valid; {fix}")
        return None
    return text


def _split(source: str, text: str) -> tuple[str, int, str, int]:
    """The front matter's YAML, its first line, the body and its first line."""
    if not text.strip():
        raise ReleaseFileError(
            source, 1, "file", "is empty; start it with '---', 'title: …', '---', then the text"
        )
    lines = text.splitlines(keepends=True)
    if not _FENCE.match(lines[0].rstrip("\r\n")):
        raise ReleaseFileError(
            source,
            1,
            "front matter",
            "is missing; start the file with a line '---', then 'title: …' and the other "
            "fields, then a line '---' before the text",
        )
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index].rstrip("\r\n")):
            return "".join(lines[1:index]), 2, "".join(lines[index + 1 :]), index + 2
    raise ReleaseFileError(
        source, 1, "front matter", "is not closed; add a line '---' after its last field"
    )


def _yaml_error(source: str, first_line: int, exc: yaml.YAMLError) -> ReleaseFileError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = first_line + (mark.line if mark is not None else 0)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else str(problem)
    return ReleaseFileError(
        source,
        line,
        "front matter",
        f"is not valid YAML ({detail}); check the indentation and quote values containing ': ' or '#'",
    )


class _Loader(yaml.SafeLoader):
    """The safe loader, with a date YAML recognizes but Python cannot hold (month 13,
    year 0) a YAML error at its line instead of a ValueError."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> date | datetime:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def parse_release(
    content: str | bytes, source: str = "<release>", *, folder: Path | None = None
) -> ReleaseDocument:
    """Read a release file's text (bytes must be UTF-8) into a checked `ReleaseDocument`.

    `folder` is where the file's local images and documents are (its own folder).
    """
    if isinstance(content, bytes):
        raw = content
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ReleaseFileError(
                source,
                line,
                "file",
                f"is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            ) from None
    content = content.removeprefix("\ufeff")
    front, first_line, body, body_line = _split(source, content)
    try:
        root = yaml.compose(front, Loader=_Loader)
        data = yaml.load(front, Loader=_Loader)  # noqa: S506  # _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        raise _yaml_error(source, first_line, exc) from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise ReleaseFileError(
            source, first_line, "front matter", "is nested too deeply; write plain fields"
        ) from None
    if root is None or not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise ReleaseFileError(
            source,
            first_line,
            "front matter",
            "holds no fields; write 'key: value' lines, at least 'title: …'",
        )
    reader = _Reader(source, root, first_line - 1, folder)
    seen: set[str] = set()
    for key_node, _ in root.value:
        if key_node.value in seen:
            reader.problems.append(
                _Problem(
                    key_node.start_mark.line + first_line,
                    str(key_node.value),
                    "is given twice; keep one",
                )
            )
        seen.add(key_node.value)
    for key in data:
        if key not in KNOWN_KEYS:
            reader.fail(
                (str(key),),
                f"unknown key; the known keys are {', '.join(KNOWN_KEYS)}",
                key=True,
            )
    title = reader.text(data.get("title"), ("title",))
    if title is None and "title" not in data:
        reader.problems.append(
            _Problem(first_line, "title", "is missing; add 'title: …' to the front matter")
        )
    elif title is None and not any(p.field == "title" for p in reader.problems):
        reader.fail(("title",), "is empty; give the release a title")
    if not body.strip():
        reader.problems.append(
            _Problem(body_line, "body", "is empty; write the release text after the closing '---'")
        )
    language = _pattern(
        reader,
        data.get("language"),
        "language",
        LANGUAGE_PATTERN,
        "use a language code such as en, ru or pt-BR",
    )
    slug = _pattern(
        reader,
        data.get("slug"),
        "slug",
        SLUG_PATTERN,
        "use lowercase letters, digits and single hyphens, e.g. film-grants-2027",
    )
    text_field: Callable[[str], str | None] = lambda name: reader.text(data.get(name), (name,))  # noqa: E731
    document = ReleaseDocument(
        source=source,
        title=title or "",
        body_markdown=body,
        language=language or "en",
        slug=slug,
        subtitle=text_field("subtitle"),
        date=_date(reader, data.get("date")),
        location=text_field("location"),
        organization=text_field("organization"),
        embargo=_embargo(reader, data.get("embargo")),
        summary=text_field("summary"),
        contacts=_contacts(reader, data.get("contacts")),
        images=_images(reader, data.get("images")),
        documents=_documents(reader, data.get("documents")),
        links=_links(reader, data.get("links")),
        tags=_tags(reader, data.get("tags")),
        body_line=body_line,
        folder=folder,
    )
    if reader.problems:
        first = min(reader.problems, key=lambda p: p.line)
        raise ReleaseFileError(
            source, first.line, first.field, first.problem, more=len(reader.problems) - 1
        )
    return document


def read_release_file(path: Path) -> ReleaseDocument:
    """Read and check the release file at `path`."""
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(f"release file {path} does not exist; check the path") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path} is a folder; name a Markdown release file") from None
    return parse_release(content, str(path), folder=path.resolve().parent)


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, as the example files do (`contacts:` then `  - name: …`)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _entries(entries: tuple[Any, ...], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {key: getattr(entry, key) for key in keys if getattr(entry, key, None) not in (None, "")}
        for entry in entries
    ]


def _written_embargo(moment: datetime | None) -> datetime | str | None:
    """The embargo as the file says it: a named zone stays named (`… Europe/Paris`)."""
    if moment is not None and isinstance(moment.tzinfo, ZoneInfo):
        return f"{moment.replace(tzinfo=None).isoformat()} {moment.tzinfo.key}"
    return moment


def write_release(document: ReleaseDocument) -> str:
    """The release file text of `document`: `parse_release` reads it back as the same release.

    The editor shows a stored release this way; fields without a value are left out.
    """
    fields: dict[str, Any] = {
        "title": document.title,
        "subtitle": document.subtitle,
        "date": document.date,
        "location": document.location,
        "organization": document.organization,
        "language": document.language,
        "slug": document.slug,
        "embargo": _written_embargo(document.embargo),
        "summary": document.summary,
        "contacts": _entries(document.contacts, CONTACT_KEYS),
        "images": _entries(document.images, IMAGE_KEYS),
        "documents": _entries(document.documents, DOCUMENT_KEYS),
        "links": _entries(document.links, ("url", "label")),
        "tags": list(document.tags),
    }
    front = yaml.dump(
        {key: value for key, value in fields.items() if value not in (None, [])},
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 16,  # one line a field, so error line numbers point at the field
    )
    return f"---\n{front}---\n{document.body_markdown}"
