"""bench/bounce_corpus.py's figures, on a corpus of our own samples with verdicts written here."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bench.bounce_corpus import _judge, _rows, main
from bench.summary import read_summary

SAMPLES = Path(__file__).parent / "bounces" / "corpus"
ROWS = [
    ("postfix_user_unknown.eml", "maria.keller@tageblatt.example", "userunknown", True),
    ("exim_mailbox_full.eml", "hanna.roth@lokalblatt.example", "mailboxfull", False),
    ("spam_block_571.eml", "leo.fischer@strenger-filter.example", "blocked", False),
    # Verdicts the parser does not share, so that each figure counts something:
    ("koi8r_mailbox_full.eml", "ivan.petrov@gazeta-sever.example", "userunknown", True),
    ("qmail_user_unknown.eml", "tom.berg@kurier.example", "filtered", False),
    ("binary_garbage.eml", "nobody@nowhere.example", "undefined", False),
]


def _corpus(tmp_path: Path) -> Path:
    (tmp_path / "messages").mkdir(parents=True)
    lines = []
    for name, recipient, reason, hard in ROWS:
        (tmp_path / "messages" / name).write_bytes((SAMPLES / name).read_bytes())
        row = {"file": name, "recipient": recipient, "reason": reason, "hard": hard}
        lines.append(json.dumps(row | {"status": "", "reply_code": ""}))
    (tmp_path / "expected.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_corpus_figures_count_each_kind_of_disagreement(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    rows = _rows(corpus)
    messages = {name: (corpus / "messages" / name).read_bytes() for name in rows}

    tally = _judge(messages, rows)

    assert (tally.rows, tally.dead) == (6, 2)
    assert tally.wrongly_hard == 1  # qmail's user unknown, called filtered by the reference
    assert tally.missed_hard == 1  # the full mailbox the reference calls dead
    assert tally.unknown == 1  # the garbage names nobody
    assert tally.reason_agrees == 3
    assert (tally.address_found, tally.with_address) == (5, 6)
    assert tally.crashes == 0
    assert len(tally.misses) == 3


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(main)
    return app


def test_the_script_writes_its_figures_for_the_suite(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"

    result = CliRunner().invoke(
        _app(),
        ["--corpus", str(_corpus(tmp_path / "c")), "--seconds", "0.05", "--summary", str(summary)],
    )

    assert result.exit_code == 0, result.output
    figures = read_summary(summary)
    assert figures["rows"] == 6
    assert figures["messages_per_s"] > 0
    assert figures["mime_only_messages_per_s"] > 0
    assert figures["own_mime_only_messages_per_s"] > 0


def test_without_a_corpus_the_script_says_so_and_measures_nothing(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"

    result = CliRunner().invoke(
        _app(), ["--corpus", str(tmp_path / "none"), "--summary", str(summary)]
    )

    assert result.exit_code == 0
    assert "No bounce corpus" in result.output
    assert "skipped" in read_summary(summary)
