"""The dateline at the start of a release's first paragraph: "BERLIN, 3 February 2027 –",
"Paris, le 3 février 2027 –", "Moskau, 3. Februar 2027 –", "Москва, 3 февраля 2027 г. —"."""

# ruff: noqa: RUF001, RUF002, RUF003 - words of other languages, typographic quotes and dashes

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_MONTHS: dict[str, int] = {}
for _names in (
    "january february march april may june july august september october november december",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "januari februari maart april mei juni juli augustus september oktober november december",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "jan feb mar apr may jun jul aug sep oct nov dec",
):
    for _number, _name in enumerate(_names.split(), start=1):
        _MONTHS[_name] = _number
_MONTHS |= {"sept": 9, "jänner": 1, "févr": 2, "janv": 1, "avr": 4, "juil": 7, "déc": 12}

_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|\.|º)?"
_YEAR = r"(?P<year>\d{4})(?:\s*(?:г\.|года))?"
_DATES = (
    re.compile(rf"^{_DAY}\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?{_YEAR}"),  # 3 February 2027
    re.compile(rf"^{_MONTH}\s+{_DAY},?\s+{_YEAR}"),  # February 3, 2027
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),  # 2027-02-03
    re.compile(r"^(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})"),  # 03.02.2027
)
# The place: capitalised words (BERLIN, São Paulo, Frankfurt am Main), maybe "(Agency)".
_PLACE = re.compile(
    r"^(?P<place>[^\W\d_][\w'’.\- ]{0,48}?)\s*(?:\([^)]{1,40}\))?\s*[,/]\s*"
    r"(?:(?:le|den|am|el|il|on)\s+)?"
)
# A place in capitals and a dash, no date: "HAMBURG –".
_PLACE_ONLY = re.compile(r"^(?P<place>[^\W\d_]+(?:[ -][^\W\d_]+){0,3})\s*(?:[–—]|--?)\s+")
# A wire service's tag between the date and the dash: "/PRNewswire/".
_DASH = re.compile(r"^\s*(?:/[^/\n]{1,40}/\s*)?(?:[–—-]{1,2}|:)\s*")
# The region or country after the place: "LINDENFELD, Germany, …", "AUSTIN, Texas, …".
_REGION = re.compile(r"^[^\W\d_][\w'’.\- ]{1,30}?,\s*")


@dataclass(frozen=True)
class Dateline:
    location: str
    date: date | None
    rest: str  # the paragraph after the dateline
    written: str  # the dateline as the document has it, for the report


def read_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening `paragraph`: a place, a date and a dash; None when it has none.

    A place followed by a dash but no date the reader knows is a dateline without a date.
    """
    bare = _PLACE_ONLY.match(paragraph)
    if bare and bare.group("place").isupper() and len(bare.group("place")) > 1:
        written = paragraph[: bare.end()].strip()
        return Dateline(_place(bare.group("place")), None, paragraph[bare.end() :], written)
    place = _PLACE.match(paragraph)
    if place is None or not place.group("place")[0].isupper():
        return None
    after = paragraph[place.end() :]
    region = _REGION.match(after)
    for skipped in (0, region.end()) if region else (0,):
        for pattern in _DATES:
            found = pattern.match(after[skipped:])
            if found is None:
                continue
            dash = _DASH.match(after[skipped + found.end() :])
            if dash is None:
                return None
            end = place.end() + skipped + found.end() + dash.end()
            return Dateline(
                _place(place.group("place")), _date(found), paragraph[end:], paragraph[:end].strip()
            )
    words = re.match(r"^[^–—\n]{3,40}?\s[–—]\s*", after)  # "BERLIN, Tuesday –"
    if words is None:
        return None
    end = place.end() + words.end()
    return Dateline(_place(place.group("place")), None, paragraph[end:], paragraph[:end].strip())


def _place(written: str) -> str:
    """BERLIN as Berlin: the capitals are the dateline's convention, not the name's spelling."""
    written = written.strip()
    return written.title() if written.isupper() else written


def _date(found: re.Match[str]) -> date | None:
    month = found.group("month")
    number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
    if number is None:
        return None
    try:
        return date(int(found.group("year")), number, int(found.group("day")))
    except ValueError:
        return None


# "Embargoed until Wednesday, 3 February 2027, 09:00 CET", "EMBARGO: 12 March 2027 at 10.00 GMT",
# "Sperrfrist: 3. Februar 2027, 9 Uhr MEZ", "Sous embargo jusqu'au 3 février 2027 à 9h00 CET".
_EMBARGO_WORDS = re.compile(
    r"^(?:embargo(?:ed)?|under embargo|sperrfrist|sous embargo|embargo hasta)\W*"
    r"(?:until|till|to|bis(?: zum)?|jusqu['’]au|hasta el|до)?\s*"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|montag|dienstag|mittwoch|donnerstag|freitag"
    r"|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)?,?\s*",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    r"^[\s,]*(?:at|à|um|a las|alle|в)?\s*(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*"
    r"(?P<half>[ap]\.?m\.?)?\s*(?:uhr|h\b)?\s*(?:\(?(?P<zone>[A-Z][A-Za-z]+/[A-Za-z_]+"
    r"|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[A-Za-z]{2,5})\)?)?",
    re.IGNORECASE,
)
# Zone abbreviations releases write, as the fixed offsets they stand for.
_ABBREVIATIONS = {
    "utc": 0, "gmt": 0, "z": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1, "mez": 1, "cest": 2,
    "mesz": 2, "eet": 2, "eest": 3, "msk": 3, "est": -5, "edt": -4, "cst": -6, "cdt": -5,
    "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip


def read_embargo(paragraph: str) -> datetime | None:
    """The lift time an embargo line gives, when it names a date, a time and a zone; else None
    (a time without its zone is not guessed)."""
    words = _EMBARGO_WORDS.match(paragraph.strip())
    if words is None:
        return None
    rest = paragraph.strip()[words.end() :]
    for pattern in _DATES:
        found = pattern.match(rest)
        day = _date(found) if found else None
        if found is None or day is None:
            continue
        clock = _CLOCK.match(rest[found.end() :])
        zone = _zone(clock.group("zone")) if clock and clock.group("zone") else None
        if clock is None or zone is None:
            return None
        hour, minute = int(clock.group("hour")), int(clock.group("minute") or 0)
        half = (clock.group("half") or "").replace(".", "").lower()
        hour = hour % 12 + (12 if half == "pm" else 0) if half else hour
        if hour > 23 or minute > 59:
            return None
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    return None


def _zone(written: str) -> timezone | ZoneInfo | None:
    if "/" in written:
        try:
            return ZoneInfo(written)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    offset = re.fullmatch(r"(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", written, re.I)
    if offset:
        sign = -1 if offset.group(1) == "-" else 1
        hours, minutes = int(offset.group(2)), int(offset.group(3) or 0)
        return timezone(sign * timedelta(hours=hours, minutes=minutes))
    abbreviated = _ABBREVIATIONS.get(written.lower())
    return None if abbreviated is None else timezone(timedelta(hours=abbreviated))
