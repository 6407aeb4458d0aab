"""A document's blocks recognised as a release: title, subtitle, dateline, quotes, contacts,
pictures and the "About" boilerplate, each reported, and what is unsure left out with a note."""

# ruff: noqa: RUF001 - words of other languages, typographic quotes and dashes

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from babel import Locale

from distributor.errors import InvalidInput
from distributor.releases.fileformat import (
    ReleaseContactEntry,
    ReleaseDocument,
    ReleaseImageEntry,
    ReleaseLinkEntry,
)
from distributor.releases.importing.blocks import Block, BlockKind, Picture
from distributor.releases.importing.contact_block import contact_heading, read_contacts
from distributor.releases.importing.dateline import Dateline, read_dateline, read_embargo
from distributor.releases.importing.language import guess_language
from distributor.releases.importing.quotes import (
    Quote,
    attribution_after,
    lead_in,
    opens_quote,
    paragraph_quote,
    quote_run,
    unquoted,
)

_NOTICE = re.compile(
    r"^(?:for immediate release|press release|news release|media release|communiqué de presse"
    r"|pressemitteilung|presseinformation|nota de prensa|comunicato stampa|пресс-релиз)\W*$"
    r"|^(?:#{3}|-\s*30\s*-|-*\s*ends?\s*-*|fin|ende|конец)$",  # the marks that end a release
    re.IGNORECASE,
)
_EMBARGO = re.compile(r"^(?:embargo(?:ed)?|sperrfrist|sous embargo)\b", re.IGNORECASE)
_ABOUT = re.compile(
    r"^(?:about|à propos de|a propos de|über|acerca de|sobre|informazioni su|over|о компании)\s+"
    r"(?P<who>.{2,120}?)\s*:?$",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"\s*[(\[]?\s*(?:photo|foto|фото|credit|crédit|bild)\s*:\s*(?P<credit>[^)\]]+?)[)\]]?\s*$"
    r"|\s*[(\[]?©\s*(?P<owner>[^)\]]+?)[)\]]?\s*$",
    re.IGNORECASE,
)
_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
_TEXT_KINDS = (BlockKind.PARAGRAPH, BlockKind.QUOTE, BlockKind.CAPTION)


@dataclass(frozen=True)
class ImportedPicture:
    """A picture of the document to save beside the release file, under `file`."""

    file: str
    data: bytes


@dataclass(frozen=True)
class ImportedRelease:
    """What an import made: the release (for review), its pictures, and the report."""

    document: ReleaseDocument
    pictures: tuple[ImportedPicture, ...]
    recognised: tuple[str, ...]  # "Title: …", "Dateline: …"
    checks: tuple[str, ...]  # what a person should look at, in plain words


@dataclass
class _Work:
    source: str
    blocks: list[Block]
    pictures_named: str | None  # the stem picture files are named after; None: not kept
    recognised: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def recognise(blocks: list[Block], source: str, pictures_named: str | None) -> ImportedRelease:
    """The release in `blocks`. Pictures are named `<pictures_named>-image-N.png`; with
    `pictures_named` None they are only counted (text with nowhere to put files)."""
    kept = [b for b in blocks if (b.plain or b.picture) and not _NOTICE.match(b.plain)]
    work = _Work(source, kept, pictures_named)
    embargo = _embargo_notice(work)
    title = _title(work)
    subtitle = _subtitle(work)
    dateline = _dateline(work)
    contact_entries, links = _contacts(work)
    about = _organization(work)
    images, pictures = _pictures(work)
    quotes = _quotes(work)
    _report_quotes(work, quotes)
    body = _body(work.blocks)
    if not body.strip():
        raise InvalidInput(
            f"{source}: only a title was found, no release text; check that it is the whole release"
        )
    language = guess_language(" ".join(b.plain for b in work.blocks))
    if language:
        work.recognised.append(f"Language: {Locale.parse(language).english_name} ({language})")
    else:
        work.checks.append(
            "Check: the language was not recognised; English is assumed, set it if not"
        )
    document = ReleaseDocument(
        source=source,
        title=title,
        body_markdown=body,
        language=language or "en",
        subtitle=subtitle,
        date=dateline.date if dateline else None,
        location=dateline.location if dateline else None,
        organization=about,
        contacts=tuple(contact_entries),
        images=tuple(images),
        links=tuple(ReleaseLinkEntry(url) for url in links),
        embargo=embargo,
    )
    return ImportedRelease(document, tuple(pictures), tuple(work.recognised), tuple(work.checks))


