"""The benchmark script runs end to end (tiny sizes: it is checked, not timed, here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from onconav.kb import load_kb

ROOT = Path(__file__).resolve().parents[1]
BENCH = str(ROOT / "benchmarks" / "bench.py")


def test_benchmark_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, BENCH, "--profiles", "5", "--people", "5", "--runs", "1",
         "--write", str(report)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert text in done.stdout
    headings = ["# Benchmarks", "## Targets", "## 1. Evaluation per profile",
                "## 2. Serialisation of a result",
                "## 3. Many people: one SQL query beside the Python loop",
                "## 4. Knowledge-base load", "## 5. The `onconav options` command"]  # fmt: skip
    for heading in headings:
        assert heading in text
    assert "(person, option, status) rows: **agreed**" in text
    assert "benchmarks/bench.py --profiles 5 --people 5 --runs 1" in text
    # the version the run measured, said to be that (docs/benchmarks.md keeps a run's figures
    # while the knowledge base moves on)
    assert f"- the knowledge base at the time of the run: version {load_kb().version}, " in text
    for row in ("baseline: the fixed reference workload", "result.model_dump_json()",
                "baseline: Python, evaluate(profile, kb) per person", "load_kb(), from kb.json",
                "baseline: python -c pass"):  # fmt: skip
        assert row in text


@pytest.mark.parametrize(("flag", "value"), [("--profiles", "0"), ("--people", "-3"),
                                             ("--runs", "many")])  # fmt: skip
def test_benchmark_rejects_bad_sizes(flag: str, value: str) -> None:
    done = subprocess.run(
        [sys.executable, BENCH, flag, value], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 2
    assert flag in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_api_benchmark_appends_its_report(tmp_path: Path) -> None:
    """benchmarks/api.py starts the server on loopback, loads it briefly and appends its table."""
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "api.py"), "--requests", "40", "--seconds",
         "1", "--rounds", "1", "--append", str(report)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "## 6. The HTTP API under load" in text
    for row in ("`POST /api/v1/options`, the examples in turn, requests/s",
                "baseline: `GET /healthz`", "the server's CPU per request",
                "at 200 requests/s: p50, p99", "read + evaluate + serialise"):  # fmt: skip
        assert row in text


def test_the_page_benchmark_appends_its_report(tmp_path: Path) -> None:
    """benchmarks/page.py: the answer page over HTTP and in process, the PDF report over HTTP,
    in process (split into HTML, layout and drawing) and from the command; one run each of the
    smallest report here (a check that it works, not a measurement)."""
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "page.py"), "--requests", "5", "--runs", "1",
         "--profile", str(ROOT / "examples" / "thyroid-advanced.json"), "--append", str(report)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "## 7. The answer page and the printable report" in text
    assert "its times are not a measurement" in text
    for row in ("the answer page `GET /options?...`, p50 at most 30.0 ms",
                "`GET /report.pdf?...`, at most 1.5 s", "`onconav report --profile F",
                "the same through the app in this process", "`report.pdf()` in this process",
                "WeasyPrint's layout", "one-page document", "`--format html` (no WeasyPrint)",
                'python -c "import weasyprint"'):  # fmt: skip
        assert row in text


def test_the_search_benchmark_appends_its_report(tmp_path: Path, sources: Path) -> None:
    """benchmarks/search.py: recall@3 and MRR of onconav's search and of plain BM25 in the same
    run, a query in process, the command end to end (one run each here: checked, not timed)."""
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "search.py"), "--runs", "1", "--commands",
         "1", "--sources", str(sources), "--append", str(report)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "## Search in people's own words (benchmarks/search.py)" in text
    for row in ("| **onconav search** (synonyms from the knowledge base, boost) |",
                "| baseline: plain BM25, same documents |", "a query, onconav search",
                "baseline: `onconav explain Lonsurf --sources DIR`",
                "| recall@3 at least 0.95 |"):  # fmt: skip
        assert row in text
    bad = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "search.py"), "--runs", "0"],
                         capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert bad.returncode == 2 and "--runs" in bad.stderr


def test_the_cohort_benchmark_appends_its_report(tmp_path: Path) -> None:
    """benchmarks/cohort.py runs the three engines, the memory run, the steps of a run, each part
    of the plan alone and a run of one person, and appends its tables (Spark in local mode)."""
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cohort.py"), "--people", "300",
         "--python-people", "30", "--spark-people", "30", "--memory-people", "600", "--append",
         str(report)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    assert "## Population screening (onconav cohort, benchmarks/cohort.py)" in text
    for row in ("| duckdb | 300 |", "| spark | 30 |", "| python | 30 |", "| duckdb | 600 |",
                "ratio duckdb / python", "deciding every row, nothing written",
                "reading, deciding and the cheapest writing, together",
                "a run of one person in a fresh"):  # fmt: skip
        assert row in text
