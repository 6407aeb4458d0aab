"""Quotes, dashes and no-break spaces in the release's language, in every place prose is shown."""

# ruff: noqa: RUF001 - typographic quotes, dashes and Cyrillic are what these tests are about

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distributor.rendering.compose import fill_in, render_release
from distributor.rendering.typography import CONVENTIONS, typeset, typeset_html, typeset_view
from distributor.rendering.views import ContactView
from tests.rendering.samples import CONTEXT, LONG, RECIPIENT, RUSSIAN, SAMPLES

NBSP = "\u00a0"
NARROW = "\u202f"


# --- quotes ---------------------------------------------------------------------------


def test_english_quotes_are_curly_with_single_ones_inside() -> None:
    assert typeset("She said \"it is a 'big' day\".", "en") == "She said “it is a ‘big’ day”."


def test_english_apostrophes_are_curly() -> None:
    assert typeset("Europe's ports in the '90s don't sleep", "en") == (
        "Europe’s ports in the ’90s don’t sleep"
    )


def test_french_quotes_are_guillemets_with_no_break_spaces_inside() -> None:
    assert typeset('Il a dit "bonjour" hier.', "fr") == f"Il a dit «{NBSP}bonjour{NBSP}» hier."


def test_french_guillemets_typed_without_spaces_get_them() -> None:
    assert typeset("le «Grand Paris»", "fr") == f"le «{NBSP}Grand Paris{NBSP}»"


def test_german_quotes_are_low_high_with_single_ones_inside() -> None:
    assert typeset("Er sagte \"Das ist 'neu'\".", "de") == "Er sagte „Das ist ‚neu‘“."


def test_russian_quotes_are_guillemets_with_low_high_ones_inside() -> None:
    assert typeset('Он сказал "центр "Акме" открыт".', "ru") == "Он сказал «центр „Акме“ открыт»."


def test_a_quote_closing_after_a_number_still_closes() -> None:
    assert typeset('"Grow by 10"', "en") == "“Grow by 10”"


def test_feet_and_inches_after_a_number_stay_straight() -> None:
    assert typeset("a 5'11\" tall skipper", "en") == "a 5'11\" tall skipper"


def test_a_quote_may_open_right_after_another() -> None:
    assert typeset("\"'Ports' matter\", he said", "en") == "“‘Ports’ matter”, he said"


def test_a_quote_may_open_and_close_around_emphasis() -> None:
    assert typeset_html('<p>"<em>Ready</em>"</p>', "de") == "<p>„<em>Ready</em>“</p>"


# --- dashes ---------------------------------------------------------------------------


def test_english_double_hyphen_is_an_em_dash_without_spaces() -> None:
    assert typeset("ports -- and ships -- move", "en") == "ports—and ships—move"


def test_french_double_hyphen_is_a_spaced_en_dash_that_never_starts_a_line() -> None:
    assert typeset("les ports -- et les navires", "fr") == f"les ports{NBSP}– et les navires"


def test_german_spaced_hyphen_is_a_spaced_en_dash() -> None:
    assert typeset("Häfen - und Schiffe", "de") == f"Häfen{NBSP}– und Schiffe"


def test_russian_double_hyphen_is_a_spaced_em_dash() -> None:
    assert typeset("Центр -- это 300 мест", "ru") == f"Центр{NBSP}— это 300 мест"


def test_a_command_line_option_is_not_a_dash() -> None:
    assert typeset("run it with --json", "en") == "run it with --json"


@pytest.mark.parametrize(
    ("typed", "printed"),
    [("pages 10-12", "pages 10–12"), ("in 2026-2027", "in 2026–2027"), ("(5-10)", "(5–10)")],
)
def test_a_range_of_numbers_gets_an_en_dash(typed: str, printed: str) -> None:
    assert typeset(typed, "en") == printed


@pytest.mark.parametrize(
    "typed",
    ["on 2026-12-07", "call 030-1234", "model A320-200", "ISBN 978-3-16-148410-0", "in 12-2026"],
)
def test_dates_phone_numbers_and_codes_keep_their_hyphens(typed: str) -> None:
    assert typeset(typed, "en") == typed


# --- spaces that never break -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("25 km", f"25{NBSP}km"),
        ("10 %", f"10{NBSP}%"),
        ("48 million", f"48{NBSP}million"),
        ("€ 5", f"€{NBSP}5"),
        ("$ 5", f"${NBSP}5"),
        ("EUR 5", f"EUR{NBSP}5"),
    ],
)
def test_a_number_and_its_unit_or_currency_stay_together(typed: str, printed: str) -> None:
    assert typeset(typed, "en") == printed


def test_french_thousands_are_grouped_with_narrow_no_break_spaces() -> None:
    assert typeset("5 000 000 €", "fr") == f"5{NARROW}000{NARROW}000{NBSP}€"


def test_russian_thousands_are_grouped_with_no_break_spaces() -> None:
    assert typeset("5 000 рабочих мест", "ru") == f"5{NBSP}000 рабочих мест"


def test_a_year_before_a_number_is_not_a_thousands_group() -> None:
    assert typeset("en 2026 100 ports", "fr") == "en 2026 100 ports"


def test_french_colon_gets_a_no_break_space_before_it() -> None:
    assert typeset("Objectif: zéro émission", "fr") == f"Objectif{NBSP}: zéro émission"


@pytest.mark.parametrize("mark", ["?", "!", ";"])
def test_french_question_exclamation_and_semicolon_get_a_narrow_space(mark: str) -> None:
    assert typeset(f"Vraiment {mark} Oui", "fr") == f"Vraiment{NARROW}{mark} Oui"


def test_french_times_keep_their_colon_tight() -> None:
    assert typeset("à 18:30", "fr") == "à 18:30"


