"""A release's typography in its language: quotes, dashes and no-break spaces, set once per render.

Authors type straight quotes, `--` and ordinary spaces; each language prints them its
own way (“…” in English, « … » in French, „…“ in German, «…» in Russian). The rules
are one table, `CONVENTIONS`, and one pass over the prose: `typeset` for a line of text
(the title, hence the Subject and the preheader), `typeset_html` for the body's text
nodes (code, URLs, email addresses and attributes untouched), and `typeset_view` for
every prose field of a release. The pass only ever changes punctuation and spaces,
and running it twice changes nothing more; a language without a convention is left
as typed.
"""

# ruff: noqa: RUF001 - the quotes, dashes and spaces below are the point of this module

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

import lxml.html
from lxml.html import HtmlElement

from distributor.rendering.views import ReleaseView
from distributor.wording import base_language

__all__ = ["CONVENTIONS", "Convention", "typeset", "typeset_html", "typeset_view"]

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


@dataclass(frozen=True)
class Convention:
    """How one language prints quotes, a dash between words, and spaces it never breaks."""

    quotes: tuple[str, str]  # opening and closing
    inner_quotes: tuple[str, str]  # quotes inside quotes
    dash: str  # what `--` (or a spaced hyphen) between words becomes, its spaces included
    guillemet_space: str = ""  # inside « » (French)
    colon_space: str = ""  # before ":" (French)
    mark_space: str = ""  # before ";", "!" and "?" (French)
    group_space: str = NBSP  # between groups of three digits: 5 000


EN_DASH_SPACED = f"{NBSP}– "  # the dash never starts a line
CONVENTIONS: dict[str, Convention] = {
    "en": Convention(("“", "”"), ("‘", "’"), dash="—"),
    "fr": Convention(
        ("«", "»"),
        ("“", "”"),
        dash=EN_DASH_SPACED,
        guillemet_space=NBSP,
        colon_space=NBSP,
        mark_space=NARROW_NBSP,
        group_space=NARROW_NBSP,
    ),
    "de": Convention(("„", "“"), ("‚", "‘"), dash=EN_DASH_SPACED),
    "ru": Convention(("«", "»"), ("„", "“"), dash=f"{NBSP}— "),
    "es": Convention(("«", "»"), ("“", "”"), dash=EN_DASH_SPACED),
    "it": Convention(("«", "»"), ("“", "”"), dash=EN_DASH_SPACED),
    "pt": Convention(("“", "”"), ("‘", "’"), dash=EN_DASH_SPACED),
    "nl": Convention(("“", "”"), ("‘", "’"), dash=EN_DASH_SPACED),
    "pl": Convention(("„", "”"), ("«", "»"), dash=EN_DASH_SPACED),
    "cs": Convention(("„", "“"), ("‚", "‘"), dash=EN_DASH_SPACED),
}

# Text no rule may touch: a web or email address, or a phone number (whose spaces become
# no-break spaces first). U+E000 stands for each while the rules run.
_KEPT = "\ue000"
_URL = r"(?:https?://|mailto:|www\.)[^\s<>\"“”«»„]*[^\s<>\"“”«»„.,;:!?)’']"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_PHONE = r"(?<![\w+])\+\d{1,3}(?:[ \u00a0./-]?\(?\d{1,5}\)?){1,6}(?!\w)"
_PROTECTED = re.compile(f"(?P<phone>{_PHONE})|{_URL}|{_EMAIL}|{_KEPT}")
_KEPT_MARK = re.compile(_KEPT)

_OPENS_BEFORE = set("([{‘“„‚«‹—–-/") | {NBSP, NARROW_NBSP, ""}
_UNITS = (
    "km|m|cm|mm|m²|m³|km²|ha|kg|g|mg|t|l|ml|%|‰|°C|°|h|min|s|ms|Hz|kHz|MHz|GHz|W|kW|MW|GW|"
    "kWh|MWh|GWh|TWh|V|kV|A|GB|MB|TB|km/h|€|\\$|£|¥|₽|zł|Kč|CHF|EUR|USD|GBP|PLN|CZK|RUB|"
    "Mio\\.|Mrd\\.|Millionen|Milliarden|millions?|milliards?|billions?|млн|млрд|тыс\\.|руб\\."
)
# `--` (or `---`) between words, or a hyphen with spaces around it.
_DASH = re.compile(
    r"(?<=[^\s-])(?P<before>[ \t\u00a0]*)(?P<hyphen>---?|(?<=[ \t\u00a0])-(?=[ \t]))(?!-)"
    r"(?P<after>[ \t]*)(?=[^\s-])"
)
_CURRENCIES = "€|\\$|£|¥|₽|EUR|USD|GBP|CHF|PLN|CZK|RUB"

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def convention_of(language: str) -> Convention | None:
    """The convention of `language` (`fr-CA` reads `fr`), None where there is none."""
    return CONVENTIONS.get(base_language(language))


