"""`distributor demo`: on embedded defaults, a real worker sends the sample release to every journalist."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from distributor.demo.journalists import JOURNALISTS
from tests.cli.conftest import Run, last_json


def _recipients(index: Path) -> Counter[str]:
    """How many messages the outbox's index lists per recipient, each file checked to exist."""
    counts: Counter[str] = Counter()
    for line in index.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        assert (index.parent / entry["file"]).is_file()
        counts.update(entry["recipients"])
    return counts


def _demo(run: Run) -> Any:
    return last_json(run("demo", "--no-screenshots", "--json"))


def test_demo_sends_the_sample_release_to_every_journalist_once(run: Run) -> None:
    summary = _demo(run)

    assert summary["state"] == "completed"
    assert summary["counts"]["sent"] == len(JOURNALISTS) == summary["journalists"]
    assert _recipients(Path(summary["index"])) == Counter(j.email for j in JOURNALISTS)
    assert Path(summary["preview"]).is_file()


def test_demo_runs_again_on_the_same_data(run: Run) -> None:
    first = _demo(run)

    second = _demo(run)

    assert second["state"] == "completed"
    assert second["id"] != first["id"]
    assert (second["list"], second["release_id"]) == (first["list"], first["release_id"])
    assert _recipients(Path(second["index"])) == Counter(2 * [j.email for j in JOURNALISTS])
