"""Which encoding a contact file is read in: the one whose words read as names, or a warning."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from distributor.contacts.importing.encodings import EncodingUndecided, plausible
from distributor.contacts.importing.readers import Source, SourceRow, open_source
from distributor.errors import InvalidInput

# The first columns of Outlook's "Comma Separated Values" contact export, which Outlook
# writes in the Windows code page of the machine: Windows-1252 in Western Europe.
OUTLOOK_HEADER = (
    '"First Name","Middle Name","Last Name","Title","Suffix","Nickname","E-mail Address",'
    '"E-mail 2 Address","Business Phone","Mobile Phone","Job Title","Department","Company",'
    '"Business City","Business Country/Region"\r\n'
)
OUTLOOK_ROWS = (
    ("Hélène", "Giraud", "helene.giraud@lemonde.example", "Journaliste", "Le Monde", "France"),
    ("Søren", "Ærø", "soren.aero@politiken.example", "Redaktør", "Politiken", "Denmark"),
    ("Jürgen", "Weiß", "j.weiss@sueddeutsche.example", "Redakteur", "Süddeutsche", "Germany"),
    ("François", "Lefèvre", "f.lefevre@liberation.example", "Rédacteur", "Libération", "France"),
    ("Björn", "Ødegård", "bjorn@aftenposten.example", "Journalist", "Aftenposten", "Norway"),
)
CZECH_POLISH = (
    "Email;Jméno;Příjmení;Redakce\r\n"
    "antonin.dvorak@lidovky.example;Antonín;Dvořák;Lidové noviny\r\n"
    "bozena@novinky.example;Božena;Němcová;Novinky.cz\r\n"
    "jiri.stastny@ct.example;Jiří;Šťastný;Česká televize\r\n"
    "lukasz@wyborcza.example;Łukasz;Wąsowski;Gazeta Wyborcza\r\n"
    "malgorzata@rp.example;Małgorzata;Żółkiewska;Rzeczpospolita\r\n"
)
RUSSIAN = (
    "Email;Имя;Фамилия;Издание\r\n"
    "olga@gazeta.example;Ольга;Петрова;Новая газета\r\n"
    "ivan@radio.example;Иван;Смирнов;Радио Свобода\r\n"
    "yulia@kommersant.example;Юлия;Щербакова;Коммерсантъ\r\n"
)


def outlook_export(path: Path, rows: tuple[tuple[str, ...], ...] = OUTLOOK_ROWS) -> Path:
    lines = [
        f'"{first}","","{last}","","","","{email}","","","","{role}","","{company}","","{country}"\r\n'
        for first, last, email, role, company, country in rows
    ]
    path.write_bytes((OUTLOOK_HEADER + "".join(lines)).encode("cp1252"))
    return path


def read(path: Path, encoding: str | None = None) -> tuple[Source, list[SourceRow]]:
    with open_source(path, encoding=encoding) as source:
        return source, list(source.rows)


def test_outlook_export_in_windows_1252_keeps_french_danish_and_german_names(
    tmp_path: Path,
) -> None:
    source, rows = read(outlook_export(tmp_path / "outlook.csv"))

    assert (source.encoding, source.doubt) == ("cp1252", None)
    names = [f"{row.cells['First Name']} {row.cells['Last Name']}" for row in rows]
    assert names == [
        "Hélène Giraud",
        "Søren Ærø",
        "Jürgen Weiß",
        "François Lefèvre",
        "Björn Ødegård",
    ]


def test_one_danish_name_is_enough_to_rule_out_windows_1250(tmp_path: Path) -> None:
    # Read as Windows-1250 this row is "Sřren Ćrř": letters no one language writes together.
    source, rows = read(outlook_export(tmp_path / "outlook.csv", OUTLOOK_ROWS[1:2]))

    assert (source.encoding, source.doubt) == ("cp1252", None)
    assert rows[0].cells["Last Name"] == "Ærø"


def test_czech_and_polish_file_in_windows_1250_reads_as_windows_1250(tmp_path: Path) -> None:
    path = tmp_path / "redakce.csv"
    path.write_bytes(CZECH_POLISH.encode("cp1250"))

    source, rows = read(path)

    assert (source.encoding, source.doubt) == ("cp1250", None)
    assert [row.cells["Příjmení"] for row in rows] == [
        "Dvořák",
        "Němcová",
        "Šťastný",
        "Wąsowski",
        "Żółkiewska",
    ]


@pytest.mark.parametrize(("encoding", "detected"), [("cp1251", "cp1251"), ("koi8_r", "koi8-r")])
def test_russian_file_reads_in_its_cyrillic_encoding(
    tmp_path: Path, encoding: str, detected: str
) -> None:
    path = tmp_path / "smi.csv"
    path.write_bytes(RUSSIAN.encode(encoding))

    source, rows = read(path)

    assert (source.encoding, source.doubt) == (detected, None)
    assert [row.cells["Фамилия"] for row in rows] == ["Петрова", "Смирнов", "Щербакова"]


@pytest.mark.parametrize(("bom", "detected"), [(b"", "utf-8"), (codecs.BOM_UTF8, "utf-8-sig")])
def test_utf8_with_or_without_bom_is_utf8(tmp_path: Path, bom: bytes, detected: str) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(bom + (CZECH_POLISH + "zoe@x.example;Zoë;Brontë;Søren Ærø\r\n").encode())

    source, rows = read(path)

    assert (source.encoding, source.doubt) == (detected, None)
    assert rows[-1].cells["Redakce"] == "Søren Ærø"


def test_a_file_two_encodings_read_alike_is_read_with_a_doubt_showing_both_renderings(
    tmp_path: Path,
) -> None:
    # "Hélène" is French in Windows-1252 and "Hélčne" could be Czech in Windows-1250.
    source, rows = read(outlook_export(tmp_path / "outlook.csv", OUTLOOK_ROWS[:1]))

    assert source.encoding == "cp1252"
    assert source.doubt is not None
    assert (source.doubt.other, source.doubt.sample, source.doubt.other_sample) == (
        "cp1250",
        "Hélène",
        "Hélčne",
    )
    assert rows[0].cells["First Name"] == "Hélène"
    (note,) = source.notes
    assert "text encoding is uncertain" in note.reason
    assert "Central European (Windows-1250)" in note.reason
    assert note.value == "Hélène (cp1252) / Hélčne (cp1250)"


def test_encodings_that_render_the_file_alike_raise_no_doubt(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("Email,Name\nj@x.example,Jürgen Weiß\n".encode("cp1252"))

    source, _ = read(path)

    assert (source.encoding, source.doubt) == ("cp1252", None)


def test_a_file_no_encoding_reads_is_refused_naming_it_and_the_option(tmp_path: Path) -> None:
    path = tmp_path / "greek.csv"
    path.write_bytes(
        "Email,Όνομα\na@x.example,Γιάννης Παπαδόπουλος\nb@x.example,Μαρία Κωνσταντίνου\n".encode(
            "cp1253"
        )
    )

    with pytest.raises(EncodingUndecided) as refused:
        read(path)

    assert str(path) in str(refused.value)
    assert "--encoding" in str(refused.value)


def test_greek_names_under_latin_headers_are_refused_not_read_as_cyrillic(
    tmp_path: Path,
) -> None:
    path = tmp_path / "greek.csv"
    path.write_bytes("email,name\nnikos@x.example,Νίκος Παπαδόπουλος\n".encode("cp1253"))

    with pytest.raises(EncodingUndecided):
        read(path)


def test_a_named_encoding_is_used_as_said(tmp_path: Path) -> None:
    source, rows = read(outlook_export(tmp_path / "outlook.csv"), encoding="cp1250")

    assert (source.encoding, source.doubt) == ("cp1250", None)
    assert rows[0].cells["First Name"] == "Hélčne"


def test_a_named_greek_encoding_reads_the_file_no_usual_one_reads(tmp_path: Path) -> None:
    path = tmp_path / "greek.csv"
    path.write_bytes("Email,Όνομα\na@x.example,Γιάννης\n".encode("cp1253"))

    _, rows = read(path, encoding="cp1253")

    assert rows[0].cells["Όνομα"] == "Γιάννης"


@pytest.mark.parametrize("name", ["klingon", "base64"])
def test_an_unknown_encoding_name_is_refused_naming_it(tmp_path: Path, name: str) -> None:
    path = outlook_export(tmp_path / "outlook.csv")

    with pytest.raises(InvalidInput, match=f"unknown text encoding '{name}'"):
        read(path, encoding=name)


@pytest.mark.parametrize(
    "word",
    [
        "Søren",
        "Ærø",
        "Hélène",
        "O\u2019Brien",
        "Dvořák",
        "Żółkiewska",
        "Щербакова",
        "McÉwan",
        "Åsa",
    ],
)
def test_real_names_are_plausible(word: str) -> None:
    assert plausible(word)


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("Ćrř", "letters of Polish and Czech together"),
        ("Micha³", "a superscript where Polish has ł (Windows-1250 read as 1252)"),
        ("Èâàí", "a mark on every letter (Cyrillic read as Windows-1252)"),
        ("H\u0418l\u0425ne", "Latin and Cyrillic in one word (Windows-1252 read as KOI8-R)"),
        ("йЧБО", "upper case inside a word (KOI8-R read as Windows-1251)"),
        ("Ren\x8ae", "a C1 control character (Windows-1252 read as Latin-1)"),
        ("Ren\ufffd", "a byte the encoding does not define"),
    ],
)
def test_misread_words_are_not_plausible(word: str, why: str) -> None:
    assert not plausible(word), why


def test_title_rows_above_the_header_row_are_skipped_and_named(tmp_path: Path) -> None:
    path = tmp_path / "press.csv"
    path.write_text(
        "Press contacts 2026;;\n;;\nExported 2026-01-12;;\n"
        "Name;Email;Outlet\nAnna Schmidt;anna@zeitung.example;Die Zeitung\n"
    )

    source, rows = read(path)

    assert (source.header_line, source.headers) == (4, ["Name", "Email", "Outlet"])
    assert [(row.line, row.cells["Email"]) for row in rows] == [(5, "anna@zeitung.example")]
    (note,) = source.notes
    assert (note.line, note.value) == (1, "Press contacts 2026")
    assert "line 4 was taken as the header row" in note.reason


def test_a_file_without_title_rows_has_its_header_on_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Email,Name\na@x.example,Anna\n")

    source, _ = read(path)

    assert (source.header_line, source.notes) == (1, [])


def test_a_header_of_unknown_names_is_still_the_first_row(tmp_path: Path) -> None:
    # No row looks like a header: the first is taken, and the column mapping asks for --map.
    path = tmp_path / "c.csv"
    path.write_text("Addr,Who\na@x.example,Anna\n")

    source, rows = read(path)

    assert (source.header_line, source.headers, len(rows)) == (1, ["Addr", "Who"], 1)


def test_workbook_title_rows_are_skipped(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Film critics — spring festival"])
    sheet.append([])
    sheet.append(["E-mail", "Full name", "Publication"])
    sheet.append(["ines@kino.example", "Ines Roth", "Kinoblatt"])
    path = tmp_path / "critics.xlsx"
    workbook.save(path)

    source, rows = read(path)

    assert (source.header_line, source.headers) == (3, ["E-mail", "Full name", "Publication"])
    assert [(row.line, row.cells["E-mail"]) for row in rows] == [(4, "ines@kino.example")]
    assert "line 3 was taken as the header row" in source.notes[0].reason


def test_utf16_without_bom_reads_when_named(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("Email\tName\r\nanna@x.example\tÅsa Öberg\r\n".encode("utf-16-le"))

    _, rows = read(path, encoding="utf-16-le")

    assert rows[0].cells == {"Email": "anna@x.example", "Name": "Åsa Öberg"}