def typeset(text: str, language: str) -> str:
    """`text` (one line or paragraph of prose) printed the way `language` prints it."""
    return _typeset_runs([text], language)[0]


def typeset_html(fragment: str, language: str) -> str:
    """An HTML fragment with the text of each block typeset; code, URLs and attributes kept."""
    if convention_of(language) is None or not fragment.strip():
        return fragment
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    _typeset_block(root, language)
    serialized = str(lxml.html.tostring(root, encoding="unicode"))
    return serialized.removeprefix("<div>").removesuffix("</div>")


def typeset_view(view: ReleaseView) -> ReleaseView:
    """`view` with every prose field typeset; names, addresses, phones and URLs stay as given."""
    language = view.language

    def prose(text: str | None) -> str | None:
        return None if text is None else typeset(text, language)

    return replace(
        view,
        title=typeset(view.title, language),
        subtitle=prose(view.subtitle),
        summary=prose(view.summary),
        location=prose(view.location),
        body_html=typeset_html(view.body_html, language),
        images=tuple(replace(image, caption=prose(image.caption)) for image in view.images),
        links=tuple(replace(link, label=prose(link.label)) for link in view.links),
        contacts=tuple(replace(contact, role=prose(contact.role)) for contact in view.contacts),
    )


# --- the body's HTML: one run of text per text node, typeset a block at a time ---------

_INLINE = {"a", "b", "strong", "em", "i", "u", "span", "sup", "sub", "br", "img"}
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style"}


@dataclass
class _Slot:
    element: HtmlElement
    attribute: str  # "text" or "tail"
    verbatim: bool = False  # code: one kept character to the rules, never written back


def _typeset_block(block: HtmlElement, language: str) -> None:
    """Typeset the text of `block` as one run of prose, and each block inside it on its own."""
    slots: list[_Slot] = [_Slot(block, "text")]
    _collect(block, slots, language)
    texts = [_KEPT if slot.verbatim else _text(slot) for slot in slots]
    for slot, text in zip(slots, _typeset_runs(texts, language), strict=True):
        if not slot.verbatim and text != _text(slot):
            setattr(slot.element, slot.attribute, text)


def _text(slot: _Slot) -> str:
    return str(getattr(slot.element, slot.attribute) or "")


def _collect(element: HtmlElement, slots: list[_Slot], language: str) -> None:
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else None
        if tag in _VERBATIM:
            slots.append(_Slot(child, "text", verbatim=True))
        elif tag in _INLINE:
            slots.append(_Slot(child, "text"))
            _collect(child, slots, language)
        elif tag is not None:  # a block: its own run of prose
            _typeset_block(child, language)
        slots.append(_Slot(child, "tail"))


# --- the rules, applied to runs of text joined into one string -----------------------


def _typeset_runs(runs: Sequence[str], language: str) -> list[str]:
    """Typeset `runs` as one text, so a quote may open in one run and close in the next."""
    convention = convention_of(language)
    if convention is None:
        return list(runs)
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        found = match.group(0)
        kept.append(found.replace(" ", NBSP) if match.group("phone") else found)
        return _KEPT

    pieces = [_PROTECTED.sub(keep, run) for run in runs]
    text, cuts = "".join(pieces), _ends(pieces)
    for pattern, replacement in (_quotes(convention), *_rules(convention)):
        text, cuts = _substitute(pattern, replacement, text, cuts)
    restored = iter(kept)
    return [
        _KEPT_MARK.sub(lambda _: next(restored), text[start:end])
        for start, end in zip([0, *cuts[:-1]], cuts, strict=True)
    ]


def _ends(pieces: Sequence[str]) -> list[int]:
    ends, total = [], 0
    for piece in pieces:
        total += len(piece)
        ends.append(total)
    return ends


