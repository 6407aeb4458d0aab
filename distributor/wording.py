"""The few words the email template itself says, per language, and the writing direction.

A release brings its own wording; the template only adds labels ("Media contacts",
"Unsubscribe"). They are kept here as a small table rather than gettext catalogues:
a missing language falls back to English, label by label. The table's languages are also
those a journalist may choose to receive on the preferences page.
"""

# ruff: noqa: RUF001 - Russian labels are Cyrillic on purpose

from __future__ import annotations

from babel import Locale, UnknownLocaleError

RTL_LANGUAGES = frozenset({"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"})

_ENGLISH = {
    "embargoed": "EMBARGOED",
    "embargoed_until": "until {time}",
    "embargo_note": "Not for publication or broadcast before this time.",
    "your_time": "{time} your time ({zone})",
    "media_contacts": "Media contacts",
    "links": "Links",
    "photo": "Photo",
    "web_version": "View in your browser",
    "preferences": "Preferences",
    "unsubscribe": "Unsubscribe",
    "why": "You receive this because you are on {list_name}.",
    "sent_by": "Sent by {sender}",
    "sent_to": "This email was sent to {addressee}.",
    "references": "Links",
    "newsroom": "More releases in our newsroom",
    "download_print": "Download print resolution",
    "usage": "Usage",
    "documents": "Documents",
    "read_in": "Read in English",  # leads to this language's version, so said in it
}

_WORDS: dict[str, dict[str, str]] = {
    "en": _ENGLISH,
    "ru": {
        "embargoed": "ЭМБАРГО",
        "embargoed_until": "до {time}",
        "embargo_note": "Не публиковать и не передавать в эфир до этого времени.",
        "your_time": "{time} по вашему времени ({zone})",
        "media_contacts": "Контакты для прессы",
        "links": "Ссылки",
        "photo": "Фото",
        "web_version": "Открыть в браузере",
        "preferences": "Настройки рассылки",
        "unsubscribe": "Отписаться",
        "why": "Вы получили это письмо, потому что состоите в списке {list_name}.",
        "sent_by": "Отправитель: {sender}",
        "sent_to": "Письмо отправлено для {addressee}.",
        "references": "Ссылки",
        "newsroom": "Другие пресс-релизы в нашем пресс-центре",
        "download_print": "Скачать в печатном качестве",
        "usage": "Условия использования",
        "documents": "Документы",
        "read_in": "Читать на русском",
    },
}


# The From name of a release whose organization is named and no sender name was set.
_PRESS_OFFICE = {
    "en": "{organization} Press Office",
    "de": "Pressestelle {organization}",
    "fr": "Service de presse de {organization}",
    "ru": "Пресс-служба {organization}",
}


def press_office(organization: str, language: str) -> str:
    """ "National Film Fund Press Office", said in `language` (English when not in the table)."""
    phrase = _PRESS_OFFICE.get(base_language(language), _PRESS_OFFICE["en"])
    if base_language(language) == "fr" and organization[:1].lower() in "aeiouyàâéèêëîïôûü":
        phrase = phrase.replace("de {", "d’{")  # French elides "de" before a vowel
    return phrase.format(organization=organization)


def base_language(language: str) -> str:
    """`pt-BR` → `pt`: the part that picks wording and direction."""
    return language.replace("_", "-").split("-")[0].lower()


def direction(language: str) -> str:
    """`rtl` for right-to-left scripts, `ltr` otherwise (the `dir` of the email)."""
    return "rtl" if base_language(language) in RTL_LANGUAGES else "ltr"


def words(language: str) -> dict[str, str]:
    """The template's labels in `language`, English where a label is not translated."""
    return _ENGLISH | _WORDS.get(base_language(language), {})


def read_in(language: str) -> str:
    """The link to the version in `language`, worded in that language ("Читать на русском").

    A language without its own phrase in the table shows its own name ("Deutsch").
    """
    phrase = _WORDS.get(base_language(language), {}).get("read_in")
    if phrase:
        return phrase
    try:
        name = Locale.parse(language.replace("-", "_")).display_name
    except (ValueError, UnknownLocaleError):
        name = None
    return name[:1].upper() + name[1:] if name else language


def languages() -> tuple[str, ...]:
    """The languages the template speaks: those a journalist may ask to receive."""
    return tuple(_WORDS)
