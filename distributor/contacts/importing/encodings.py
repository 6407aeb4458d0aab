"""Which text encoding a contact file is in, judged by whether its words read as names do.

A detector's first guess on a sample mistakes a short Western file for Central
European ("Hélène" becomes "Hélčne") because the two share most letters. Here
every candidate decodes the words that hold non-ASCII bytes, over the whole
file or its first SCAN_BYTES, and each word is judged: one script, letters a
single language writes together, a plausible case pattern, no control
characters or symbols glued to letters. The candidate with the fewest
implausible words wins; when another reads as well and renders the text
differently, the choice is reported as uncertain with both renderings, never
made silently. Memory stays flat: words are counted, each distinct one judged once.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import IO

from distributor.errors import InvalidInput

SCAN_BYTES = 8 * 1024 * 1024  # what is judged of a larger file
_CHUNK = 256 * 1024
_DISTINCT_WORDS = 50_000  # words judged at most; later new ones are not counted
_IMPLAUSIBLE_SHARE = 0.2  # a reading with more odd words than this is not a reading at all
_UTF8_ERROR_SHARE = 0.1  # a few broken sequences in real UTF-8 text are reported cell by cell

# The legacy encodings exports come in, preferred in this order when they read a file alike.
CANDIDATES = ("cp1252", "cp1250", "cp1251", "koi8_r", "iso8859_15", "latin_1", "mac_roman")
# What a person may choose from, in the order they are offered; any codec name works on the CLI.
ENCODING_CHOICES = (
    "cp1252",
    "cp1250",
    "cp1251",
    "koi8-r",
    "utf-8",
    "utf-16",
    "iso8859-15",
    "mac-roman",
)
# Names for people: what the admin's choice and the reports say.
LABELS = {
    "utf-8": "Unicode (UTF-8)",
    "utf-8-sig": "Unicode (UTF-8 with BOM)",
    "utf-16": "Unicode (UTF-16)",
    "utf-32": "Unicode (UTF-32)",
    "cp1252": "Western European (Windows-1252)",
    "cp1250": "Central European (Windows-1250)",
    "cp1251": "Cyrillic (Windows-1251)",
    "koi8-r": "Cyrillic (KOI8-R)",
    "iso8859-15": "Western European (ISO 8859-15)",
    "iso8859-1": "Western European (ISO 8859-1, Latin-1)",
    "iso8859-2": "Central European (ISO 8859-2)",
    "mac-roman": "Western European (Mac OS Roman)",
}

# Lower-case non-ASCII letters of the languages these encodings carry. A word is plausible
# when one language writes all of its letters.
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",  # French
        "äöüß",  # German
        "æøåé",  # Danish, Norwegian
        "åäöé",  # Swedish, Finnish
        "áéíóúñü",  # Spanish
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "áéëïóöüèê",  # Dutch
        "áðéíóúýþæö",  # Icelandic
        "äöõüšž",  # Estonian
        "àçèéíïòóúü",  # Catalan
        "ëç",  # Albanian
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "ąćęłńóśźż",  # Polish
        "áéíóöőúüű",  # Hungarian
        "čćđšž",  # Croatian, Slovene, Bosnian
        "ăâîșțşţ",  # Romanian
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґў",  # Russian, Ukrainian, Belarusian
    )
)
_CYRILLIC_VOWELS = frozenset("аеёиоуыэюяіїє")
_CYRILLIC_SIGNS = frozenset("ъьы")  # letters no word starts with
_LONG_WORD = 6  # letters from which a word without its share of vowels is no word
# Marks a real word may touch: apostrophes and hyphens in names, and prose's quotes, dashes
# and ellipsis (“We, «Nous, „Wir, word…).
_JOINERS = frozenset(
    "'`-.\u2019\u2018\u00b4\u2010\u2013\u00b7\u00a0\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2014\u2026"
)
_HIGH = re.compile(rb"[\x80-\xff]+")
_LETTERS = re.compile(rb"[A-Za-z\x80-\xff]*")
_WORD_BYTES = frozenset(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + bytes(range(128, 256))
)
_LONGEST_WORD = 256  # bytes carried over to the next chunk at most


@dataclass(frozen=True)
class EncodingDoubt:
    """Two encodings read the file equally well and render it differently."""

    chosen: str
    other: str
    sample: str  # a word as the chosen encoding renders it
    other_sample: str  # the same bytes as the other renders them


@dataclass(frozen=True)
class Detection:
    encoding: str
    doubt: EncodingDoubt | None = None


class EncodingUndecided(InvalidInput):
    """No candidate encoding reads the file's words as names: the user must say which it is."""


def encoding_label(encoding: str) -> str:
    """The encoding as people know it: "Western European (Windows-1252)"."""
    name = codecs.lookup(encoding).name
    return LABELS.get(name, name)


def resolve_encoding(name: str) -> str:
    """The codec a user named, by its usual name; InvalidInput naming it when there is none."""
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InvalidInput(
            f"unknown text encoding {name!r}; use one such as utf-8, cp1252 (Western European), "
            "cp1250 (Central European), cp1251 or koi8-r (Cyrillic)"
        )
    return info.name


