"""Quotes and who said them, in the two ways releases write them.

A lead-in paragraph, then the quote::

    Anna Schmidt, Mayor of Berlin, said:
    “We are proud …”

or the quote, then its attribution, on a line of its own or after the quote::

    “Every one of these films …”
    — Amélie Laurent, President of the Jury

    “Every one of these films …” — Amélie Laurent, President of the Jury

and, in one paragraph, the news agencies' ways::

    “We are delighted,” said Mayor Eva Schulz. “This centre puts us on the map.”
    “The collaboration has been exemplary,” Ana Lopez, head of research, said.
    Tom Berg, director of the centre, added: “Work starts in April.”

Both become a Markdown block quote followed by the line `— Name, role`, as the release
file writes a quote. A quote may run over several paragraphs, each opening with a quote
mark and the last one closing it.
"""

# ruff: noqa: RUF001 - words of other languages, typographic quotes and dashes

from __future__ import annotations

import re
from dataclasses import dataclass

from distributor.releases.importing.people import looks_like_name

_OPENING = '“"«„‚‘'
_CLOSING = '”"»“’‘'
_SAID = (
    r"said|says|added|adds|explained|explains|commented|comments|stated|states|noted|notes|"
    r"a déclaré|a dit|déclare|explique|ajoute|a ajouté|sagte|sagt|erklärte|erklärt|betonte|"
    r"ergänzte|dijo|afirmó|ha dichiarato|ha detto|disse|afirmou|сказал|сказала|отметил|"
    r"отметила|заявил|заявила|подчеркнул|подчеркнула"
)
# "Name, role:" / "Name, role, said:" / "Name said:" — a line of its own ending in a colon.
_LEAD_IN = re.compile(
    rf"^(?P<who>[^:\n“”\"«»„]{{3,200}}?)(?:,?\s+(?:{_SAID}))?\s*:\s*$", re.IGNORECASE
)
_CLOSED = re.compile(rf"[{_CLOSING}][.!?]?\s*$")  # «…». closes as well as “….”
_AFTER = re.compile(r"^\s*(?:—|–|--?)\s*(?P<who>[^\W\d_][^\n]{1,200})$")
_MARKS = '“”"«»„'  # quote marks a speaker's name does not contain
# “…,” said Name, role. “…”  /  “…,” Name, role, said.
_SAID_AFTER = re.compile(
    rf"^[{_OPENING}](?P<first>[^\n]+?)[{_CLOSING}]\s*,?\s*"
    rf"(?:(?:{_SAID})\s+(?P<who>[^\n{_MARKS}]+?)|(?P<who_first>[^\n{_MARKS}]+?),?\s+(?:{_SAID}))"
    rf"\s*[.,]?\s*(?:[{_OPENING}](?P<rest>[^\n]+)[{_CLOSING}][.!?]?)?\s*$",
    re.IGNORECASE,
)
# Name, role, added: “…”
_LEAD_IN_WITH_QUOTE = re.compile(
    rf"^(?P<who>[^:\n{_MARKS}]{{3,200}}?)(?:,?\s+(?:{_SAID}))?\s*:\s*"
    rf"[{_OPENING}](?P<quote>[^\n]+)[{_CLOSING}][.!?]?\s*$",
    re.IGNORECASE,
)
_INLINE = re.compile(
    rf"^[{_OPENING}](?P<quote>[^\n]+?)[{_CLOSING}](?P<stop>[.!?]?)\s*(?:—|–|--?)\s*"
    r"(?P<who>[^\W\d_][^\n]{1,200})$"
)


@dataclass(frozen=True)
class Quote:
    paragraphs: tuple[str, ...]  # without their quote marks
    who: str  # "Name, role"

    @property
    def name(self) -> str:
        return self.who.split(",")[0].strip()

    def markdown(self) -> str:
        quoted = "\n>\n".join(
            "> " + paragraph.replace("\n", "\n> ") for paragraph in self.paragraphs
        )
        return f"{quoted}\n— {self.who}"


def opens_quote(text: str) -> bool:
    return text[:1] in _OPENING


def lead_in(text: str) -> str | None:
    """Who the following quote is by, when `text` is a lead-in naming a person; else None."""
    found = _LEAD_IN.match(text)
    if found is None:
        return None
    who = found.group("who").strip().rstrip(",")
    return who if looks_like_name(who.split(",")[0]) else None


def attribution_after(text: str) -> str | None:
    """Who the quote before is by, when `text` is a `— Name, role` line; else None."""
    found = _AFTER.match(text)
    return found.group("who").strip() if found and "\n" not in text else None


def paragraph_quote(text: str) -> Quote | None:
    """The quote and its speaker when one paragraph holds both, in any of the ways above."""
    text = text.strip()
    if found := _INLINE.match(text):
        said = found.group("quote").strip() + found.group("stop")
        return _spoken(said, found.group("who"))
    if found := _SAID_AFTER.match(text):
        said = found.group("first").strip()
        said = said[:-1] + "." if said.endswith(",") else said  # "…," said X → "…."
        if found.group("rest"):
            said = f"{said} {found.group('rest').strip()}"
        return _spoken(said, found.group("who") or found.group("who_first"))
    if found := _LEAD_IN_WITH_QUOTE.match(text):
        return _spoken(found.group("quote").strip(), found.group("who"))
    return None


def _spoken(said: str, who: str) -> Quote | None:
    who = who.strip().rstrip(",.")
    return Quote((said,), who) if said and looks_like_name(who.split(",")[0]) else None


def quote_run(texts: list[str], start: int) -> int:
    """How many paragraphs from `start` make one quote: up to the one closing the quote mark
    (the paragraphs between may open with a mark or not); 0 when `texts[start]` does not
    open a quote or the quote is not closed within a few paragraphs."""
    if start >= len(texts) or not opens_quote(texts[start]):
        return 0
    for end in range(start, min(len(texts), start + 6)):
        if _CLOSED.search(texts[end]) and (end > start or len(texts[end].strip()) > 2):
            return end - start + 1
    return 0


def unquoted(text: str) -> str:
    """The paragraph without its opening and closing quote marks."""
    text = text.strip()
    if text[:1] in _OPENING:
        text = text[1:]
    closed = _CLOSED.search(text)
    if closed:
        text = text[: closed.start()] + closed.group(0).strip()[1:]  # the full stop kept
    return text.strip()
