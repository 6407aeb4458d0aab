"""The contact fields people import, export and filter on, with the header names real exports use."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ContactField:
    name: str  # the Contact attribute, or "name"/"beats" handled specially
    label: str  # the column header distributor writes on export
    aliases: tuple[str, ...] = ()  # other headers that mean this field, any case

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.name, self.label, *self.aliases)


FIELDS: tuple[ContactField, ...] = (
    ContactField(
        "email",
        "Email",
        (
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "mail address",
            "emailaddress",
            "primary email",
            "work email",
            "электронная почта",
            "эл. почта",
            "почта",
            "e-mail адрес",
            "courriel",
            "adresse e-mail",
            "correo electrónico",
            "correo",
        ),
    ),
    ContactField(
        "name",
        "Name",
        (
            "full name",
            "fullname",
            "contact name",
            "contact",
            "journalist",
            "display name",
            "фио",
            "имя и фамилия",
            "nom complet",
            "nombre completo",
        ),
    ),
    ContactField(
        "first_name",
        "First name",
        (
            "firstname",
            "first",
            "given name",
            "forename",
            "имя",
            "prénom",
            "prenom",
            "nombre",
            "vorname",
        ),
    ),
    ContactField(
        "last_name",
        "Last name",
        ("lastname", "last", "surname", "family name", "фамилия", "nom", "apellido", "nachname"),
    ),
    ContactField(
        "outlet",
        "Outlet",
        (
            "publication",
            "media outlet",
            "media",
            "medium",
            "organisation",
            "organization",
            "company",
            "newspaper",
            "magazine",
            "station",
            "сми",
            "издание",
            "редакция",
            "média",
            "medio",
            "zeitung",
        ),
    ),
    ContactField(
        "role",
        "Role",
        ("job title", "title", "position", "job", "function", "должность", "fonction", "cargo"),
    ),
    ContactField(
        "beats",
        "Beats",
        (
            "beat",
            "topics",
            "topic",
            "subjects",
            "subject areas",
            "coverage",
            "sections",
            "tags",
            "темы",
            "тематика",
            "рубрика",
            "rubrique",
            "sujets",
            "temas",
            "ressort",
        ),
    ),
    ContactField(
        "country", "Country", ("country code", "nation", "страна", "pays", "país", "land")
    ),
    ContactField("city", "City", ("town", "location", "город", "ville", "ciudad", "stadt")),
    ContactField(
        "language",
        "Language",
        ("lang", "preferred language", "locale", "язык", "langue", "idioma", "sprache"),
    ),
    ContactField("time_zone", "Time zone", ("timezone", "tz", "часовой пояс", "fuseau horaire")),
    ContactField(
        "phone",
        "Phone",
        ("telephone", "phone number", "mobile", "cell", "tel", "телефон", "téléphone", "teléfono"),
    ),
    ContactField(
        "notes", "Notes", ("note", "comments", "comment", "remarks", "примечание", "заметки")
    ),
    ContactField("source", "Source", ("lead source", "origin", "источник")),
    ContactField("legal_basis", "Legal basis", ("lawful basis", "gdpr basis")),
    ContactField(
        "consent_record", "Consent", ("consent record", "consent text", "opt-in", "согласие")
    ),
)

BY_NAME = {field.name: field for field in FIELDS}


def header_key(header: str) -> str:
    """The form headers are compared in: case-folded, punctuation and spacing ignored."""
    return re.sub(r"[\W_]+", " ", header.casefold()).strip()


_BY_HEADER = {header_key(h): field.name for field in FIELDS for h in field.headers}


def match_header(header: str) -> str | None:
    """The field a column header means, or None for a column kept as a custom attribute."""
    return _BY_HEADER.get(header_key(header))