def _embargo_notice(work: _Work) -> datetime | None:
    """The lift time the document's embargo line gives, the line taken out of the text."""
    for block in work.blocks:
        if _EMBARGO.match(block.plain):
            work.blocks.remove(block)
            lift = read_embargo(block.plain)
            if lift is None:
                work.checks.append(
                    f"Check: the document says “{block.plain}”: set the embargo time by hand"
                )
            else:
                work.recognised.append(f"Embargo: {lift.isoformat()} (from “{block.plain}”)")
            return lift
    return None


def _title(work: _Work) -> str:
    texts = [b for b in work.blocks if b.kind is not BlockKind.PICTURE]
    titled = next((b for b in texts if b.kind is BlockKind.TITLE), None)
    first = texts[0] if texts else None
    if titled is None and first is not None and _could_be_title(first):
        titled = first
    if titled is None:
        raise InvalidInput(
            f"{work.source}: no title found; make the release's first line its title "
            "(one line, without a full stop), or give it the Title style, and import it again"
        )
    work.blocks.remove(titled)
    title = titled.plain.replace("\n", " ")
    work.recognised.append(f"Title: {title}")
    return title


def _could_be_title(block: Block) -> bool:
    text = block.plain
    if block.kind is BlockKind.HEADING or block.kind is BlockKind.SUBTITLE:
        return len(text) <= 300
    return (
        block.kind is BlockKind.PARAGRAPH
        and "\n" not in text
        and len(text) <= 200
        and not text.endswith((".", ":", ","))
        and read_dateline(text) is None
    )


def _subtitle(work: _Work) -> str | None:
    texts = [b for b in work.blocks if b.kind is not BlockKind.PICTURE]
    found = next((b for b in texts[:2] if b.kind is BlockKind.SUBTITLE), None)
    if found is None and len(texts) > 1 and read_dateline(texts[1].plain) is not None:
        # One short line between the title and the dateline is the subtitle.
        first = texts[0]
        if first.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) and _could_be_title(first):
            found = first
    if found is None:
        return None
    work.blocks.remove(found)
    subtitle = found.plain.replace("\n", " ")
    work.recognised.append(f"Subtitle: {subtitle}")
    return subtitle


def _dateline(work: _Work) -> Dateline | None:
    first = next((b for b in work.blocks if b.kind is BlockKind.PARAGRAPH), None)
    dateline = read_dateline(re.sub(r"\*{1,2}", "", first.text)) if first else None
    if first is None or dateline is None:
        work.checks.append(
            "Check: no dateline (place and date) found at the start of the first paragraph; "
            "add the place and date if the release has them"
        )
        return None
    rest = _after(first.text, len(dateline.written))
    work.blocks[work.blocks.index(first)] = Block(BlockKind.PARAGRAPH, rest)
    when = dateline.date.isoformat() if dateline.date else "no date"
    work.recognised.append(f"Dateline: {dateline.location}, {when} (from “{dateline.written}”)")
    if dateline.date is None:
        work.checks.append(
            f"Check: no date found in the dateline “{dateline.written}”; add the date by hand"
        )
    return dateline


def _after(text: str, length: int) -> str:
    """`text` after its first `length` characters other than bold and italic marks."""
    seen = 0
    for index, character in enumerate(text):
        if seen >= length and not character.isspace():
            return text[index:]
        seen += character != "*"
    return ""


