"""bench/suite.py's one table, assembled from summaries as the benchmark scripts write them."""

from __future__ import annotations

from pathlib import Path

from bench.suite import LEGEND, Figure, assemble, markdown
from bench.summary import read_summary, write_summary

SUMMARIES = {
    "import_contacts": {
        "sizes": [
            {
                "rows": 10_000,
                "floor_rows_per_s": 800_000.0,
                "import_rows_per_s": {"sqlite": 8_000.0, "postgresql": 4_000.0},
                "load_rows_per_s": {"sqlite": 200_000.0, "postgresql": 400_000.0},
                "peak_mb": {"csv.reader (floor)": 20.0},
            }
        ]
    },
    "rendering": {"naive_seconds": 0.008, "fill_in_seconds": 0.00001, "render_once_seconds": 0.01},
    "sending": {
        "sink": "Postfix smtp-sink",
        "sizes": [
            {
                "recipients": 20_000,
                "messages_per_s": 1_500.0,
                "smtplib_messages_per_s": 3_000.0,
                "peak_rss_kb": {"main 10": 102_400, "pool 11": 122_880},
            },
            {
                "recipients": 100_000,
                "messages_per_s": 1_400.0,
                "smtplib_messages_per_s": 3_100.0,
                "peak_rss_kb": {"main 20": 102_400, "pool 21": 128_000},
            },
        ],
        "signed": {
            "recipients": 20_000,
            "messages_per_s": 1_200.0,
            "smtplib_messages_per_s": 3_000.0,
            "peak_rss_kb": {"main 30": 102_400, "pool 31": 122_880},
        },
    },
    "bounces": {
        "message_from_bytes_per_s": 9_000.0,
        "receiver": [{"database": "postgresql", "processes": 2, "messages_per_s": 1_800.0}],
    },
    "unsubscribe": {
        "databases": [
            {
                "database": "postgresql",
                "offered": 500.0,
                "requests_per_s": 495.0,
                "p99_seconds": 0.040,
                "healthz_requests_per_s": 500.0,
                "healthz_p99_seconds": 0.005,
                "problems": [],
            }
        ]
    },
    "deliveries": {
        "database": "postgresql",
        "orm_rows_per_s": 4_000.0,
        "set_based_rows_per_s": 40_000.0,
    },
}


def test_each_figure_stands_beside_its_baseline_and_ratio() -> None:
    figures = {figure.name: figure for figure in assemble(SUMMARIES)}

    assert figures["import, 10,000 rows, postgresql"] == Figure(
        "import, 10,000 rows, postgresql",
        "4,000 rows/s",
        "400,000 rows/s bare load",
        "0.010x",
    )
    assert figures["render cost per recipient (fill-in)"].ratio == "800x cheaper"
    send = figures["send end to end, 20,000 recipients"]
    assert (send.measured, send.baseline, send.ratio) == (
        "1,500 msg/s",
        "3,000 msg/s bare smtplib",
        "0.50x",
    )
    signed = figures["send end to end, 20,000 recipients, every message DKIM-signed"]
    assert (signed.measured, signed.baseline, signed.ratio) == (
        "1,200 msg/s",
        "3,000 msg/s bare smtplib, unsigned",
        "0.40x",
    )
    assert figures["bounce intake, postgresql (2 intake process(es))"].ratio == "0.20x"
    assert figures["unsubscribe rate, postgresql (500/s offered)"].measured == "495 req/s"
    assert figures["unsubscribe p99, postgresql (500/s offered)"].baseline == "5.0 ms /healthz"
    assert figures["deliveries created, postgresql"].ratio == "10.0x"


def test_rows_follow_the_order_of_the_figures_asked_for() -> None:
    names = [figure.name for figure in assemble(SUMMARIES)]

    assert [name.split(",")[0] for name in names] == [
        "import",
        "import",
        "render cost per recipient (fill-in)",
        "send end to end",
        "send end to end",
        "worker peak RSS",
        "worker peak RSS",
        "bounce intake",
        "unsubscribe rate",
        "unsubscribe p99",
        "deliveries created",
    ]


