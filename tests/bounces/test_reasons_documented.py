"""The README's table of bounce reasons is reasons.py's table, so the two cannot drift apart."""

from __future__ import annotations

from pathlib import Path

from distributor.models.reasons import ACTIONS, REASONS

README = Path(__file__).resolve().parents[2] / "README.md"
HEADER = "| reason | shown as | class | policy | meaning |"


def _documented_rows() -> list[str]:
    """The rows of the reasons table in the README's Bounces section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("\n## Bounces\n") :]
    lines = section[section.index(HEADER) :].splitlines()
    rows = []
    for line in lines[2:]:  # past the header and its rule
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def _expected_rows() -> list[str]:
    return [
        f"| `{info.reason.value}` | {info.label} | {info.bounce_class.value} "
        f"| `{ACTIONS[info.bounce_class].value}` | {info.meaning} |"
        for info in REASONS.values()
    ]


def test_the_readme_lists_every_reason_with_its_label_class_and_policy() -> None:
    expected = _expected_rows()
    assert _documented_rows() == expected, (
        "README.md's reasons table differs from distributor/models/reasons.py; "
        "replace its rows with:\n" + "\n".join(expected)
    )