def detect_encoding(name: str, binary: IO[bytes]) -> Detection:
    """The encoding of the text in `binary` (from its start, no BOM), which `name` names in errors."""
    words: Counter[bytes] = Counter()
    utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
    broken = wide = 0
    carry = b""
    read = 0
    while read < SCAN_BYTES and (chunk := binary.read(min(_CHUNK, SCAN_BYTES - read))):
        read += len(chunk)
        text = utf8.decode(chunk)
        broken += text.count("\ufffd")
        wide += len(text) - len(text.encode("ascii", "ignore"))
        chunk = carry + chunk
        tail = len(chunk)
        while tail > max(0, len(chunk) - _LONGEST_WORD) and chunk[tail - 1] in _WORD_BYTES:
            tail -= 1  # a word cut at the chunk's end is judged whole with the next chunk
        carry, chunk = chunk[tail:], chunk[:tail]
        _count_words(words, chunk)
    whole = not binary.read(1)
    if whole:
        broken += utf8.decode(b"", final=True).count("\ufffd")
        _count_words(words, carry)
    if not words or broken <= _UTF8_ERROR_SHARE * (wide - broken):
        return Detection("utf-8")
    return _choose(name, words)


def _count_words(words: Counter[bytes], chunk: bytes) -> None:
    """Count the words of `chunk` that hold a non-ASCII byte, in time linear in its length."""
    if chunk.isascii():
        return
    end = 0
    for match in _HIGH.finditer(chunk, end):
        if match.start() < end:
            continue  # part of the word just counted
        start = match.start()
        while start > max(end, match.start() - _LONGEST_WORD) and chunk[start - 1] in _WORD_BYTES:
            start -= 1
        found = _LETTERS.match(chunk, match.start())
        end = found.end() if found else match.end()
        word = chunk[start:end]
        if word in words or len(words) < _DISTINCT_WORDS:
            words[word] += 1


@dataclass(frozen=True)
class _Reading:
    encoding: str
    odd: int  # occurrences of words this encoding renders implausibly
    renders: dict[bytes, str]


def _choose(name: str, words: Counter[bytes]) -> Detection:
    total = sum(words.values())
    readings = []
    for encoding in CANDIDATES:
        renders = {word: word.decode(encoding, errors="replace") for word in words}
        odd = sum(count for word, count in words.items() if not plausible(renders[word]))
        readings.append(_Reading(codecs.lookup(encoding).name, odd, renders))
    readings.sort(key=lambda r: r.odd)  # stable: the preferred first among equals
    best = readings[0]
    if best.odd > _IMPLAUSIBLE_SHARE * total:
        raise EncodingUndecided(
            f"{name}: cannot tell its text encoding; no usual one reads its names as real "
            f"letters ({_example(best, words)} as {best.encoding}); say which it is with "
            "--encoding, e.g. --encoding cp1252"
        )
    for other in readings[1:]:
        if other.odd > best.odd:
            break
        differs = [w for w, _ in words.most_common() if best.renders[w] != other.renders[w]]
        if differs:
            word = differs[0]
            return Detection(
                best.encoding,
                EncodingDoubt(
                    best.encoding, other.encoding, best.renders[word], other.renders[word]
                ),
            )
    return Detection(best.encoding)


def _example(reading: _Reading, words: Counter[bytes]) -> str:
    odd = [w for w, _ in words.most_common() if not plausible(reading.renders[w])]
    return repr(reading.renders[odd[0]]) if odd else "its words"


def plausible(word: str) -> bool:
    """Whether `word` (one run of letters and the bytes between them) reads as a real word."""
    if "\ufffd" in word:
        return False
    runs = []
    run = ""
    for index, char in enumerate(word):
        if char.isalpha() and char not in "ªº":
            run += char
            continue
        if run:
            runs.append(run)
            run = ""
        if char in _JOINERS:
            continue
        # A symbol, digit or control character glued to a letter is a misread letter (Micha³).
        before = index > 0 and word[index - 1].isalpha()
        after = index + 1 < len(word) and word[index + 1].isalpha()
        if before or after or unicodedata.category(char) == "Cc":
            return False
    if run:
        runs.append(run)
    return all(_plausible_run(run) for run in runs)


def _plausible_run(run: str) -> bool:
    scripts = {unicodedata.name(char, "UNKNOWN").split()[0] for char in run}
    if len(scripts) > 1:
        return False  # Latin and Cyrillic letters inside one word
    if _mixed_case(run):
        return False  # йЧБО: KOI8-R read as Windows-1251
    lower = run.lower()
    wide = {char for char in lower if not char.isascii()}
    if not wide:
        return True
    if not any(wide <= alphabet for alphabet in _ALPHABETS):
        return False  # Ćrř: letters no one language writes together
    if scripts == {"CYRILLIC"}:
        return _plausible_cyrillic(lower)
    # Misread Cyrillic comes out as Latin with a mark on nearly every letter: Èâàí.
    return len(run) < 4 or 2 * sum(not char.isascii() for char in lower) <= len(lower)


def _mixed_case(run: str) -> bool:
    """An upper-case letter after a lower-case one, past a name's prefix (McDonald, DeVito)."""
    for index in range(1, len(run)):
        if run[index].isupper() and run[index - 1].islower():
            if run[:index] in ("Mc", "Mac", "De", "Di", "La", "Le", "Van", "Von", "O"):
                continue
            return True
    return False


def _plausible_cyrillic(lower: str) -> bool:
    if lower[0] in _CYRILLIC_SIGNS:
        return False  # no word starts with ъ, ь or ы
    if len(lower) >= _LONG_WORD and sum(c in _CYRILLIC_VOWELS for c in lower) * 8 < len(lower):
        return False  # "Рбрбдпрпхлпт": Greek read as Windows-1251 ("всплеск" has 1 in 7)
    return not any(
        char in "ъь" and (previous in _CYRILLIC_VOWELS or previous in _CYRILLIC_SIGNS)
        for previous, char in pairwise(lower)
    )