def test_english_colon_is_left_as_typed() -> None:
    assert typeset("Goal: zero emissions", "en") == "Goal: zero emissions"


def test_an_international_phone_number_stays_on_one_line() -> None:
    assert typeset("call +49 30 1234 567 now", "de") == f"call +49{NBSP}30{NBSP}1234{NBSP}567 now"


# --- what is never touched -------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "https://acme.example/a--b/it's-10-12?q=1&x=5 000",
        "www.acme.example/2026-2027",
        "press-office--eu@acme.example",
    ],
)
def test_web_and_email_addresses_are_untouched(address: str) -> None:
    assert address.split(" ")[0] in typeset(f'see "{address}" -- today', "fr")


def test_inline_code_is_untouched() -> None:
    html = '<p>Run <code>deploy --env "prod" 10-12</code> -- "now"</p>'
    assert typeset_html(html, "en") == '<p>Run <code>deploy --env "prod" 10-12</code>—“now”</p>'


def test_code_blocks_are_untouched() -> None:
    html = '<pre><code>echo "it\'s" -- 5 000</code></pre>'
    assert typeset_html(html, "fr") == html


def test_html_attributes_are_untouched() -> None:
    html = '<p><a href="https://acme.example/?q=%2210-12%22" title="a -- b">"Ports"</a></p>'
    assert typeset_html(html, "en") == (
        '<p><a href="https://acme.example/?q=%2210-12%22" title="a -- b">“Ports”</a></p>'
    )


def test_each_paragraph_closes_its_own_quotes() -> None:
    html = '<p>He said "no</p><p>"Yes," she said.</p>'
    assert typeset_html(html, "en") == "<p>He said “no</p><p>“Yes,” she said.</p>"


def test_text_already_typographic_is_left_alone() -> None:
    printed = f"«{NBSP}Bonjour{NBSP}», dit-il{NBSP}– 5{NARROW}000{NBSP}€ d’ici 2027."
    assert typeset(printed, "fr") == printed


def test_a_language_without_a_convention_is_left_as_typed() -> None:
    assert typeset('"Hello" -- 10-12 km', "ja") == '"Hello" -- 10-12 km'


def test_a_regional_language_uses_its_language_convention() -> None:
    assert typeset('"Salut"', "fr-CA") == f"«{NBSP}Salut{NBSP}»"


def test_names_phones_and_addresses_of_media_contacts_are_kept_as_given() -> None:
    contact = ContactView(
        "Ann O'Neill", "Head of press -- EU", "ann@acme.example", "+44 20 7946 0000"
    )
    view = typeset_view(replace(LONG.view, contacts=(contact,)))
    assert view.contacts == (replace(contact, role="Head of press—EU"),)


# --- once per render: Subject, preheader, HTML, text part -----------------------------

FRENCH = replace(
    LONG.view,
    language="fr",
    title='Le port de Brest "passe au vert" -- 2026-2027',
    summary="Objectif: 5 000 navires",
    body_html='<p>"Nous sommes prêts", dit-elle.</p>',
)


def test_the_subject_line_is_typeset() -> None:
    subject = render_release(FRENCH, CONTEXT).subject
    assert subject == f"Le port de Brest «{NBSP}passe au vert{NBSP}»{NBSP}– 2026–2027"


def test_the_preheader_is_typeset() -> None:
    assert render_release(FRENCH, CONTEXT).preheader == f"Objectif{NBSP}: 5{NARROW}000 navires"


def test_the_html_and_the_text_part_are_typeset() -> None:
    html, text = fill_in(render_release(FRENCH, CONTEXT), RECIPIENT)
    assert f"«{NBSP}Nous sommes prêts{NBSP}», dit-elle." in text
    assert "«&nbsp;Nous sommes prêts&nbsp;»" in html or f"«{NBSP}Nous sommes prêts" in html


def test_recipient_values_are_filled_in_as_given() -> None:
    rendered = render_release(FRENCH, CONTEXT)
    _, text = fill_in(rendered, replace(RECIPIENT, name='Dana "DJ" O\'Neill -- 10-12'))
    assert 'Dana "DJ" O\'Neill -- 10-12' in text


def test_a_release_already_typeset_keeps_its_typography() -> None:
    rendered = render_release(RUSSIAN.view, CONTEXT)
    assert "«Акме» открывает" in rendered.subject
    assert rendered.preheader == RUSSIAN.view.summary


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
def test_a_body_typeset_twice_is_typeset_once(sample) -> None:  # type: ignore[no-untyped-def]
    once = typeset_html(sample.view.body_html, sample.view.language)
    assert typeset_html(once, sample.view.language) == once


# --- properties -----------------------------------------------------------------------

_PROSE = st.lists(
    st.sampled_from(
        [*"aZéжЯ09 5-'\"«»„“”’:;!?.,()%€$\u00a0\u202f–—/\n", "km", "http://x.example/a-b", "+49 30"]
    ),
    max_size=40,
).map("".join)
_LANGUAGES = st.sampled_from(sorted(CONVENTIONS))


def _letters_and_digits(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


@given(_PROSE, _LANGUAGES)
def test_only_punctuation_and_spaces_ever_change(text: str, language: str) -> None:
    assert _letters_and_digits(typeset(text, language)) == _letters_and_digits(text)


@given(_PROSE, _LANGUAGES)
def test_typesetting_twice_changes_nothing_more(text: str, language: str) -> None:
    once = typeset(text, language)
    assert typeset(once, language) == once


@given(_PROSE, _PROSE, _LANGUAGES)
def test_a_web_address_in_prose_comes_through_unchanged(
    before: str, after: str, language: str
) -> None:
    url = "https://acme.example/news/2026-2027--it's?q=10&p=5-7"
    assert url in typeset(f"{before} {url} {after}", language)
