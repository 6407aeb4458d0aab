"""Cleaning contact values: what is kept, what is dropped and reported, what rejects a row."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distributor.contacts.values import (
    RowRejected,
    clean_contact,
    clean_value,
    is_honorific,
    one_line,
    split_name,
)
from distributor.models import LegalBasis


def test_display_name_address_gives_email_and_names() -> None:
    contact = clean_contact({"email": '"Jane Doe" <Jane.Doe@Paper.example>'})
    assert contact.address.email == "jane.doe@paper.example"
    assert contact.values["original_email"] == "Jane.Doe@Paper.example"
    assert (contact.values["first_name"], contact.values["last_name"]) == ("Jane", "Doe")


def test_internationalized_domain_is_one_identity_in_both_spellings() -> None:
    unicode_form = clean_contact({"email": "anna@bücher.example"}).address.email
    ascii_form = clean_contact({"email": "anna@xn--bcher-kva.example"}).address.email
    assert unicode_form == ascii_form == "anna@bücher.example"


@pytest.mark.parametrize("email", ["", "   ", "no-at-sign", "a@b@c.example", "x@-bad-.example"])
def test_unusable_address_rejects_the_row(email: str) -> None:
    with pytest.raises(RowRejected) as caught:
        clean_contact({"email": email, "first_name": "Anna"})
    assert caught.value.problem.field == "email"


def test_bad_optional_field_is_dropped_and_reported_not_the_row() -> None:
    contact = clean_contact({"email": "a@paper.example", "country": "Narnia", "outlet": "Le Monde"})
    assert contact.values["outlet"] == "Le Monde"
    assert "country" not in contact.values
    assert [p.field for p in contact.problems] == ["country"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("fr", "FR"),
        ("France", "FR"),
        ("FRA", "FR"),
        ("UK", "GB"),
        ("Россия", "RU"),
        ("Deutschland", "DE"),
    ],
)
def test_countries_by_code_or_name(text: str, code: str) -> None:
    assert clean_value("country", text) == code


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("English", "en"),
        ("русский", "ru"),
        ("pt_br", "pt-BR"),
        ("sr-latn", "sr-Latn"),
        ("rus", "ru"),
    ],
)
def test_languages_become_bcp47_tags(text: str, tag: str) -> None:
    assert clean_value("language", text) == tag


def test_time_zone_is_matched_regardless_of_case() -> None:
    assert clean_value("time_zone", "europe/moscow") == "Europe/Moscow"
    with pytest.raises(ValueError, match="IANA"):
        clean_value("time_zone", "Mars/Olympus")


def test_beats_split_on_common_separators_and_dedupe_ignoring_case() -> None:
    assert clean_value("beats", "Film; Culture, film | energy") == ["film", "culture", "energy"]


def test_legal_basis_accepts_spelling_variants() -> None:
    assert clean_value("legal_basis", "Legitimate interests") is LegalBasis.LEGITIMATE_INTEREST


def test_full_name_is_split_when_no_first_or_last_given() -> None:
    assert split_name("Anna Maria Schmidt") == ("Anna Maria", "Schmidt")
    assert split_name("Schmidt, Anna") == ("Anna", "Schmidt")
    assert split_name("Madonna") == ("Madonna", "")


def test_html_in_names_and_notes_is_kept_as_text() -> None:
    contact = clean_contact(
        {
            "email": "a@paper.example",
            "first_name": "<b>Anna</b>",
            "notes": "<script>alert(1)</script>",
        }
    )
    assert contact.values["first_name"] == "<b>Anna</b>"
    assert contact.values["notes"] == "<script>alert(1)</script>"


def test_oversized_cell_is_dropped_with_its_size() -> None:
    contact = clean_contact({"email": "a@paper.example", "notes": "x" * 5_000_000})
    assert "notes" not in contact.values
    assert "5,000,000 characters" in contact.problems[0].reason


@given(st.text())
def test_single_line_fields_never_keep_a_line_break(text: str) -> None:
    try:
        cleaned = one_line(text)
    except ValueError:
        return
    assert "\r" not in cleaned
    assert "\n" not in cleaned


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "email",
                "name",
                "country",
                "language",
                "beats",
                "phone",
                "time_zone",
                "legal_basis",
                "consent_at",
                "notes",
            ]
        ),
        st.text(max_size=50),
    )
)
def test_any_record_is_cleaned_or_rejected_never_crashes(raw: dict[str, str]) -> None:
    try:
        contact = clean_contact(raw)
    except RowRejected:
        return
    for name in ("first_name", "last_name"):
        assert "\n" not in contact.values.get(name, "")


@pytest.mark.parametrize("text", ["Dr.", "Prof. Dr.", "Mme", "Herr", "Mrs", "M."])
def test_an_honorific_is_told_from_a_job_title(text: str) -> None:
    assert is_honorific(text)


@pytest.mark.parametrize("text", ["Editor", "Dr. of Film Studies", "Senior reporter", ""])
def test_a_job_title_is_no_honorific(text: str) -> None:
    assert not is_honorific(text)


def test_a_row_with_only_other_addresses_takes_the_first_as_its_own() -> None:
    clean = clean_contact({"alternate_emails": "b@x.example\nc@x.example"})
    assert clean.address.email == "b@x.example"
    assert clean.values["alternate_emails"] == ["c@x.example"]
