"""Messages carry every header the invariants name, encoded so that mail readers read them back."""

from __future__ import annotations

import email
import email.policy
import re
from email.header import decode_header, make_header
from email.headerregistry import AddressHeader
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distributor.config import load_settings
from distributor.errors import HeaderInjection, InvalidInput
from distributor.sending.message.mime import BuiltMessage, MessageTemplate, Recipient, build_message
from distributor.tokens import read_delivery_token, token_from_address

SECRET = "test-secret-0123456789abcdef0123456789"
# Any text, with the characters that matter to headers drawn more often than chance would.
HEADER_TEXT = st.lists(
    st.characters()
    | st.sampled_from([" ", '"', "\\", ",", ";", "<", ">", "@", "=?", "?=", "ж", "\r", "\n"]),
    max_size=120,
).map("".join)
# What a header cannot carry: controls, line and paragraph separators, lone surrogates.
REFUSED = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
UNSUBSCRIBE_URL = "https://press.example.org/u/one-click?t=abc"


def make_template(subject: str = "A press release", **changes: object) -> MessageTemplate:
    options: dict[str, object] = {
        "from_address": "Press Office <press@newsroom.example>",
        "subject": subject,
        "sendout_id": 12,
        "list_slug": "national-press",
        "list_name": "National press",
        "bounce_domain": "bounces.newsroom.example",
        "secret": SECRET,
        "reply_to": ("Anna Smith", "anna@newsroom.example"),
    } | changes
    return MessageTemplate.create(**options)  # type: ignore[arg-type]


def build(
    name: str = "Jane Doe",
    email_address: str = "jane@example.org",
    *,
    template: MessageTemplate | None = None,
    html: str = "<p>Hello</p>",
    text: str = "Hello",
    unsubscribe_url: str = UNSUBSCRIBE_URL,
) -> BuiltMessage:
    recipient = Recipient(
        delivery_id=4711, email=email_address, unsubscribe_url=unsubscribe_url, name=name
    )
    return build_message(template or make_template(), html, text, recipient)


