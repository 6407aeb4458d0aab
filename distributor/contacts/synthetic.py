"""Realistic journalist contact files of any size, for tests and benchmarks.

Real exports are messy in known ways: their encoding and delimiter follow the
tool and the locale that wrote them, names carry accents or Cyrillic, some
addresses are written as `"Name" <address>`, some are broken, and the same
journalist appears twice in different case. The generator writes all of that,
streamed (any size, flat memory) and deterministic by seed, and returns what
an import of the file should find.
"""

from __future__ import annotations

import csv
import json
import random
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Format = Literal["csv", "jsonl", "xlsx"]

DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1251", "latin-1")

# (name as written, the same in ASCII for the address) per script.
_ENGLISH_FIRST = ("Anna", "James", "Sarah", "Michael", "Emily", "David", "Laura", "Tom", "Grace")
_ENGLISH_LAST = ("Smith", "Brown", "Taylor", "Wilson", "Clarke", "Hughes", "Walker", "O'Neill")
_RUSSIAN_FIRST = ("Иван", "Ольга", "Дмитрий", "Анна", "Сергей", "Мария", "Алексей", "Екатерина")
_RUSSIAN_LAST = ("Петров", "Смирнова", "Иванов", "Кузнецова", "Соколов", "Попова", "Лебедев")
_ACCENTED_FIRST = ("Léa", "François", "Jürgen", "José", "Zoë", "Søren", "Inés", "Maëlle", "Björn")
_ACCENTED_LAST = ("Dubois", "Müller", "Núñez", "Lefèvre", "Größer", "Ångström", "García", "Hæg")
_WIDE_FIRST = ("Zofia", "Łukasz", "Νίκος", "Đorđe", "Ștefan")  # UTF-8 only
_WIDE_LAST = ("Wiśniewska", "Παπαδόπουλος", "Dvořák", "Ionescu")

_TRANSLIT = str.maketrans(
    "абвгдеёзийклмнопрстуфыэ", "abvgdeeziyklmnoprstufye", "ъь"
) | str.maketrans(
    {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "yu", "я": "ya"}  # noqa: RUF001 (Cyrillic on purpose)
)

_OUTLETS = (
    ("Le Monde", "lemonde.example", "FR", "fr"),
    ("Süddeutsche Zeitung", "sz.example", "DE", "de"),
    ("El País", "elpais.example", "ES", "es"),
    ("The Guardian", "guardian.example", "GB", "en"),
    ("Reuters", "reuters.example", "US", "en"),
    ("Коммерсантъ", "kommersant.example", "RU", "ru"),
    ("Ведомости", "vedomosti.example", "RU", "ru"),
    ("Corriere della Sera", "corriere.example", "IT", "it"),
    ("NRC", "nrc.example", "NL", "nl"),
    ("Gazeta Wyborcza", "wyborcza.example", "PL", "pl"),
)
_BEATS = (
    "politics",
    "business",
    "film",
    "music",
    "technology",
    "science",
    "health",
    "sport",
    "culture",
    "environment",
    "energy",
    "finance",
)
_COUNTRY_SPELLINGS = {
    "FR": ("FR", "France"),
    "DE": ("DE", "Germany"),
    "ES": ("ES", "Spain"),
    "GB": ("GB", "United Kingdom", "UK"),
    "US": ("US", "United States", "USA"),
    "RU": ("RU", "Russia", "Россия"),
    "IT": ("IT", "Italy"),
    "NL": ("NL", "Netherlands"),
    "PL": ("PL", "Poland"),
}
_LANGUAGE_SPELLINGS = {
    "fr": ("fr", "French"),
    "de": ("de", "German"),
    "es": ("es", "Spanish"),
    "en": ("en", "English", "en-GB"),
    "ru": ("ru", "Russian", "русский"),
    "it": ("it", "Italian"),
    "nl": ("nl", "Dutch"),
    "pl": ("pl", "Polish"),
}
_ROLES = ("Reporter", "Editor", "Correspondent", "Columnist", "Producer", "Critic", "Freelance")
_BROKEN_ADDRESSES = (
    "{local}@",
    "{local}",
    "{local}@@{domain}",
    "{local} at {domain}",
    "@{domain}",
    "{local}@{domain}.",
    "{local}..x@{domain}",
)
_NOTES = (
    "",
    "",
    "",
    "Met at the Berlinale, prefers embargoed copies",
    'Wrote "Best of the year", call before 10:00',
    "Prefers phone; no attachments, please",
    "Covers the region\nsince 2019",
)

HEADERS = (
    "Email",
    "Full name",
    "Publication",
    "Job title",
    "Beat",
    "Country",
    "Language",
    "Phone",
    "Notes",
    "Twitter",
)
# Exports from Russian-language tools (the ones that write Windows-1251) use Russian headers.
RUSSIAN_HEADERS = (
    "Электронная почта",
    "ФИО",
    "Издание",
    "Должность",
    "Темы",
    "Страна",
    "Язык",
    "Телефон",
    "Примечание",
    "Twitter",
)


@dataclass(frozen=True)
class SyntheticFile:
    """What was written, and what an import of it should count."""

    path: Path
    rows: int
    distinct: int  # distinct valid addresses
    duplicates: int  # rows repeating an earlier address (in another case)
    invalid: int  # rows whose address cannot be used
    display_names: int  # rows with `"Name" <address>`