def test_worker_memory_at_the_larger_list_is_compared_with_the_smaller() -> None:
    figures = {figure.name: figure for figure in assemble(SUMMARIES)}

    assert figures["worker peak RSS, 20,000 recipients"] == Figure(
        "worker peak RSS, 20,000 recipients", "120 MB"
    )
    larger = figures["worker peak RSS, 100,000 recipients"]
    assert (larger.measured, larger.baseline, larger.ratio) == (
        "125 MB",
        "120 MB at 20,000",
        "1.04x",
    )


def test_a_benchmark_that_wrote_no_summary_shows_as_failed() -> None:
    figures = assemble({"rendering": None, "deliveries": SUMMARIES["deliveries"]})

    assert figures[0] == Figure("rendering.py", "FAILED")
    assert figures[1].name == "deliveries created, postgresql"


def test_markdown_puts_the_machine_above_the_table_and_the_legend_below() -> None:
    figures = assemble({"deliveries": SUMMARIES["deliveries"]})

    assert markdown(["CPU: Example, 2 cores", "Python 3.11.7"], figures).splitlines() == [
        "- CPU: Example, 2 cores",
        "- Python 3.11.7",
        "",
        "| figure | measured | baseline (same run) | ratio |",
        "| --- | ---: | ---: | ---: |",
        "| deliveries created, postgresql | 40,000 rows/s | 4,000 rows/s ORM objects | 10.0x |",
        "",
        LEGEND,
    ]


def test_a_summary_is_read_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"

    write_summary(path, SUMMARIES["sending"])

    assert read_summary(path) == SUMMARIES["sending"]


CORPUS_SUMMARY = {
    "messages": 397,
    "rows": 419,
    "wrongly_hard_pct": 2.86,
    "missed_hard_pct": 2.61,
    "unknown_pct": 4.53,
    "reason_agrees_pct": 83.05,
    "address_found_pct": 97.13,
    "crashes": 0,
    "messages_per_s": 1_500,
    "mime_only_messages_per_s": 4_000,
}


def test_bounce_corpus_figures_stand_beside_reading_the_mime_alone() -> None:
    figures = assemble({"bounce_corpus": CORPUS_SUMMARY})

    assert figures[0] == Figure(
        "bounce corpus: parse + classify (397 messages)",
        "1,500 msg/s",
        "4,000 msg/s message_from_bytes",
        "0.38x",
    )
    assert [figure.measured for figure in figures[1:]] == [
        "2.86 %",
        "2.61 %",
        "4.53 %",
        "83.05 %",
        "97.13 %",
        "0",
    ]


def test_a_missing_bounce_corpus_says_so_in_the_table() -> None:
    figures = assemble({"bounce_corpus": {"skipped": "no corpus at /x"}})

    assert figures == [Figure("bounce corpus", "no corpus at /x")]


ADMIN_PAGES_SUMMARY = {
    "databases": [
        {
            "database": "postgresql",
            "contacts": 100_000,
            "sendouts": 200,
            "pages": {
                "healthz": {"p50_seconds": 0.002, "p95_seconds": 0.004},
                "dashboard, 30 days": {"p50_seconds": 0.05, "p95_seconds": 0.08},
            },
        }
    ]
}


def test_each_admin_page_stands_beside_the_healthz_baseline() -> None:
    figures = assemble({"admin_pages": ADMIN_PAGES_SUMMARY})

    assert figures == [
        Figure(
            "dashboard, 30 days p95, postgresql (100,000 contacts, 200 send-outs)",
            "80.0 ms",
            "4.0 ms /healthz",
            "20.0x",
        )
    ]


def test_each_cli_command_stands_beside_importing_sqlalchemy() -> None:
    summary = {
        "runs": 3,
        "target_seconds": 0.5,
        "baselines": {"python -c pass": 0.02, "import sqlalchemy": 0.2},
        "commands": {"distributor --help": 0.1, "distributor lists list": 0.4},
    }

    assert assemble({"cli_startup": summary}) == [
        Figure("CLI CPU, distributor --help", "0.10 s", "0.20 s import sqlalchemy", "0.50x"),
        Figure("CLI CPU, distributor lists list", "0.40 s", "0.20 s import sqlalchemy", "2.00x"),
    ]