def parse(message: BuiltMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def head_lines(message: BuiltMessage) -> list[str]:
    return message.data.split(b"\r\n\r\n", 1)[0].decode("utf-8").split("\r\n")


def header_names(message: BuiltMessage) -> list[str]:
    return [line.split(":", 1)[0] for line in head_lines(message) if not line.startswith(" ")]


def display_name(message: BuiltMessage) -> str:
    header = parse(message)["To"]
    assert isinstance(header, AddressHeader)
    (address,) = header.addresses
    return address.display_name


def body(message: BuiltMessage, kind: str) -> str:
    """A part's text as the sender wrote it: MIME text travels with CRLF line endings."""
    part = parse(message).get_body((kind,))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_message_carries_every_header_the_invariants_name() -> None:
    names = set(header_names(build()))
    assert {
        "Date",
        "From",
        "Reply-To",
        "To",
        "Subject",
        "Message-ID",
        "List-Id",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "Feedback-ID",
        "MIME-Version",
        "Content-Type",
    } <= names


def test_each_header_appears_once_and_no_return_path_or_mailer_is_written() -> None:
    names = header_names(build())
    assert len(names) == len(set(names))
    assert "Return-Path" not in names
    assert not any(name.lower().startswith("x-") for name in names)


def test_message_is_multipart_alternative_with_text_then_html() -> None:
    parsed = parse(build(html="<p>Hallo</p>", text="Hallo"))
    assert parsed.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in parsed.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert body(build(html="<p>Hallo</p>", text="Hallo"), "html") == "<p>Hallo</p>"


def test_list_unsubscribe_offers_the_one_click_url_then_a_signed_mailto() -> None:
    parsed = parse(build())
    urls = re.findall(r"<([^>]+)>", str(parsed["List-Unsubscribe"]))
    assert urls[0] == UNSUBSCRIBE_URL
    mailto, _, query = urls[1].removeprefix("mailto:").partition("?")
    assert query == "subject=unsubscribe"
    token = token_from_address(mailto, local="unsubscribe")
    assert token is not None
    assert read_delivery_token(token, SECRET) == 4711
    assert str(parsed["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"


def test_envelope_sender_is_a_verp_address_naming_the_delivery() -> None:
    message = build()
    token = token_from_address(message.envelope_from)
    assert message.envelope_from.endswith("@bounces.newsroom.example")
    assert token == message.verp_token
    assert read_delivery_token(token, SECRET) == 4711


def test_message_id_is_on_the_from_domain_and_new_for_each_message() -> None:
    first, second = build(), build()
    assert str(parse(first)["Message-ID"]) == first.message_id
    assert first.message_id.endswith("@newsroom.example>")
    assert first.message_id != second.message_id


def test_list_id_and_feedback_id_name_the_list_and_send_out() -> None:
    parsed = parse(build())
    assert str(parsed["List-Id"]) == "National press <national-press.lists.newsroom.example>"
    assert str(parsed["Feedback-ID"]) == "12:national-press:distributor:newsroom.example"


def test_cyrillic_name_is_encoded_and_read_back_equal() -> None:
    message = build("Иван Петров")
    assert message.data.split(b"\r\n\r\n")[0].isascii()
    assert display_name(message) == "Иван Петров"


def test_name_with_quotes_and_commas_stays_one_address_read_back_equal() -> None:
    message = build('Doe, Jane "JD" \\ Jr.')
    assert display_name(message) == 'Doe, Jane "JD" \\ Jr.'


def test_long_name_is_split_into_encoded_words_that_join_back_per_rfc_2047() -> None:
    name = "Александра Константиновна Преображенская-Водкина"
    message = build(name, "ivan@example.org")
    head = message.data.split(b"\r\n\r\n")[0].decode()
    found = re.search(r"\r\nTo: (.*?) <ivan", head, re.DOTALL)
    assert found is not None
    phrase = found.group(1)
    assert phrase.count("=?utf-8?b?") > 1
    assert all(len(line) <= 78 for line in f"To: {phrase}".split("\r\n"))
    assert str(make_header(decode_header(phrase))) == name


def test_name_of_only_spaces_writes_the_bare_address() -> None:
    assert str(parse(build("   "))["To"]) == "jane@example.org"


def test_international_domain_is_written_in_idna_form() -> None:
    message = build(email_address="ivan@пример.рф")
    assert message.recipient == "ivan@xn--e1afmkfd.xn--p1ai"
    assert "ivan@xn--e1afmkfd.xn--p1ai" in str(parse(message)["To"])


def test_international_local_part_is_written_in_utf8_for_smtputf8() -> None:
    message = build(email_address="иван@example.org")
    assert message.recipient == "иван@example.org"
    assert "иван@example.org" in str(parse(message)["To"])


def test_non_ascii_subject_is_encoded_and_read_back_equal() -> None:
    message = build(template=make_template("Пресс-релиз: «Новая линия» — 2026"))
    assert message.data.split(b"\r\n\r\n")[0].isascii()
    assert str(parse(message)["Subject"]) == "Пресс-релиз: «Новая линия» — 2026"


def test_long_ascii_subject_is_folded_within_78_characters() -> None:
    subject = " ".join(["Announcement"] * 30)
    message = build(template=make_template(subject))
    assert all(len(line) <= 78 for line in head_lines(message) if "Subject" in line)
    assert str(parse(message)["Subject"]) == subject


def test_5000_character_lines_of_html_and_cyrillic_stay_within_998_and_read_back() -> None:
    html = "<p>" + "x" * 5000 + "</p>\n<p>" + "Привет, мир! " * 400 + "</p>"
    text = "Слово " * 1000
    message = build(html=html, text=text)
    assert max(len(line) for line in message.data.split(b"\r\n")) <= 998
    assert body(message, "html") == html
    assert body(message, "plain") == text


def test_short_ascii_lines_go_unencoded_as_7bit() -> None:
    message = build(html="<p>Hello</p>\n<p>World</p>")
    assert b"Content-Transfer-Encoding: 7bit\r\n\r\n<p>Hello</p>\r\n<p>World</p>" in message.data


def test_body_lines_all_end_in_crlf() -> None:
    message = build(html="<p>a</p>\n<p>b</p>\r<p>c</p>", text="a\nb\r\nc")
    assert b"\n" not in message.data.replace(b"\r\n", b"")
    assert b"\r" not in message.data.replace(b"\r\n", b"")


@pytest.mark.parametrize("name", ["Jane\r\nBcc: victim@example.org", "Jane\n", "Jane\rX", "a\x00b"])
def test_line_break_or_control_in_the_name_is_refused_naming_to(name: str) -> None:
    with pytest.raises(HeaderInjection, match=r"^To: "):
        build(name)


def test_line_break_in_the_address_is_refused() -> None:
    with pytest.raises(HeaderInjection, match=r"^To: "):
        build(email_address="jane@example.org\r\nBcc: victim@example.org")


def test_line_break_in_the_unsubscribe_url_is_refused() -> None:
    with pytest.raises(HeaderInjection, match=r"^List-Unsubscribe: "):
        build(unsubscribe_url="https://press.example.org/u\r\nBcc: victim@example.org")


def test_line_break_in_the_subject_is_refused() -> None:
    with pytest.raises(HeaderInjection, match=r"^Subject: "):
        make_template("Release\r\nBcc: victim@example.org")


def test_line_break_in_the_reply_to_name_is_refused() -> None:
    with pytest.raises(HeaderInjection, match=r"^Reply-To: "):
        make_template(reply_to=("Anna\nBcc: victim@example.org", "anna@newsroom.example"))


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://press.example.org/a b", ""])
def test_unsubscribe_link_that_is_no_http_url_is_refused(url: str) -> None:
    with pytest.raises(InvalidInput, match="List-Unsubscribe"):
        build(unsubscribe_url=url)


@pytest.mark.parametrize("address", ["no-at-sign", "two words@example.org", "a@b@c", "x@-bad-.org"])
def test_address_a_header_cannot_carry_is_refused(address: str) -> None:
    with pytest.raises(InvalidInput, match=r"^To: "):
        build(email_address=address)


def test_template_for_a_sendout_takes_from_bounce_domain_and_secret_from_settings() -> None:
    settings = load_settings(
        {
            "DISTRIBUTOR_FROM": "Newsroom <news@press.example.org>",
            "DISTRIBUTOR_BOUNCE_DOMAIN": "bounce.press.example.org",
            "DISTRIBUTOR_SECRET_KEY": "from-settings-0123456789abcdef0123456789",
        }
    )
    template = MessageTemplate.for_sendout(settings, sendout_id=3, subject="S", list_slug="all")
    message = build(template=template)
    assert str(parse(message)["From"]) == "Newsroom <news@press.example.org>"
    assert message.envelope_from.endswith("@bounce.press.example.org")
    assert (
        read_delivery_token(message.verp_token, "from-settings-0123456789abcdef0123456789") == 4711
    )


def assert_clean_head(message: BuiltMessage) -> None:
    """Every header line is a `Name: value` or a folded continuation: nothing was injected."""
    lines = head_lines(message)
    assert all(re.fullmatch(r"[A-Za-z-]+: .*| .+", line) for line in lines)
    assert sorted(header_names(message)) == sorted(header_names(build()))
    assert all(len(line.encode()) <= 998 for line in lines)


def squashed(text: str) -> str:
    return "".join(text.split())


@given(HEADER_TEXT)
def test_any_name_round_trips_or_is_refused(name: str) -> None:
    try:
        message = build(name)
    except HeaderInjection:
        assert REFUSED.search(name)
        return
    assert_clean_head(message)
    # Python's parser puts a space between adjacent encoded words in a name, where
    # RFC 2047 (and mail readers) join them, so spacing is compared apart.
    assert squashed(display_name(message)) == squashed(name)


@given(HEADER_TEXT)
def test_any_subject_round_trips_or_is_refused(subject: str) -> None:
    try:
        message = build(template=make_template(subject))
    except HeaderInjection:
        assert REFUSED.search(subject)
        return
    assert_clean_head(message)
    assert str(parse(message)["Subject"]) == subject.strip()


def test_body_holding_the_boundary_is_encoded_so_it_cannot_end_its_part() -> None:
    template = make_template()
    html = f"<p>x</p>\n--{template.boundary}--\n<p>y</p>"
    message = build(template=template, html=html)
    assert body(message, "html") == html
    assert message.data.count(f"--{template.boundary}--".encode()) == 1


def test_template_repr_keeps_the_secret_out_of_logs() -> None:
    assert SECRET not in repr(make_template())


def test_with_a_reply_address_reply_to_names_the_delivery_under_the_contact_name() -> None:
    template = make_template(reply_address="replies@bounces.newsroom.example")

    message = build(template=template)

    header = parse(message)["Reply-To"]
    assert isinstance(header, AddressHeader)
    (address,) = header.addresses
    assert address.display_name == "Anna Smith"
    assert token_from_address(address.addr_spec, "replies") == message.verp_token
    assert address.domain == "bounces.newsroom.example"
    assert header_names(message).count("Reply-To") == 1


def test_reply_address_comes_from_settings_and_without_it_reply_to_is_the_contact() -> None:
    values = {"DISTRIBUTOR_SECRET_KEY": SECRET}
    replies = load_settings(values | {"DISTRIBUTOR_REPLY_ADDRESS": "Replies@Bounce.Example.org"})
    options = {"sendout_id": 3, "subject": "S", "list_slug": "all", "reply_to": ("A", "a@x.org")}

    tagged = build(template=MessageTemplate.for_sendout(replies, **options))  # type: ignore[arg-type]
    plain = build(template=MessageTemplate.for_sendout(load_settings(values), **options))  # type: ignore[arg-type]

    assert str(parse(tagged)["Reply-To"]) == f"A <replies+{tagged.verp_token}@bounce.example.org>"
    assert str(parse(plain)["Reply-To"]) == "A <a@x.org>"
