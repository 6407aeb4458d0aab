"""Release documents as press offices write them, built for the import tests."""

# ruff: noqa: RUF001 - datelines, quotes and dashes as press releases write them

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.text.paragraph import Paragraph
from odf.draw import Frame
from odf.draw import Image as DrawImage
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style
from odf.svg import Desc
from odf.text import A, H, LineBreak, P
from PIL import Image

LIBRARIES_TEXT = """\
PRESS RELEASE

City of Berlin opens 40 new public libraries by 2028

A €120 million programme brings a library within 15 minutes' walk of every home

BERLIN, 3 February 2027 – The City of Berlin today announced a €120 million programme to open \
40 new public libraries in the outer districts by 2028. The first six open this autumn in \
Marzahn, Spandau and Neukölln. The full plan is at https://www.berlin.example/libraries.

Anna Schmidt, Mayor of Berlin, said:

“A library is the one public room where nobody asks what you came to buy. Every child in this \
city should have one within walking distance.

We are starting with the districts that have waited longest.”

The programme is funded jointly by the city and the federal government, and each library will \
be open seven days a week, from 8 in the morning to 10 at night.

“We designed these buildings with the people who will use them: teenagers asked for rooms to \
make music, parents for quiet corners, and everyone for longer opening hours.”
— Pierre Martin, Chief Architect, Atelier Martin & Partners

Olga Ivanova, Director of the Berlin Public Library Association:
“Our staff will grow by 600 people over three years, and we will train most of them ourselves.”

About the City of Berlin
The City of Berlin is the capital of Germany and home to 3.8 million people.

Press contact:
Jana Keller, Head of Press, City of Berlin
+49 30 9026 2411
jana.keller@berlin.example
Tom Weber | Press Officer | +49 30 9026 2412 | tom.weber@berlin.example
"""


def png(colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def _hyperlink(paragraph: Paragraph, label: str, url: str) -> None:
    """A real Word hyperlink (python-docx has no call for one)."""
    part = paragraph.part
    relationship = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = label
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def word_release(folder: Path) -> Path:
    """A Word release: Title and Subtitle styles, dateline, both quote forms, a picture with
    its caption, a link, an "About" section and a media contacts block."""
    document = docx.Document()
    document.add_paragraph("Harbour ferry line 7 goes electric", style="Title")
    document.add_paragraph("Twelve new boats cut the port's emissions by a fifth", style="Subtitle")
    lead = document.add_paragraph(
        "HAMBURG, 3 February 2027 – The Port Authority today put the first of twelve "
        "battery-electric ferries into service on line 7. The timetable is on "
    )
    _hyperlink(lead, "the ferry page", "https://port.example/ferries")
    lead.add_run(".")
    picture = folder / "ferry.png"
    picture.write_bytes(png())
    document.add_picture(str(picture))
    document.add_paragraph("The ferry Elbe One at the Landungsbrücken pier. Photo: Kai Brandt")
    document.add_paragraph("Lena Vogt, Chief Executive, Port Authority, said:")
    document.add_paragraph(
        "“The harbour is where the city breathes. From today it breathes easier.”"
    )
    document.add_paragraph("The boats charge in eight minutes at each end of the line.")
    document.add_paragraph("“Our crews asked for quieter boats, and they got them.”")
    document.add_paragraph("- Jonas Berg, Head of Operations")
    document.add_heading("About the Port Authority", level=2)
    document.add_paragraph("The Port Authority runs the city's ferries and harbour.")
    document.add_heading("Media contact", level=2)
    document.add_paragraph("Mira Sommer, Press Officer, Port Authority")
    document.add_paragraph("Phone: +49 40 4285 1000")
    document.add_paragraph("mira.sommer@port.example")
    path = folder / "ferries.docx"
    document.save(str(path))
    return path


def opendocument_release(folder: Path) -> Path:
    """An OpenDocument release with a French dateline, a link, a picture with its description
    and caption, and a contact block."""
    document = OpenDocumentText()
    title = Style(name="Title", family="paragraph")
    title.addElement(ParagraphProperties())
    document.styles.addElement(title)
    document.text.addElement(P(stylename=title, text="La ville de Lyon ouvre trois piscines"))
    lead = P(
        text="Lyon, le 3 février 2027 – La ville de Lyon ouvre trois nouvelles piscines "
        "dans les quartiers est. Elles seront gratuites pour les enfants pendant "
        "tout le mois de mars. Le programme est sur "
    )
    lead.addElement(A(href="https://lyon.example/piscines", text="le site de la ville"))
    document.text.addElement(lead)
    document.text.addElement(
        P(text="Les trois bassins sont chauffés par la chaleur des eaux usées du quartier.")
    )
    picture = folder / "piscine.png"
    picture.write_bytes(png("blue"))
    frame = Frame(width="6cm", height="4.5cm", anchortype="paragraph")
    frame.addElement(DrawImage(href=document.addPicture(str(picture))))
    frame.addElement(Desc(text="Un bassin bleu vide sous une verrière"))
    holder = P()
    holder.addElement(frame)
    document.text.addElement(holder)
    document.text.addElement(P(text="La piscine du Grand Large, à Décines."))
    document.text.addElement(H(outlinelevel=2, text="Contact presse"))
    contact = P(text="Claire Dubois, attachée de presse")
    contact.addElement(LineBreak())
    contact.addText("+33 4 72 10 30 30")
    contact.addElement(LineBreak())
    contact.addText("claire.dubois@lyon.example")
    document.text.addElement(contact)
    path = folder / "piscines.odt"
    document.save(str(path))
    return path
