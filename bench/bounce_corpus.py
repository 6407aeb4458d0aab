"""Bounce parsing and classification measured on a corpus of real bounces with reference verdicts.

Reads `../shared/corpora/bounces` (or `--corpus DIR`): `messages/` and
`expected.jsonl`, one row per (message, recipient) with the reference
classifier's reason and its verdict on whether the address is dead ("hard").
Each message goes through `describe_message`, what `distributor bounces parse`
prints, and each reference row is matched to the recipient with its address
(else the message's first). Printed:

- wrongly hard: rows we call hard that the reference says are not dead, % of rows
  (a live journalist suppressed; target ≤ 2 %);
- missed hard: dead addresses we do not call hard, % of dead rows (target ≤ 5 %);
- unknown: rows whose reason we could not tell (undefined, on hold, or no
  recipient found), % of rows (target ≤ 5 %);
- reason agrees: our reason name is the reference's, % of rows (target ≥ 80 %);
- address found: the reference's recipient is among ours, % of rows with one (≥ 95 %);
- crashes: messages whose parsing raised (target 0);
- messages/s, parse + classify in this one process (target ≥ 2,000 messages/s),
  beside two baselines measured in the same run: reading the MIME tree alone
  with the email package (`email.message_from_bytes`), and with our own reader
  (`distributor.bounces.mime_reader`), which builds the same tree.

`--misses` lists every row that disagrees, for whoever improves the rules.
Without the corpus the script says so and exits 0.

    .venv/bin/python bench/bounce_corpus.py
    .venv/bin/python bench/bounce_corpus.py --misses | less
"""

from __future__ import annotations

import email
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.policy import compat32
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from bench.summary import SUMMARY_OPTION, write_summary
from distributor.bounces.classify import forget_phrases
from distributor.bounces.described import describe_message
from distributor.bounces.mime_reader import read_message

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "bounces"
UNKNOWN_REASONS = {"undefined", "onhold"}
console = Console()
CORPUS_OPTION = typer.Option(DEFAULT_CORPUS, help="Folder with messages/ and expected.jsonl.")


@dataclass
class Tally:
    rows: int = 0
    dead: int = 0
    wrongly_hard: int = 0
    missed_hard: int = 0
    unknown: int = 0
    reason_agrees: int = 0
    with_address: int = 0
    address_found: int = 0
    crashes: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, expected: dict[str, Any], found: dict[str, Any] | None, by_address: bool) -> None:
        self.rows += 1
        dead = bool(expected["hard"])
        hard = found is not None and found["class"] == "hard"
        reason = found["reason"] if found is not None else "-"
        self.dead += dead
        self.wrongly_hard += hard and not dead
        self.missed_hard += dead and not hard
        self.unknown += reason in UNKNOWN_REASONS or found is None
        self.reason_agrees += reason == expected["reason"]
        if expected["recipient"]:
            self.with_address += 1
            self.address_found += by_address
        if reason != expected["reason"] or hard != dead:
            diagnostic = (found or {}).get("diagnostic") or ""
            self.misses.append(
                f"{expected['file']}: {expected['recipient'] or '-'} expected {expected['reason']}"
                f"{' (dead)' if dead else ''}, got {reason}{' (hard)' if hard else ''}: "
                f"{diagnostic[:160]}"
            )

    def percent(self, part: int, whole: int) -> float:
        return 100.0 * part / whole if whole else 0.0


