"""A send-out's subject line in each language of a multilingual release, so that each
journalist reads the subject in the language of the version they get.

They are kept in the send-out's options as {"subjects": {language: subject}}, keyed by
the language of the release's version; a language without one takes the send-out's
subject, else its version's title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from distributor.errors import InvalidInput
from distributor.models import Release, SendOut
from distributor.sending.message.mime import encode_text

OPTION = "subjects"  # the key in SendOut.options
CLI_OPTION = "--subject-in"


def parse_subjects(pairs: Iterable[str], option: str = CLI_OPTION) -> dict[str, str]:
    """{"ru": "Напоминание"} from the command line's ["ru=Напоминание"]."""
    subjects: dict[str, str] = {}
    for pair in pairs:
        language, equals, subject = pair.partition("=")
        language = language.strip()
        if not equals or not language:
            raise InvalidInput(
                f"{option} {pair!r}: give a language and its subject as LANG=TEXT, "
                f"e.g. {option} 'ru=Напоминание: гранты'"
            )
        if language in subjects:
            raise InvalidInput(f"{option}: {language!r} is given twice; give one subject each")
        subjects[language] = subject
    return subjects


def checked_subjects(
    release: Release, subjects: Mapping[str, str], option: str = CLI_OPTION
) -> dict[str, str]:
    """`subjects` by the language of `release`'s version each is for, refused (naming `option`)
    when a language has no version, a subject is empty or a header cannot carry it."""
    checked: dict[str, str] = {}
    for language, subject in subjects.items():
        version = release.own_version(language)
        if version is None:
            written = ", ".join(sorted(v.language for v in release.versions))
            raise InvalidInput(
                f"{option}: release {release.slug!r} has no version in {language!r}; "
                f"it is written in {written}"
            )
        if version.language in checked:
            raise InvalidInput(
                f"{option}: two subjects for {version.language!r}; give one per language"
            )
        if not subject.strip():
            raise InvalidInput(
                f"{option}: the subject in {language!r} is empty; leave the language out "
                "to give it the send-out's subject"
            )
        # HeaderInjection now rather than at send time.
        encode_text(f"{option} {language}", subject)
        checked[version.language] = subject.strip()
    return checked


def with_subjects(options: Mapping[str, Any], subjects: Mapping[str, str]) -> dict[str, Any]:
    """`options` with `subjects` (checked) in place of any subject lines they held."""
    kept = {key: value for key, value in options.items() if key != OPTION}
    return kept | ({OPTION: dict(subjects)} if subjects else {})


def subjects_of(sendout: SendOut) -> dict[str, str]:
    """The subject lines `sendout` has of its own per language."""
    return dict(sendout.options.get(OPTION, {}))


def subject_for(subjects: Mapping[str, str], language: str, subject: str | None) -> str | None:
    """The subject of the version in `language`: its own, else the send-out's `subject`,
    else None (the version's title)."""
    return subjects.get(language) or subject


def other_languages(release: Release) -> list[str]:
    """The languages of `release`'s versions besides its default one: those a form offers
    a subject of their own."""
    default = release.version().language
    return sorted(v.language for v in release.versions if v.language != default)