def _substitute(
    pattern: re.Pattern[str],
    replacement: Callable[[re.Match[str]], str],
    text: str,
    cuts: list[int],
) -> tuple[str, list[int]]:
    """`pattern.sub`, keeping track of where each run ends: a replacement spanning the end
    of a run stays with the run it started in."""
    out: list[str] = []
    moved = list(cuts)
    last, shift = 0, 0
    for match in pattern.finditer(text):
        start, end = match.span()
        new = replacement(match)
        out.append(text[last:start] + new)
        for index, cut in enumerate(cuts):
            if start < cut < end:
                moved[index] = start + shift + len(new)
            elif cut > start:
                moved[index] += len(new) - (end - start)
        shift += len(new) - (end - start)
        last = end
    out.append(text[last:])
    return "".join(out), moved


@cache
def _rules(convention: Convention) -> tuple[Rule, ...]:
    """The rules of `convention` other than quotes, in the order they apply."""

    def constant(value: str) -> Callable[[re.Match[str]], str]:
        return lambda _: value

    def dash(match: re.Match[str]) -> str:
        """A dash between words, spaced on both sides or on neither (not `use --json`)."""
        text, (start, end) = match.string, match.span()
        lopsided = bool(match.group("before")) != bool(match.group("after"))
        both_numbers = (
            match.group("hyphen") == "-" and text[start - 1].isdigit() and text[end].isdigit()
        )
        return match.group(0) if lopsided or both_numbers else convention.dash

    def number_range(match: re.Match[str]) -> str:
        first, last = match.group("first"), match.group("last")
        is_range = (
            int(first) < int(last)
            and not first.startswith("0")
            and (len(last) != 4 or len(first) == 4)  # 12-2026 is a month, 2026-2027 years
        )
        return f"{first}–{last}" if is_range else match.group(0)

    rules: list[Rule] = [
        (_DASH, dash),
        (
            re.compile(r"(?<![\w/.,:+#–-])(?P<first>\d{1,4})-(?P<last>\d{1,4})(?![\w/–-]|[.,:]\d)"),
            number_range,
        ),
        (
            re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d])"),
            lambda match: match.group(0).replace(" ", convention.group_space),
        ),
        (re.compile(rf"(?<=\d) (?=(?:{_UNITS})(?!\w))"), constant(NBSP)),
        (re.compile(rf"(?<!\w)(?P<sign>{_CURRENCIES}) (?=\d)"), lambda m: m.group("sign") + NBSP),
    ]
    if convention.guillemet_space:
        space = convention.guillemet_space
        rules += [
            (re.compile(r"(?<=«)[ \t\r\n]*+(?![\u00a0\u202f])"), constant(space)),
            (re.compile(r"(?<=[^\s\u00a0\u202f])[ \t\r\n]*+(?=»)"), constant(space)),
        ]
    for marks, space in ((":", convention.colon_space), (";!?", convention.mark_space)):
        if space:
            rules.append(
                (
                    re.compile(
                        rf"(?<=[^\s\u00a0\u202f!?;:.(])[ \t]*+(?=[{marks}](?:$|[\s»”)!?.…]))"
                    ),
                    constant(space),
                )
            )
    return tuple(rules)


def _quotes(convention: Convention) -> Rule:
    """Straight quotes to the language's own, opening or closing by what stands around them.

    `"` opens the language's quotes, or its inner ones inside a quote; `'` opens the inner
    ones, or is an apostrophe. A quote after a digit that closes nothing (5'11", inches,
    minutes) is left as typed.
    """
    open_quotes: list[str] = []  # the straight quote of each quote still open
    opened_at = [-1]  # where the last quote opened: "'Hi', she said" opens twice

    def replacement(match: re.Match[str]) -> str:
        text, index, mark = match.string, match.start(), match.group(0)
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        opening = (
            before.isspace() or before in _OPENS_BEFORE or opened_at[0] == index - 1
        ) and not (after.isspace() or after == "")
        if mark == "'" and (
            (before.isalpha() and after.isalpha())
            or (opening and text[index + 1 : index + 3].isdigit())  # the '90s
        ):
            return "’"
        if opening:
            pair = convention.quotes if mark == '"' and not open_quotes else convention.inner_quotes
            open_quotes.append(mark)
            opened_at[0] = index
            return pair[0]
        if mark in open_quotes:
            depth = len(open_quotes) - 1 - open_quotes[::-1].index(mark)
            del open_quotes[depth:]
            return (convention.quotes if mark == '"' and depth == 0 else convention.inner_quotes)[1]
        if before.isdigit():
            return mark
        return "’" if mark == "'" else convention.quotes[1]

    return re.compile(r"[\"']"), replacement
