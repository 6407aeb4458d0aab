"""Importing a release from a Word, OpenDocument, HTML or pasted-text document."""

# ruff: noqa: RUF001 - datelines, quotes and dashes as press releases write them

from __future__ import annotations

import html
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distributor.errors import InvalidInput
from distributor.releases import (
    IMPORT_MAX_BYTES,
    ImportedRelease,
    import_release,
    imported_text,
    parse_release,
    read_release_file,
    save_pictures,
)
from distributor.releases.fileformat import ReleaseContactEntry
from tests.releases.importing_documents import (
    LIBRARIES_TEXT,
    opendocument_release,
    png,
    word_release,
)

RUSSIAN = """\
Москва открывает 12 новых библиотек

Москва, 3 февраля 2027 г. — Правительство Москвы объявило о строительстве двенадцати новых \
библиотек в спальных районах. Первые три откроются уже этой осенью, и все они будут работать \
без выходных.

«Библиотека — это место, где никто не спрашивает, что вы пришли купить».
— Ирина Петрова, руководитель департамента культуры

Контакты для прессы
Анна Смирнова, пресс-секретарь
Тел.: +7 495 123-45-67
E-mail: press@mos.example
"""


def _pasted(text: str, name: str = "pasted.txt") -> ImportedRelease:
    return import_release(text.encode(), name)


@pytest.fixture
def word(tmp_path: Path) -> ImportedRelease:
    path = word_release(tmp_path)
    return import_release(path.read_bytes(), str(path), pictures_named="ferries")


# --- Word ---------------------------------------------------------------------------------


def test_word_title_and_subtitle_come_from_their_styles(word: ImportedRelease) -> None:
    assert word.document.title == "Harbour ferry line 7 goes electric"
    assert word.document.subtitle == "Twelve new boats cut the port's emissions by a fifth"
    assert "Title: Harbour ferry line 7 goes electric" in word.recognised


def test_word_dateline_gives_place_and_date_and_leaves_the_paragraph(
    word: ImportedRelease,
) -> None:
    assert word.document.location == "Hamburg"
    assert word.document.date == date(2027, 2, 3)
    assert word.document.body_markdown.startswith("The Port Authority today put the first")


def test_word_quotes_in_both_forms_become_attributed_block_quotes(word: ImportedRelease) -> None:
    body = word.document.body_markdown
    assert (
        "> The harbour is where the city breathes. From today it breathes easier.\n"
        "— Lena Vogt, Chief Executive, Port Authority"
    ) in body
    assert (
        "> Our crews asked for quieter boats, and they got them.\n— Jonas Berg, Head of Operations"
        in body
    )
    assert "2 quotes attributed to Lena Vogt, Jonas Berg" in word.recognised


def test_word_links_are_kept(word: ImportedRelease) -> None:
    assert "[the ferry page](https://port.example/ferries)" in word.document.body_markdown


def test_word_picture_is_saved_with_the_caption_under_it(
    word: ImportedRelease, tmp_path: Path
) -> None:
    (image,) = word.document.images
    assert image.file == "ferries-image-1.png"
    assert image.caption == "The ferry Elbe One at the Landungsbrücken pier."
    assert image.credit == "Kai Brandt"
    assert "Landungsbrücken" not in word.document.body_markdown
    (saved,) = save_pictures(word, tmp_path)
    assert saved.read_bytes().startswith(b"\x89PNG")


def test_word_contact_block_and_about_section_give_contacts_and_organisation(
    word: ImportedRelease,
) -> None:
    assert word.document.contacts == (
        ReleaseContactEntry(
            "Mira Sommer",
            "Press Officer, Port Authority",
            "mira.sommer@port.example",
            "+49 40 4285 1000",
        ),
    )
    assert word.document.organization == "Port Authority"
    assert "Media contact" not in word.document.body_markdown
    assert "## About the Port Authority" in word.document.body_markdown


