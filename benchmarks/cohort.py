"""Population screening: the duckdb engine beside the python engine on the same generated
population in the same run (issue 13), each `onconav cohort` run in a fresh process timed from
Parquet in to Parquet out, with its peak RSS.

    .venv/bin/python benchmarks/cohort.py [--people N] [--python-people M]

The python engine runs on the first M people (it is the slow reference); its rate is per person
as the duckdb engine's is. Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from onconav.cohort import demo
from onconav.kb import load_kb

TARGET_RATE, TARGET_RATIO = 300_000, 20
BIN = Path(sys.executable).parent / "onconav"


def timed(args: list[str]) -> tuple[float, int]:
    """Seconds and the peak RSS (MB) of one command in a fresh process (the largest of the
    children's so far: the first command's own, an upper bound for the next)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([str(BIN), *args], check=True, capture_output=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--python-people", type=int, default=5_000)
    args = parser.parse_args()
    kb = load_kb()
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "people.parquet", Path(folder) / "few.parquet"
        rows = demo.people(kb, args.people)
        demo.write(rows, str(big), "parquet")
        demo.write(rows[: args.python_people], str(small), "parquet")
        del rows
        fast, fast_rss = timed(["cohort", str(big), "--quiet", "--out", f"{folder}/d.parquet"])
        slow, slow_rss = timed(["cohort", str(small), "--quiet", "--engine", "python",
                                "--out", f"{folder}/p.parquet"])  # fmt: skip
    fast_rate, slow_rate = args.people / fast, args.python_people / slow
    ratio = fast_rate / slow_rate
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"""## Population screening (onconav cohort)

`.venv/bin/python benchmarks/cohort.py --people {args.people} --python-people \
{args.python_people}`; {platform.machine()}, {os.cpu_count()} cores, Python \
{platform.python_version()}, {when}, load average {os.getloadavg()[0]:.1f}. Each engine is one
`onconav cohort` command in a fresh process (start-up, loading the knowledge base, reading the
values and planning the query included), Parquet in to Parquet out, every option of the knowledge
base.

| engine | people | seconds | people/s | peak RSS | target |
|---|---|---|---|---|---|
| duckdb | {args.people:,} | {fast:.2f} | {fast_rate:,.0f} | {fast_rss} MB | >= {TARGET_RATE:,}/s: \
{"met" if fast_rate >= TARGET_RATE else "not met"} |
| python (the reference) | {args.python_people:,} | {slow:.2f} | {slow_rate:,.0f} \
| <= {slow_rss} MB | |
| ratio | | | {ratio:.0f}x | | >= {TARGET_RATIO}x: \
{"met" if ratio >= TARGET_RATIO else "not met"} |
""")


if __name__ == "__main__":
    main()