def _ascii(text: str) -> str:
    """The address form of a name: transliterated Cyrillic, accents dropped, lower case."""
    lowered = text.lower().translate(_TRANSLIT)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def _name_pool(encoding: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names the encoding can carry: Cyrillic for cp1251, accented Latin for Latin-1, all for UTF."""
    if encoding == "cp1251":
        return _ENGLISH_FIRST + _RUSSIAN_FIRST * 2, _ENGLISH_LAST + _RUSSIAN_LAST * 2
    if encoding == "latin-1":
        return _ENGLISH_FIRST + _ACCENTED_FIRST * 2, _ENGLISH_LAST + _ACCENTED_LAST * 2
    return (
        _ENGLISH_FIRST + _RUSSIAN_FIRST + _ACCENTED_FIRST + _WIDE_FIRST,
        _ENGLISH_LAST + _RUSSIAN_LAST + _ACCENTED_LAST + _WIDE_LAST,
    )


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _spelling(options: tuple[str, ...], encoding: str, rng: random.Random) -> str:
    """One of the ways people write a value, among those the encoding can carry."""
    return rng.choice([option for option in options if _encodable(option, encoding)])


def synthetic_rows(
    rows: int,
    *,
    seed: int = 0,
    encoding: str = "utf-8",
    duplicate_rate: float = 0.02,
    invalid_rate: float = 0.01,
    display_name_rate: float = 0.02,
    counts: dict[str, int] | None = None,
) -> Iterator[list[str]]:
    """Rows of cells in the order of HEADERS; `counts` (if given) is filled as rows are made."""
    rng = random.Random(seed)  # noqa: S311  (test data: deterministic, not secret)
    firsts, lasts = _name_pool(encoding)
    recent: deque[tuple[str, list[str]]] = deque(maxlen=500)
    tally = counts if counts is not None else {}
    for key in ("distinct", "duplicates", "invalid", "display_names"):
        tally[key] = 0
    for index in range(rows):
        roll = rng.random()
        if recent and roll < duplicate_rate:
            # The same journalist again, from another export: different case, maybe another outlet.
            email, cells = rng.choice(recent)
            variant = email.upper() if rng.random() < 0.5 else email.title()
            tally["duplicates"] += 1
            yield [variant, *cells[1:]]
            continue
        first, last = rng.choice(firsts), rng.choice(lasts)
        outlet, domain, country, language = rng.choice(_OUTLETS)
        local = ".".join(part for part in (_ascii(first), _ascii(last), str(index)) if part)
        email = f"{local}@{domain}"
        beats = "; ".join(rng.sample(_BEATS, rng.randint(0, 3)))
        cells = [
            email,
            f"{first} {last}",
            outlet if _encodable(outlet, encoding) else _ascii(outlet).title(),
            rng.choice(_ROLES),
            beats,
            _spelling(_COUNTRY_SPELLINGS[country], encoding, rng),
            _spelling(_LANGUAGE_SPELLINGS[language], encoding, rng),
            f"+{rng.randint(1, 49)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            rng.choice(_NOTES),
            f"@{_ascii(first)}{_ascii(last)}" if rng.random() < 0.3 else "",
        ]
        if roll < duplicate_rate + invalid_rate:
            cells[0] = rng.choice(_BROKEN_ADDRESSES).format(local=local, domain=domain)
            tally["invalid"] += 1
        else:
            if roll < duplicate_rate + invalid_rate + display_name_rate:
                cells[0] = f'"{first} {last}" <{email}>'
                tally["display_names"] += 1
            tally["distinct"] += 1
            recent.append((email, cells))
        yield cells


def write_contacts(
    path: Path,
    rows: int,
    *,
    seed: int = 0,
    encoding: str = "utf-8",
    dialect: str = "comma",
    file_format: Format = "csv",
    duplicate_rate: float = 0.02,
    invalid_rate: float = 0.01,
    display_name_rate: float = 0.02,
) -> SyntheticFile:
    """Write `rows` contacts to `path` (CSV in `encoding` and `dialect`, JSON lines, or XLSX)."""
    counts: dict[str, int] = {}
    generated = synthetic_rows(
        rows,
        seed=seed,
        encoding=encoding,
        duplicate_rate=duplicate_rate,
        invalid_rate=invalid_rate,
        display_name_rate=display_name_rate,
        counts=counts,
    )
    headers = RUSSIAN_HEADERS if encoding == "cp1251" else HEADERS
    if file_format == "csv":
        with path.open("w", encoding=encoding, newline="") as stream:
            writer = csv.writer(stream, delimiter=DELIMITERS[dialect])
            writer.writerow(headers)
            writer.writerows(generated)
    elif file_format == "jsonl":
        with path.open("w", encoding="utf-8") as stream:
            for cells in generated:
                record = {h: c for h, c in zip(headers, cells, strict=True) if c}
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        from openpyxl import Workbook  # type: ignore[import-untyped]

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Contacts")
        sheet.append(list(headers))
        for cells in generated:
            sheet.append(cells)
        workbook.save(path)
    return SyntheticFile(
        path=path,
        rows=rows,
        distinct=counts["distinct"],
        duplicates=counts["duplicates"],
        invalid=counts["invalid"],
        display_names=counts["display_names"],
    )