def test_word_import_reads_back_as_a_release_file_with_its_picture(
    word: ImportedRelease, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    save_pictures(word, out)
    (out / "ferries.md").write_text(imported_text(word), encoding="utf-8")

    document = read_release_file(out / "ferries.md")

    imported = word.document
    assert (document.title, document.subtitle, document.date, document.location) == (
        imported.title,
        imported.subtitle,
        imported.date,
        imported.location,
    )
    assert (document.contacts, document.images) == (imported.contacts, imported.images)
    assert document.body_markdown == imported.body_markdown


# --- OpenDocument ------------------------------------------------------------------------


def test_opendocument_release_is_read_with_french_dateline_link_and_contact(
    tmp_path: Path,
) -> None:
    path = opendocument_release(tmp_path)

    imported = import_release(path.read_bytes(), str(path))

    document = imported.document
    assert document.title == "La ville de Lyon ouvre trois piscines"
    assert (document.location, document.date) == ("Lyon", date(2027, 2, 3))
    assert document.language == "fr"
    assert "[le site de la ville](https://lyon.example/piscines)" in document.body_markdown
    assert document.contacts == (
        ReleaseContactEntry(
            "Claire Dubois", "attachée de presse", "claire.dubois@lyon.example", "+33 4 72 10 30 30"
        ),
    )
    parse_release(imported_text(imported))


def test_opendocument_picture_keeps_its_description_and_caption(tmp_path: Path) -> None:
    path = opendocument_release(tmp_path)

    imported = import_release(path.read_bytes(), str(path), pictures_named="piscines")

    (image,) = imported.document.images
    assert (image.file, image.alt, image.caption) == (
        "piscines-image-1.png",
        "Un bassin bleu vide sous une verrière",
        "La piscine du Grand Large, à Décines.",
    )
    assert imported.pictures[0].data.startswith(b"\x89PNG")


# --- pasted text ---------------------------------------------------------------------------


def test_pasted_release_with_three_speakers_attributed_three_ways() -> None:
    imported = _pasted(LIBRARIES_TEXT)

    body = imported.document.body_markdown
    assert "— Anna Schmidt, Mayor of Berlin" in body
    assert "> We are starting with the districts that have waited longest.\n— Anna" in body
    assert "— Pierre Martin, Chief Architect, Atelier Martin & Partners" in body
    assert "> Our staff will grow by 600 people" in body
    assert "— Olga Ivanova, Director of the Berlin Public Library Association" in body
    assert "3 quotes attributed to Anna Schmidt, Pierre Martin, Olga Ivanova" in imported.recognised
    assert "“" not in body


def test_pasted_release_contacts_on_lines_and_on_one_line_are_both_read() -> None:
    imported = _pasted(LIBRARIES_TEXT)

    assert imported.document.contacts == (
        ReleaseContactEntry(
            "Jana Keller",
            "Head of Press, City of Berlin",
            "jana.keller@berlin.example",
            "+49 30 9026 2411",
        ),
        ReleaseContactEntry(
            "Tom Weber", "Press Officer", "tom.weber@berlin.example", "+49 30 9026 2412"
        ),
    )
    assert imported.document.organization == "City of Berlin"


def test_pasted_release_header_words_are_not_the_title() -> None:
    imported = _pasted(LIBRARIES_TEXT)

    assert imported.document.title == "City of Berlin opens 40 new public libraries by 2028"
    assert imported.document.subtitle == (
        "A €120 million programme brings a library within 15 minutes' walk of every home"
    )


def test_text_pasted_from_a_word_processor_has_a_paragraph_per_line() -> None:
    pasted = "\n".join(line for line in LIBRARIES_TEXT.splitlines() if line.strip())

    imported = _pasted(pasted)

    assert imported.document.location == "Berlin"
    assert len(imported.document.contacts) == 2
    assert "3 quotes attributed to Anna Schmidt, Pierre Martin, Olga Ivanova" in imported.recognised


def test_pasted_release_reads_back_as_the_same_release() -> None:
    imported = _pasted(LIBRARIES_TEXT)

    document = parse_release(imported_text(imported), "pasted.txt")

    assert document.contacts == imported.document.contacts
    assert document.body_markdown == imported.document.body_markdown
    assert (document.title, document.date, document.language) == (
        imported.document.title,
        date(2027, 2, 3),
        "en",
    )


def test_a_dateline_without_a_date_is_kept_with_a_note() -> None:
    imported = _pasted("Ferries go electric\n\nHAMBURG – The port put twelve boats into service.\n")

    assert imported.document.location == "Hamburg"
    assert imported.document.date is None
    assert (
        "Check: no date found in the dateline “HAMBURG –”; add the date by hand" in imported.checks
    )


def test_missing_parts_are_left_out_with_a_note_not_guessed() -> None:
    imported = _pasted("Ferries go electric\n\nThe port put twelve boats into service today.\n")

    document = imported.document
    assert (document.location, document.date, document.organization, document.contacts) == (
        None,
        None,
        None,
        (),
    )
    assert any("no dateline" in check for check in imported.checks)
    assert any("no media contacts found" in check for check in imported.checks)
    assert any("language was not recognised" in check for check in imported.checks)


def test_an_embargo_line_with_date_time_and_zone_becomes_the_embargo() -> None:
    imported = _pasted(
        "EMBARGOED UNTIL 3 February 2027, 09:00 CET\n\nFerries go electric\n\n"
        "HAMBURG, 3 February 2027 – Twelve boats.\n"
    )

    assert imported.document.embargo == datetime(2027, 2, 3, 8, 0, tzinfo=UTC)
    assert imported.document.title == "Ferries go electric"
    assert any(
        line.startswith("Embargo: 2027-02-03T09:00:00+01:00") for line in imported.recognised
    )


@pytest.mark.parametrize(
    ("line", "lift"),
    [
        ("Embargo: 12 March 2027 at 10.00 GMT", datetime(2027, 3, 12, 10, 0, tzinfo=UTC)),
        ("Sperrfrist: 3. Februar 2027, 9 Uhr MEZ", datetime(2027, 2, 3, 8, 0, tzinfo=UTC)),
        (
            "Embargoed until Wednesday, March 3, 2027, 9:30 a.m. America/New_York",
            datetime(2027, 3, 3, 14, 30, tzinfo=UTC),
        ),
    ],
)
def test_embargo_lines_in_several_forms_give_the_lift_time(line: str, lift: datetime) -> None:
    imported = _pasted(f"{line}\n\nFerries go electric\n\nHAMBURG – Twelve boats.\n")

    assert imported.document.embargo == lift


def test_an_embargo_line_without_a_zone_is_left_to_set_by_hand() -> None:
    imported = _pasted(
        "Embargoed until 3 February 2027, 09:00\n\nFerries go electric\n\nHAMBURG – Boats.\n"
    )

    assert imported.document.embargo is None
    assert (
        "Check: the document says “Embargoed until 3 February 2027, 09:00”: "
        "set the embargo time by hand"
    ) in imported.checks


def test_a_quote_with_its_speaker_after_it_in_the_same_paragraph_is_attributed() -> None:
    imported = _pasted(
        "Ferries go electric\n\n"
        "“Passengers will notice the quiet first.” — Jonas Berg, chief engineer\n\n"
        "The port said so.\n"
    )

    body = imported.document.body_markdown
    assert "> Passengers will notice the quiet first.\n— Jonas Berg, chief engineer" in body
    assert "1 quote attributed to Jonas Berg" in imported.recognised


AGENCY_STYLE = """City of Lindenfeld opens new research centre

LINDENFELD, Germany, March 12, 2027 /PRNewswire/ -- The city today opened the centre.

"We are delighted to welcome researchers," said Mayor Eva Schulz. "This centre puts us on the map."

"The collaboration has been exemplary," Ana Lopez, head of research at Nova Labs, said.

Professor Tom Berg, director of the centre, added: "Work starts in April."

„Wir sind stolz auf dieses Zentrum“, sagte Jonas Keller, Leiter des Instituts.

###
"""


def test_agency_style_quotes_in_one_paragraph_are_attributed() -> None:
    body = _pasted(AGENCY_STYLE).document.body_markdown

    assert "> We are delighted to welcome researchers. This centre puts us on the map.\n" in body
    assert "— Mayor Eva Schulz" in body
    assert "> The collaboration has been exemplary.\n— Ana Lopez, head of research at Nova" in body
    assert "> Work starts in April.\n— Professor Tom Berg, director of the centre" in body
    assert "> Wir sind stolz auf dieses Zentrum\n— Jonas Keller, Leiter des Instituts" in body


def test_a_dateline_with_a_country_and_a_wire_tag_gives_place_and_date() -> None:
    document = _pasted(AGENCY_STYLE).document

    assert (document.location, document.date) == ("Lindenfeld", date(2027, 3, 12))
    assert document.body_markdown.startswith("The city today opened the centre.")


def test_a_contact_heading_asking_to_contact_someone_is_read() -> None:
    imported = _pasted(
        "Ferries go electric\n\nHAMBURG – Twelve boats.\n\n"
        "For more information, please contact:\n\n"
        "Sophie Martin | Press Officer, Port Authority | +49 40 4285 1000 | "
        "sophie.martin@port.example\n"
    )

    assert [contact.email for contact in imported.document.contacts] == [
        "sophie.martin@port.example"
    ]


def test_the_mark_that_ends_a_release_is_not_kept() -> None:
    assert "###" not in _pasted(AGENCY_STYLE).document.body_markdown


def test_a_quotation_nobody_is_named_for_is_left_as_text_with_a_note() -> None:
    imported = _pasted("Ferries go electric\n\n“Quieter boats at last.”\n\nThe port said so.\n")

    assert "“Quieter boats at last.”" in imported.document.body_markdown
    assert any("has no attribution" in check for check in imported.checks)


@pytest.mark.parametrize(
    ("dateline", "place"),
    [
        ("Paris, le 3 février 2027 – ", "Paris"),
        ("MÜNCHEN, 3. Februar 2027 – ", "München"),
        ("WASHINGTON, February 3, 2027 — ", "Washington"),
        ("Москва, 3 февраля 2027 г. — ", "Москва"),
    ],
)
def test_datelines_in_several_languages(dateline: str, place: str) -> None:
    imported = _pasted(f"Ferries go electric\n\n{dateline}Twelve boats.\n")

    assert (imported.document.location, imported.document.date) == (place, date(2027, 2, 3))
    assert imported.document.body_markdown == "Twelve boats.\n"


def test_a_russian_release_with_guillemets_and_a_russian_contact_heading() -> None:
    imported = _pasted(RUSSIAN)

    document = imported.document
    assert (document.location, document.date, document.language) == (
        "Москва",
        date(2027, 2, 3),
        "ru",
    )
    assert (
        "> Библиотека — это место, где никто не спрашивает, что вы пришли купить.\n"
        "— Ирина Петрова, руководитель департамента культуры"
    ) in document.body_markdown
    assert document.contacts == (
        ReleaseContactEntry(
            "Анна Смирнова", "пресс-секретарь", "press@mos.example", "+7 495 123-45-67"
        ),
    )


def test_contacts_under_several_headings_are_all_read_and_other_text_stays() -> None:
    imported = _pasted(
        "Ferries go electric\n\nHAMBURG, 3 February 2027 – Twelve boats.\n\n"
        "For more information:\nThe timetable changes on 1 March.\nwww.port.example/ferries\n\n"
        "Press contact:\nMira Sommer, Press Officer\nmira.sommer@port.example\n"
    )

    assert [c.name for c in imported.document.contacts] == ["Mira Sommer"]
    assert [link.url for link in imported.document.links] == ["https://www.port.example/ferries"]
    assert imported.document.body_markdown == (
        "Twelve boats.\n\n## For more information\n\nThe timetable changes on 1 March.\n"
    )


def test_a_short_german_release_is_told_german() -> None:
    imported = _pasted(
        "Hamburg elektrifiziert die Hafenfähren\n\n"
        "HAMBURG, 3. Februar 2027 – Die Hafenbehörde hat heute die erste von zwölf Elektrofähren "
        "in Betrieb genommen. Die Boote werden an beiden Enden der Linie in acht Minuten geladen, "
        "und sie sind deutlich leiser als die alten Schiffe.\n"
    )

    assert imported.document.language == "de"


def test_word_quote_style_paragraphs_are_a_quote_without_quote_marks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Ferries go electric", style="Title")
    document.add_paragraph("HAMBURG, 3 February 2027 – Twelve boats entered service today.")
    document.add_paragraph("The harbour is where the city breathes.", style="Quote")
    document.add_paragraph("— Lena Vogt, Chief Executive, Port Authority")
    path = tmp_path / "ferries.docx"
    document.save(str(path))

    imported = import_release(path.read_bytes(), str(path))

    assert imported.document.body_markdown.endswith(
        "> The harbour is where the city breathes.\n— Lena Vogt, Chief Executive, Port Authority\n"
    )


def test_html_release_keeps_headings_links_and_pictures_by_url() -> None:
    page = (
        "<html><head><title>x</title><style>p{}</style></head><body>"
        "<h1>Ferries go electric</h1><p>HAMBURG, 3 February 2027 – Twelve <b>new</b> boats, "
        'see <a href="https://port.example/f">the page</a>.</p>'
        '<img src="https://port.example/boat.jpg" alt="A white ferry"><h2>Why now</h2>'
        "<ul><li>quieter</li><li>cleaner</li></ul></body></html>"
    )

    imported = import_release(page.encode(), "release.html")

    assert imported.document.title == "Ferries go electric"
    body = imported.document.body_markdown
    assert "Twelve **new** boats, see [the page](https://port.example/f)." in body
    assert "## Why now\n\n- quieter\n- cleaner" in body
    assert imported.document.images[0].url == "https://port.example/boat.jpg"
    assert imported.document.images[0].alt == "A white ferry"


def test_pictures_are_counted_not_kept_when_there_is_nowhere_to_save_them(tmp_path: Path) -> None:
    path = word_release(tmp_path)

    imported = import_release(path.read_bytes(), str(path))

    assert imported.document.images == ()
    assert imported.pictures == ()
    assert any("was not brought in" in check for check in imported.checks)


def test_a_release_file_given_as_markdown_is_kept_as_it_is() -> None:
    release = "---\ntitle: Ferries go electric\nlocation: Hamburg\n---\nTwelve boats.\n"

    imported = import_release(release.encode(), "ferries.md")

    assert (
        imported_text(imported)
        == "---\ntitle: Ferries go electric\nlocation: Hamburg\nlanguage: en\n---\nTwelve boats.\n"
    )
    assert imported.recognised == ("Already a release file: kept as it is",)


def test_a_release_pasted_with_an_old_windows_encoding_is_read() -> None:
    imported = import_release(LIBRARIES_TEXT.encode("cp1252"), "berlin.txt")

    assert imported.document.location == "Berlin"
    assert "Neukölln" in imported.document.body_markdown


# --- bad input ----------------------------------------------------------------------------


def _refused(content: bytes, name: str) -> str:
    with pytest.raises(InvalidInput) as refused:
        import_release(content, name)
    return str(refused.value)


def test_a_docx_that_is_a_zip_of_something_else_is_refused() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as files:
        files.writestr("photos/boat.jpg", png())

    message = _refused(archive.getvalue(), "ferries.docx")

    assert message == (
        "ferries.docx is a zip archive but not a Word document; "
        "choose the release itself, saved as .docx"
    )


def test_a_password_protected_docx_is_refused_with_what_to_do() -> None:
    # What Word writes for a protected document: an OLE compound file holding the
    # EncryptionInfo and EncryptedPackage streams.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    ole += "EncryptionInfo".encode("utf-16-le") + bytes(50) + "EncryptedPackage".encode("utf-16-le")

    message = _refused(ole, "ferries.docx")

    assert message.startswith("ferries.docx is protected by a password; ")
    assert "remove the password" in message


def test_an_old_word_document_is_refused_with_what_to_do() -> None:
    message = _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "ferries.docx")

    assert "save it as .docx" in message