def _contacts(work: _Work) -> tuple[list[ReleaseContactEntry], list[str]]:
    """Each section under a contacts heading read into contacts (and links); what in it is
    no contact stays in the body under its heading."""
    entries: list[ReleaseContactEntry] = []
    links: list[str] = []
    start = 0
    while start < len(work.blocks):
        heading = work.blocks[start]
        opens, rest = contact_heading(heading.plain) if len(heading.plain) <= 300 else (False, "")
        if not opens:
            start += 1
            continue
        end = start + 1
        while end < len(work.blocks) and not _ends_contacts(work.blocks[end]):
            end += 1
        section = [rest] if rest else []
        found = read_contacts(section + [b.plain for b in work.blocks[start + 1 : end]])
        kept = [Block(BlockKind.PARAGRAPH, text) for text in found.other]
        title = Block(BlockKind.HEADING, heading.plain.split(":")[0], 2)
        work.blocks[start:end] = [title, *kept] if kept else []
        start += len(kept) + 1 if kept else 0
        entries += [ReleaseContactEntry(c.name, c.role, c.email, c.phone) for c in found.contacts]
        links += found.links
        for piece in found.unplaced:
            work.checks.append(
                f"Check: “{piece}” in the contact block names no person; add it to a contact"
            )
    _report_contacts(work, entries)
    return entries, links


def _report_contacts(work: _Work, entries: list[ReleaseContactEntry]) -> None:
    if not entries:
        work.checks.append("Check: no media contacts found; add the press contacts")
        return
    shown = "; ".join(
        ", ".join(part for part in (c.name, c.role, c.phone, c.email) if part) for c in entries
    )
    work.recognised.append(f"Contact block found: {shown}")
    for contact in entries:
        if not (contact.email or contact.phone):
            work.checks.append(f"Check: the contact {contact.name} has no phone or email")


def _ends_contacts(block: Block) -> bool:
    heading = block.kind in (BlockKind.HEADING, BlockKind.TITLE) or contact_heading(block.plain)[0]
    return heading or bool(_ABOUT.match(block.plain))


def _organization(work: _Work) -> str | None:
    for index, block in enumerate(work.blocks):
        about = _ABOUT.match(block.plain) if len(block.plain) <= 140 else None
        if about and block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH):
            work.blocks[index] = Block(BlockKind.HEADING, block.plain.rstrip(":"), 2)
            organization = re.sub(r"^(?:the|The)\s+", "", about.group("who"))
            work.recognised.append(f"Organisation: {organization} (from “{block.plain}”)")
            return organization
    work.checks.append("Check: the organisation was not clear (no “About …” section); add it")
    return None


def _pictures(work: _Work) -> tuple[list[ReleaseImageEntry], list[ImportedPicture]]:
    images: list[ReleaseImageEntry] = []
    saved: list[ImportedPicture] = []
    index, index_of_picture = 0, 1
    while index < len(work.blocks):
        block = work.blocks[index]
        if block.kind is not BlockKind.PICTURE or block.picture is None:
            index += 1
            continue
        caption = _caption(work.blocks[index + 1]) if index + 1 < len(work.blocks) else None
        del work.blocks[index : index + (2 if caption else 1)]
        entry = _picture(work, block.picture, caption, index_of_picture, saved)
        index_of_picture += 1
        if entry is not None:
            images.append(entry)
    return images, saved


def _caption(block: Block) -> str | None:
    """The paragraph under a picture as its caption: one short line that is no quote."""
    text = block.plain
    short = block.kind is BlockKind.PARAGRAPH and len(text) <= 200 and "\n" not in text
    if (block.kind is BlockKind.CAPTION or short) and not (opens_quote(text) or lead_in(text)):
        return text
    return None


