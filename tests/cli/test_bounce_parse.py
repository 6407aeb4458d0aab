"""`distributor bounces parse`: each message read to one JSON line, with no database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from distributor.cli import app

FORMATS = Path(__file__).parents[1] / "bounces" / "formats"
CORPUS = Path(__file__).parents[1] / "bounces" / "corpus"


def _parse(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["bounces", "parse", *args])
    return result.exit_code, result.output


def test_json_gives_one_line_per_message_in_the_documented_shape() -> None:
    code, output = _parse("--json", str(FORMATS / "opensmtpd_two_recipients.eml"))

    assert code == 0
    (line,) = output.strip().splitlines()
    parsed = json.loads(line)
    assert set(parsed) >= {"file", "kind", "recipients"}
    assert parsed["kind"] == "bounce"
    assert set(parsed["recipients"][0]) >= {
        "address",
        "status",
        "reply_code",
        "reason",
        "class",
        "diagnostic",
    }
    assert [(r["reply_code"], r["reason"]) for r in parsed["recipients"]] == [
        ("550", "userunknown"),
        ("552", "mailboxfull"),
    ]


def test_a_folder_is_read_message_by_message() -> None:
    code, output = _parse("--json", str(FORMATS))

    assert code == 0
    assert len(output.strip().splitlines()) == len(list(FORMATS.glob("*.eml")))


def test_text_output_names_the_reason_in_words() -> None:
    code, output = _parse(str(CORPUS / "koi8r_mailbox_full.eml"))

    assert code == 0
    assert "ivan.petrov@gazeta-sever.example: mailbox full (soft" in output


def test_an_unreadable_path_is_named_and_the_others_still_read(tmp_path: Path) -> None:
    code, output = _parse(
        "--json", str(tmp_path / "missing.eml"), str(CORPUS / "out_of_office.eml")
    )

    assert code == 1
    assert "missing.eml: no such file or folder" in output
    assert '"kind": "auto_reply"' in output


def test_parse_needs_no_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'absent' / 'nothing.sqlite3'}"
    result = CliRunner().invoke(
        app,
        ["bounces", "parse", "--json", str(CORPUS / "postfix_user_unknown.eml")],
        env={"DISTRIBUTOR_DATABASE_URL": url},
    )

    assert result.exit_code == 0, result.output
    assert not (tmp_path / "absent").exists()