def _rows(corpus: Path) -> dict[str, list[dict[str, Any]]]:
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (corpus / "expected.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                by_file[row["file"]].append(row)
    return by_file


def _judge(messages: dict[str, bytes], rows: dict[str, list[dict[str, Any]]]) -> Tally:
    tally = Tally()
    for name, expected_rows in sorted(rows.items()):
        try:
            described = describe_message(messages[name], name)
        except Exception:  # counted: the parser must never raise
            tally.crashes += 1
            described = {"recipients": []}
        recipients = described["recipients"]
        by_address = {(r["address"] or "").lower(): r for r in recipients}
        for expected in expected_rows:
            found = by_address.get(expected["recipient"].lower())
            matched = found is not None and bool(expected["recipient"])
            if found is None and recipients:
                found = recipients[0]
            tally.add(expected, found, matched)
    return tally


def _rate(messages: list[tuple[str, bytes]], read: Any, seconds: float) -> float:
    """Messages per CPU second of `read` over the corpus, in its fastest pass of those run
    in `seconds` (at least one).

    CPU time, not wall time, and the fastest pass, as `timeit` advises: a slower pass
    measures what else the machine was doing, not the code.
    """
    fastest, spent = float("inf"), 0.0
    while True:
        forget_phrases()  # each pass pays for its own rule searches, as a fresh process would
        started = time.process_time()
        for name, raw in messages:
            read(raw, name)
        elapsed = time.process_time() - started
        fastest, spent = min(fastest, elapsed), spent + elapsed
        if spent >= seconds:
            return len(messages) / max(fastest, 1e-9)


def _mime(raw: bytes, _name: str) -> None:
    email.message_from_bytes(raw, policy=compat32)


def _own_mime(raw: bytes, _name: str) -> None:
    read_message(raw, compat32)


def main(
    corpus: Path = CORPUS_OPTION,
    seconds: float = typer.Option(3.0, help="Minimum time of each speed measurement."),
    misses: bool = typer.Option(False, "--misses", help="List every row that disagrees."),
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    if not (corpus / "expected.jsonl").is_file():
        console.print(f"No bounce corpus at {corpus}: nothing measured.")
        write_summary(summary, {"skipped": f"no corpus at {corpus}"})
        return
    rows = _rows(corpus)
    messages = {name: (corpus / "messages" / name).read_bytes() for name in rows}
    tally = _judge(messages, rows)
    ordered = sorted(messages.items())
    _rate(ordered, describe_message, 0.0)  # warm: compiled patterns, imported codecs
    baseline = _rate(ordered, _mime, seconds)
    own_mime = _rate(ordered, _own_mime, seconds)
    measured = _rate(ordered, describe_message, seconds)

    pct = tally.percent
    figures = {
        "messages": len(messages),
        "rows": tally.rows,
        "wrongly_hard_pct": round(pct(tally.wrongly_hard, tally.rows), 2),
        "missed_hard_pct": round(pct(tally.missed_hard, tally.dead), 2),
        "unknown_pct": round(pct(tally.unknown, tally.rows), 2),
        "reason_agrees_pct": round(pct(tally.reason_agrees, tally.rows), 2),
        "address_found_pct": round(pct(tally.address_found, tally.with_address), 2),
        "crashes": tally.crashes,
        "messages_per_s": round(measured),
        "mime_only_messages_per_s": round(baseline),
        "own_mime_only_messages_per_s": round(own_mime),
    }
    table = Table(title=f"Bounce corpus: {len(messages)} messages, {tally.rows} rows")
    for column in ("figure", "measured", "target"):
        table.add_column(column, justify="right" if column != "figure" else "left")
    table.add_row(
        "wrongly hard", f"{figures['wrongly_hard_pct']} % ({tally.wrongly_hard})", "≤ 2 %"
    )
    table.add_row(
        "missed hard",
        f"{figures['missed_hard_pct']} % ({tally.missed_hard} of {tally.dead})",
        "≤ 5 %",
    )
    table.add_row("unknown", f"{figures['unknown_pct']} % ({tally.unknown})", "≤ 5 %")
    table.add_row("reason agrees", f"{figures['reason_agrees_pct']} %", "≥ 80 %")
    table.add_row("address found", f"{figures['address_found_pct']} %", "≥ 95 %")
    table.add_row("crashes", str(tally.crashes), "0")
    table.add_row("parse + classify, messages/s", f"{measured:,.0f}", "≥ 2,000")
    table.add_row(
        "MIME only, email package, messages/s",
        f"{baseline:,.0f}",
        f"ratio {measured / baseline:.2f}",
    )
    table.add_row(
        "MIME only, our reader, messages/s", f"{own_mime:,.0f}", f"ratio {own_mime / baseline:.2f}"
    )
    console.print(table)
    if misses:
        for line in tally.misses:
            console.print(line, markup=False, highlight=False)
    write_summary(summary, figures)


if __name__ == "__main__":
    typer.run(main)
