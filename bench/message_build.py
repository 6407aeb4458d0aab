"""Per-recipient cost of building a message: `build_message` vs `EmailMessage(policy=SMTP)`.

The send pipeline builds one message per recipient; this measures, in the same
run and on the same bodies, the byte assembly `distributor.sending.message.mime` does
and the straightforward email-package way (the DKIM signature on top: bench/dkim_signing.py).

    .venv/bin/python bench/message_build.py --messages 2000
"""

from __future__ import annotations

import email.policy
import time
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial

import typer
from rich.console import Console
from rich.table import Table

from distributor.sending.message.mime import MessageTemplate, Recipient, build_message

ASCII_HTML = ("<p style='color:#333'>" + "Some words of the release. " * 20 + "</p>\n") * 60
CYRILLIC_HTML = ("<p>" + "Слова пресс-релиза. " * 20 + "</p>\n") * 60
LONG_LINE_HTML = "<p>" + "x" * 5000 + "</p>\n" + ASCII_HTML
TEXT = ("Some words of the release. " * 3 + "\n") * 150
RECIPIENT = Recipient(4711, "ivan@example.org", "https://press.example.org/u/abc", "Иван Петров")


def _template() -> MessageTemplate:
    return MessageTemplate.create(
        from_address="Press Office <press@newsroom.example>",
        subject="Новый пресс-релиз",
        sendout_id=1,
        list_slug="national-press",
        bounce_domain="bounces.newsroom.example",
        secret="bench",  # noqa: S106 - signs throwaway VERP tokens
        reply_to=("Anna Smith", "anna@newsroom.example"),
    )


def _email_package(html: str, text: str) -> bytes:
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = "Press Office <press@newsroom.example>"
    message["To"] = Address(RECIPIENT.name, addr_spec=RECIPIENT.email)
    message["Subject"] = "Новый пресс-релиз"
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="newsroom.example")
    message["List-Unsubscribe"] = f"<{RECIPIENT.unsubscribe_url}>, <mailto:u@newsroom.example>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message.as_bytes()


def _per_call(function: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        function()
    return (time.perf_counter() - start) / count


def main(messages: int = typer.Option(2_000, help="Messages built per measurement.")) -> None:
    console = Console()
    template = _template()
    table = Table("bodies", "build_message µs", "EmailMessage µs", "ratio")
    for label, html in (
        ("ASCII HTML 34 KB (7bit)", ASCII_HTML),
        ("Cyrillic HTML 50 KB (base64)", CYRILLIC_HTML),
        ("HTML with a 5,000-character line (QP)", LONG_LINE_HTML),
    ):
        ours = _per_call(partial(build_message, template, html, TEXT, RECIPIENT), messages)
        theirs = _per_call(partial(_email_package, html, TEXT), max(messages // 10, 1))
        table.add_row(label, f"{ours * 1e6:,.0f}", f"{theirs * 1e6:,.0f}", f"{theirs / ours:,.1f}x")
    console.print(table)


if __name__ == "__main__":
    typer.run(main)