def test_a_document_over_the_size_limit_is_refused_before_reading() -> None:
    message = _refused(b"PK" + bytes(IMPORT_MAX_BYTES), "ferries.docx")

    assert message.startswith("ferries.docx is 20.0 MB, over the 20 MB a document to import may be")


def test_an_empty_file_is_refused() -> None:
    assert (
        _refused(b"", "ferries.docx")
        == "ferries.docx is empty; choose the file that holds the release"
    )


def test_a_word_document_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))

    assert "no title found" in _refused(path.read_bytes(), str(path))


def test_text_without_a_recognisable_title_is_refused() -> None:
    text = (
        "The port put twelve boats into service today, and they charge in eight minutes.\n\n"
        "More follow next year.\n"
    )

    message = _refused(text.encode(), "pasted.txt")

    assert message.startswith("pasted.txt: no title found; make the release's first line its title")


def test_a_title_alone_is_refused() -> None:
    assert "only a title was found" in _refused(b"Ferries go electric\n", "pasted.txt")


def test_a_file_of_another_kind_is_refused() -> None:
    assert _refused(b"%PDF-1.7", "ferries.pdf").startswith("ferries.pdf: .pdf cannot be imported")


_LINES = st.sampled_from(
    [
        "Ferries go electric",
        "BERLIN, 3 February 2027 – Twelve boats.",
        "Anna Schmidt, Mayor of Berlin, said:",
        "“Quieter boats at last.”",
        "— Pierre Martin, Chief Architect",
        "Press contact:",
        "Jana Keller, Head of Press",
        "+49 30 9026 2411",
        "jana.keller@berlin.example",
        "About the City of Berlin",
        "# Heading",
        "- an item",
        "> quoted",
        "",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=14),
    as_html=st.booleans(),
)
def test_any_text_is_imported_as_a_valid_release_or_refused_with_a_reason(
    lines: list[str], as_html: bool
) -> None:
    name = "pasted.html" if as_html else "pasted.txt"
    text = "".join(f"<p>{html.escape(line)}</p>" for line in lines) if as_html else "\n".join(lines)
    try:
        imported = import_release(text.encode("utf-8", "surrogatepass"), name)
    except InvalidInput as error:
        refused = str(error)
    else:
        parse_release(imported_text(imported), name)
        return
    assert refused.startswith(name)
    assert "not valid" not in refused  # what was recognised always makes a release
