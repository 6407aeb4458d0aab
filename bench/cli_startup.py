"""CPU time of the everyday `distributor` commands, from start to exit, against Python itself.

Each command runs as a process of its own on embedded defaults (SQLite under a
temporary data folder holding one list, one journalist and one scheduled
send-out), its modules' bytecode cached as in an installed package; its CPU time (user + system) is the median of `--runs` rounds. Two
baselines are measured in the same rounds: `python -c pass` (the interpreter's
own start) and `python -c "import sqlalchemy"` (what any command that reads the
database pays before its first query). The target is 0.5 s of CPU per command.
Rounds interleave the commands, so a busy moment of the machine weighs on all alike.

    .venv/bin/python bench/cli_startup.py
    .venv/bin/python bench/cli_startup.py --source ../main   # another checkout's code, to compare
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bench.summary import SUMMARY_OPTION, write_summary

ROOT = Path(__file__).resolve().parents[1]
RELEASE = ROOT / "docs" / "examples" / "release-en.md"
TARGET_SECONDS = 0.5
BASELINES = {"python -c pass": ("-c", "pass"), "import sqlalchemy": ("-c", "import sqlalchemy")}
console = Console()
SOURCE_OPTION = typer.Option(ROOT, help="The checkout whose code runs (as PYTHONPATH).")


def _environment(source: Path, data: Path) -> dict[str, str]:
    """Runs `source`'s code on `data`, its bytecode cached under `data` as an installed package
    has it (whatever PYTHONDONTWRITEBYTECODE says, and without writing into the checkout).
    The processes start in `data` too, so that Python finds no other checkout's package there."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DISTRIBUTOR_") and name != "PYTHONDONTWRITEBYTECODE"
    }
    return env | {
        "PYTHONPATH": str(source),
        "PYTHONPYCACHEPREFIX": str(data / "bytecode"),
        "DISTRIBUTOR_DATA_DIR": str(data),
    }


def _distributor(env: dict[str, str], *args: str) -> str:
    """Run `distributor ARGS…` for the setup; its output, or stop with its error."""
    done = subprocess.run(
        [sys.executable, "-m", "distributor", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["DISTRIBUTOR_DATA_DIR"],
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"distributor {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def _prepare(env: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """A small database, and the commands to measure on it."""
    _distributor(env, "db", "upgrade")
    _distributor(env, "releases", "add", str(RELEASE))
    _distributor(env, "lists", "create", "culture-desk")
    _distributor(env, "contacts", "add", "anna.weber@zeitung.example", "--list", "culture-desk")
    created = _distributor(
        env,
        "sendouts",
        "create",
        "--release",
        "film-grants-2027",
        "--list",
        "culture-desk",
        "--at",
        "2030-01-07T09:00+01:00",
        "--json",
    )
    sendout_id = str(json.loads(created.strip().splitlines()[-1])["id"])
    commands = (
        ("--help",),
        ("--version",),
        ("lists", "list"),
        ("sendouts", "status", sendout_id),
        ("contacts", "search", "weber"),
    )
    return {"distributor " + " ".join(c): ("-m", "distributor", *c) for c in commands}


def cpu_seconds(arguments: tuple[str, ...], env: dict[str, str]) -> float:
    """User + system CPU seconds of one `python ARGUMENTS…` process, start to exit."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=env["DISTRIBUTOR_DATA_DIR"],
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(
    runs: int, env: dict[str, str], commands: dict[str, tuple[str, ...]]
) -> dict[str, float]:
    """The median CPU seconds of each of `commands` over `runs` interleaved rounds."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, arguments in commands.items():
            samples[name].append(cpu_seconds(arguments, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def main(
    runs: int = typer.Option(7, help="Rounds; each figure is the median of this many runs."),
    source: Path = SOURCE_OPTION,
    summary: Path | None = SUMMARY_OPTION,
) -> None:
    with tempfile.TemporaryDirectory(prefix="distributor-bench-cli-") as folder:
        env = _environment(source.resolve(), Path(folder))
        commands = _prepare(env)
        seconds = measure(runs, env, BASELINES | commands)
    start, sqlalchemy = seconds["python -c pass"], seconds["import sqlalchemy"]
    table = Table(title=f"CLI start, CPU seconds (median of {runs}), code in {source}")
    for column in ("command", "CPU", "÷ python -c pass", "÷ import sqlalchemy", "≤ 0.5 s"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for name, value in seconds.items():
        met = "" if name in BASELINES else ("yes" if value <= TARGET_SECONDS else "NO")
        table.add_row(
            name, f"{value:.3f} s", f"{value / start:.1f}x", f"{value / sqlalchemy:.2f}x", met
        )
    console.print(table)
    write_summary(
        summary,
        {
            "runs": runs,
            "target_seconds": TARGET_SECONDS,
            "baselines": {name: seconds[name] for name in BASELINES},
            "commands": {name: seconds[name] for name in commands},
        },
    )


if __name__ == "__main__":
    typer.run(main)