def _picture(
    work: _Work, picture: Picture, caption: str | None, number: int, saved: list[ImportedPicture]
) -> ReleaseImageEntry | None:
    credit = None
    if caption:
        found = _CREDIT.search(caption)
        if found and found.start() > 0:
            credit = (found.group("credit") or f"© {found.group('owner')}").strip()
            caption = caption[: found.start()].strip()
    alt = picture.alt or caption
    described = f"picture {number}" + (f" (“{caption}”)" if caption else "")
    if not picture.data:
        if alt is None:
            work.checks.append(f"Check: {described} at {picture.url} has no description; add it")
            return None
        work.recognised.append(
            f"Picture: {picture.url}" + (f", caption “{caption}”" if caption else "")
        )
        return ReleaseImageEntry(picture.url, alt, caption, credit)
    extension = _TYPES.get(picture.content_type)
    if extension is None:
        work.checks.append(
            f"Check: {described} is in a format ({picture.content_type}) emails cannot show; "
            "save it as PNG or JPEG and add it by hand"
        )
        return None
    if work.pictures_named is None:
        work.checks.append(f"Check: {described} was not brought in; add it by hand after saving")
        return None
    file = f"{work.pictures_named}-image-{number}.{extension}"
    saved.append(ImportedPicture(file, picture.data))
    if alt is None:
        work.checks.append(
            f"Check: {described} ({file}) has no caption or description, so it is not "
            "listed under images; add it there with a description to keep it"
        )
        return None
    if picture.alt is None:
        work.checks.append(
            f"Check: {described} has no description of its own; its caption is used, "
            "say what the picture shows if the caption does not"
        )
    shown = f"Picture: {file}" + (f", caption “{caption}”" if caption else "")
    work.recognised.append(shown + (f", credit {credit}" if credit else ""))
    return ReleaseImageEntry("", alt, caption, credit, file=file)


def _quotes(work: _Work) -> list[Quote]:
    """Quotes in both forms, each replaced by one ATTRIBUTED block holding its Markdown. A quote
    is paragraphs in quote marks, or those the document marks as quotes (Word's Quote style)."""
    found: list[Quote] = []
    index = 0
    while index < len(work.blocks):
        block = work.blocks[index]
        inline = paragraph_quote(block.text) if block.kind is BlockKind.PARAGRAPH else None
        if inline is not None:
            found.append(inline)
            work.blocks[index] = Block(BlockKind.ATTRIBUTED, inline.markdown())
            index += 1
            continue
        texts = [b.text if b.kind in _TEXT_KINDS else "" for b in work.blocks]
        who = (
            lead_in(work.blocks[index].plain)
            if work.blocks[index].kind is BlockKind.PARAGRAPH
            else None
        )
        start = index + 1 if who else index
        run = _marked_run(work.blocks, start) or quote_run(texts, start)
        if run and who is None and start + run < len(texts):
            who = attribution_after(work.blocks[start + run].plain)
            end = start + run + 1
        else:
            end = start + run
        if run and who:
            quote = Quote(tuple(unquoted(text) for text in texts[start : start + run]), who)
            found.append(quote)
            work.blocks[index:end] = [Block(BlockKind.ATTRIBUTED, quote.markdown())]
        elif run:
            shown = work.blocks[start].plain[:60]
            work.checks.append(
                f"Check: the quotation “{shown}…” has no attribution; add “— Name, role” after it"
            )
            index = max(index, start + max(run, 1) - 1)
        index += 1
    return found


def _marked_run(blocks: list[Block], start: int) -> int:
    """How many blocks from `start` the document itself marks as a quote."""
    end = start
    while end < len(blocks) and blocks[end].kind is BlockKind.QUOTE:
        end += 1
    return end - start


def _report_quotes(work: _Work, quotes: list[Quote]) -> None:
    if quotes:
        names = ", ".join(dict.fromkeys(quote.name for quote in quotes))
        count = f"{len(quotes)} quote{'s' if len(quotes) > 1 else ''}"
        work.recognised.append(f"{count} attributed to {names}")


def _body(blocks: list[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            parts.append("#" * min(max(block.level, 2), 6) + " " + block.plain.replace("\n", " "))
        elif block.kind is BlockKind.ITEM:
            item = "- " + block.text.replace("\n", " ")
            if parts and parts[-1].startswith("- "):
                parts[-1] += "\n" + item
            else:
                parts.append(item)
        elif block.kind is BlockKind.QUOTE:
            parts.append("> " + block.text.replace("\n", "\n> "))
        elif block.kind is BlockKind.ATTRIBUTED or block.kind is not BlockKind.PICTURE:
            parts.append(block.text)
    return "\n\n".join(parts) + "\n"
