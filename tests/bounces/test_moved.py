"""Reading auto-replies and bounces that say a journalist moved on, in five languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distributor.bounces.moved import TEXT_LIMIT, moved_notice, moved_notice_in_text
from distributor.contacts.moves import MovedNotice

SAMPLES = Path(__file__).parent / "moved"
CORPUS = Path(__file__).parent / "corpus"
OURS = ("newsroom.example", "bounces.newsroom.example")
ANNA = "anna.berg@tageblatt.example"


def _read(name: str, old_email: str | None = None) -> MovedNotice | None:
    return moved_notice((SAMPLES / name).read_bytes(), old_email=old_email, own_domains=OURS)


def test_english_outlook_reply_names_the_colleague_and_skips_the_quoted_release() -> None:
    notice = _read("en_outlook_no_longer_with.eml", ANNA)

    assert notice is not None
    assert notice.new_email == "maria.lopez@tageblatt.example"
    assert notice.name == "Maria López"
    assert "no longer with the Tageblatt" in notice.evidence
    assert "newsroom.example" not in notice.evidence


def test_english_gmail_reply_gives_the_journalists_new_address_and_outlet() -> None:
    notice = _read("en_gmail_new_address.eml", ANNA)

    assert notice == MovedNotice(
        new_email="anna.berg@kurier.example",
        name=None,
        outlet="Der Kurier",
        evidence="I have left the Tageblatt and joined Der Kurier as culture editor. "
        "My new address is anna.berg@kurier.example - please update your lists.",
    )


def test_russian_koi8r_base64_reply_is_read() -> None:
    notice = _read("ru_koi8r_no_longer_works.eml")

    assert notice is not None
    assert (notice.new_email, notice.name) == ("m.ivanova@vestnik.example", "Мария Иванова")
    assert "больше не работает" in notice.evidence


def test_german_latin1_quoted_printable_reply_gives_new_address_and_outlet() -> None:
    notice = _read("de_latin1_neue_adresse.eml")

    assert notice is not None
    assert notice.new_email == "jonas.weber@kurier-sonntag.example"
    assert notice.outlet == "Kurier am Sonntag"
    assert "nicht mehr für die Berliner Rundschau tätig" in notice.evidence


def test_french_gmail_reply_names_the_colleague_in_parentheses() -> None:
    notice = _read("fr_gmail_ne_travaille_plus.eml")

    assert notice is not None
    assert (notice.new_email, notice.name) == (
        "julien.bernard@quotidien-midi.example",
        "Julien Bernard",
    )
    assert notice.evidence.startswith("Je ne travaille plus au Quotidien du Midi")


def test_spanish_latin1_base64_reply_is_read() -> None:
    notice = _read("es_latin1_ya_no_trabaja.eml")

    assert notice is not None
    assert (notice.new_email, notice.name) == ("javier.ruiz@diariosur.example", "Javier Ruiz")
    assert "ya no trabaja en El Diario del Sur" in notice.evidence


def test_out_of_office_back_on_monday_suggests_nothing() -> None:
    assert _read("out_of_office_back_monday.eml", ANNA) is None


def test_phone_number_in_a_signature_is_not_read_as_a_name() -> None:
    notice = _read("en_signature_with_phone.eml", ANNA)

    assert notice is not None
    assert notice.new_email == "maria.lopez@tageblatt.example"
    assert notice.name is None


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda path: path.name)
def test_bounce_corpus_messages_suggest_no_move(path: Path) -> None:
    assert moved_notice(path.read_bytes(), own_domains=OURS) is None


def test_the_old_address_is_never_proposed() -> None:
    text = f"Anna Berg is no longer with the Tageblatt. Her address {ANNA} is closed."
    assert moved_notice_in_text(text, ignored=[ANNA]) is None


def test_our_own_addresses_are_never_proposed() -> None:
    text = "I no longer work at the Tageblatt. Please contact claire.dubois@newsroom.example."
    assert moved_notice_in_text(text, own_domains=OURS) is None


def test_a_role_address_is_proposed_only_where_the_text_says_to_write_to_it() -> None:
    told = "Anna Berg is no longer with us. Please contact redaktion@tageblatt.example."
    mentioned = "Anna Berg is no longer with us; redaktion@tageblatt.example has her archive."

    assert moved_notice_in_text(told) is not None
    assert moved_notice_in_text(mentioned) is None


def test_words_past_the_first_few_kb_are_not_read() -> None:
    text = "News of the week. " * (TEXT_LIMIT // 10) + "I have left; write to a@b.example."
    assert moved_notice_in_text(text) is None


@settings(max_examples=200)
@given(st.binary(max_size=3000))
def test_any_bytes_are_read_without_raising(raw: bytes) -> None:
    moved_notice(raw, old_email=ANNA, own_domains=OURS)


WORDS = st.sampled_from(
    [ANNA, "claire@newsroom.example", "desk@bounces.newsroom.example", "maria@kurier.example",
     "no longer with", "please contact", "Maria López", "back on Monday", ".", "\n", "Tel. +49 30 1"]
)  # fmt: skip


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(WORDS, st.text(st.characters(blacklist_characters="@"), max_size=12)), max_size=40
    )
)
def test_a_suggested_address_is_never_the_old_one_nor_ours(words: list[str]) -> None:
    notice = moved_notice_in_text(" ".join(words), ignored=[ANNA], own_domains=OURS)
    assert notice is None or notice.new_email == "maria@kurier.example"
