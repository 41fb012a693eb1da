"""The benchmark script runs end to end (tiny sizes: it is checked, not timed, here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [
            sys.executable, str(ROOT / "benchmarks" / "engine.py"),
            "--profiles", "60", "--baseline-profiles", "3", "--runs", "1", "--repeats", "1",
            "--write", str(report),
        ],
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ), timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    text = report.read_text(encoding="utf-8")
    for heading in ("## Targets", "## 1. Evaluation", "## 2. Knowledge-base load",
                    "## 3. The `onconav options` command", "## Where the time goes"):  # fmt: skip
        assert heading in text
    assert "evaluation: at most 100 µs per profile" in text
    assert "baseline: evaluate(profile, kb) with no derived index kept" in text
    assert "ONCONAV_NO_CACHE=1" in text and "onconav.cli.main" in text
    assert "options not kept for their values" in text


def test_benchmark_rejects_bad_sizes() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "engine.py"), "--repeats", "0"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2 and "--repeats" in done.stderr
