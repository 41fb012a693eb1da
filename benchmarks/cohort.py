"""Population screening: the duckdb, spark and python engines on the same generated population in
the same run (issue 13), each `onconav cohort` run in a fresh process timed from Parquet in to
Parquet out, with its own peak RSS; then the duckdb engine on a population of millions (the
memory ceiling).

    .venv/bin/python benchmarks/cohort.py [--people N] [--python-people M] [--spark-people S]
        [--memory-people K] [--append docs/benchmarks.md]

The python engine runs on the first M people, and spark on the first S (both slower); each rate
is per person. The population of K people repeats the N people under new patient ids (DuckDB
writes it; a generator of millions of Python rows would measure the generator). Then, in this
process, where a duckdb run of the N people spends its time (each step of ``cohort.run`` as its
progress reports it), what each part of the plan costs alone (reading, deciding, writing the
result's rows from a table already made), and what a run of one person costs (what every run
pays, whatever its size).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

import duckdb
from loopback import publish

from onconav.cohort import demo, run
from onconav.cohort.engines import run_duckdb
from onconav.cohort.table import connect, load
from onconav.kb import KnowledgeBase, load_kb

TARGET_RATE, TARGET_RATIO = 300_000, 20
BIN = Path(sys.executable).parent / "onconav"


# Starts the command from a small process and says its seconds and peak RSS (KB). Linux counts a
# child's peak from the memory of the process it was forked from: forked from this one, which
# holds the generated population, every command's peak was at least this process's (all three
# engines showed the same 472 MB); forked from this small launcher, it is the command's own.
LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def timed(args: list[str]) -> tuple[float, int]:
    """Seconds and the peak RSS (MB) of one command in a fresh process (its own, from wait4 in a
    small launcher: ``LAUNCHER``)."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(BIN), *args],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"onconav {' '.join(args)} failed: {done.stderr}")
    seconds, rss = done.stdout.split()
    return float(seconds), int(rss) // 1024


def repeated(source: Path, target: Path, people: int) -> None:
    """``people`` rows: the rows of ``source`` again and again, each time under new ids."""
    con = duckdb.connect()
    (n,) = con.execute(f"SELECT count(*) FROM read_parquet('{source}')").fetchone() or (1,)
    times = -(-people // int(n))
    con.execute(
        f"COPY (SELECT p.* REPLACE (p.patient_id || '-' || t.k AS patient_id) FROM "
        f"read_parquet('{source}') p, range({times}) t(k) LIMIT {people}) TO '{target}' "
        "(FORMAT parquet)"
    )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--python-people", type=int, default=5_000)
    parser.add_argument("--spark-people", type=int, default=200_000)
    parser.add_argument("--memory-people", type=int, default=5_000_000)
    parser.add_argument("--append", type=Path, help="append the report (Markdown) to this file")
    args = parser.parse_args()
    kb = load_kb()
    runs: list[tuple[str, int, float, int]] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        rows = demo.people(kb, args.people)
        for engine, n in (("duckdb", args.people), ("spark", args.spark_people),
                          ("python", args.python_people)):  # fmt: skip
            source = folder / f"{engine}-people.parquet"
            demo.write(rows[:n], str(source), "parquet")
            extra = ["--engine", engine]
            seconds, rss = timed(["cohort", str(source), "--quiet", *extra,
                                  "--out", str(folder / f"{engine}.parquet")])  # fmt: skip
            runs.append((engine, n, seconds, rss))
        one = folder / "one-person.parquet"
        demo.write(rows[:1], str(one), "parquet")
        fixed = min(timed(["cohort", str(one), "--quiet", "--force", "--out",
                           str(folder / "one.parquet")])[0] for _ in range(3))  # fmt: skip
        del rows
        big = folder / "millions.parquet"
        repeated(folder / "duckdb-people.parquet", big, args.memory_people)
        seconds, rss = timed(["cohort", str(big), "--quiet", "--out", str(folder / "m.parquet")])
        runs.append(("duckdb", args.memory_people, seconds, rss))
        big.unlink()
        steps = phases(folder / "duckdb-people.parquet", folder / "phases.parquet")
        floor = floors(kb, folder / "duckdb-people.parquet", folder / "phases.parquet",
                       folder / "again.parquet")  # fmt: skip
    report = section(args, runs) + breakdown(args.people, steps, floor, fixed)
    publish(report, args.append)


STEPS = {
    "reading": "reading the input, and each distinct value by the core's readers",
    "preparing": "the implied facts, and every test of the rules per person (steps 1 to 3)",
    "deciding": "status, reason and missing facts of every row, written to Parquet (step 4)",
    "writing": "the quarantine, and the summary (the result read again)",
}


def phases(source: Path, out: Path) -> list[tuple[str, float]]:
    """Seconds of each step of a duckdb run in this process, as ``run``'s progress tells them."""
    marks: list[tuple[str, float]] = []

    def progress(what: str, done: float, total: float) -> None:
        if not marks or marks[-1][0] != what:
            marks.append((what, time.perf_counter()))

    run(load_kb(), source, out, progress=progress)
    marks.append(("", time.perf_counter()))
    return [(what, end - start) for (what, start), (_, end) in pairwise(marks)]


def floors(kb: KnowledgeBase, source: Path, result: Path, again: Path) -> dict[str, float]:
    """Seconds (best of 3) of what any run of this plan must do, each alone: read the input
    file (every value, into a table); decide every row (status, reason, missing facts: the
    result query counted, nothing written); write the result's rows to Parquet from a table
    already made, as text, and with each column of few values typed as a DuckDB ENUM (the
    cheapest way to write the same values: Parquet readers see the same text)."""
    con = connect()
    found = {"rows": 0.0}

    def best(what: str, query: str) -> None:
        took = []
        for _ in range(3):
            start = time.perf_counter()
            con.execute(query).fetchall()
            took.append(time.perf_counter() - start)
        found[what] = min(took)

    best("read", f"CREATE OR REPLACE TEMP TABLE every_value AS SELECT * FROM "
                 f"read_parquet('{source}')")  # fmt: skip
    con.execute("DROP TABLE every_value")
    load(con, source, "parquet", kb)
    query = run_duckdb(con, kb)
    best("decide", "SELECT count(*), sum(len(missing)), count(DISTINCT status), "
         f"count(DISTINCT because) FROM ({query})")  # fmt: skip
    con.execute(f"CREATE TABLE r AS SELECT * FROM read_parquet('{result}')")
    (rows,) = con.execute("SELECT count(*) FROM r").fetchone() or (0,)
    found["rows"] = float(rows)
    best("write", f"COPY r TO '{again}' (FORMAT parquet)")
    for name in ("option_id", "status", "because"):
        con.execute(f"CREATE TYPE {name}_t AS ENUM (SELECT DISTINCT {name} FROM r)")
    con.execute("CREATE TYPE fact_t AS ENUM (SELECT DISTINCT unnest(missing) FROM r)")
    con.execute("CREATE TABLE e AS SELECT patient_id, option_id::option_id_t AS option_id, "
                "status::status_t AS status, because::because_t AS because, "
                "missing::fact_t[] AS missing FROM r")  # fmt: skip
    best("write typed", f"COPY e TO '{again}' (FORMAT parquet)")
    con.close()
    return found


def breakdown(people: int, steps: list[tuple[str, float]], floor: dict[str, float],
              fixed: float) -> str:  # fmt: skip
    total = sum(seconds for _, seconds in steps)
    lines = [f"| {STEPS.get(what, what)} | {seconds:.2f} | {100 * seconds / total:.0f}% |"
             for what, seconds in steps]  # fmt: skip
    least = floor["read"] + floor["decide"] + floor["write typed"]
    return f"""
Where the time of a duckdb run of the {people:,} people goes, in this process (Python started
and the knowledge base loaded before), each step as the run's progress reports it:

| step | seconds | share |
|---|---|---|
{chr(10).join(lines)}
| in all | {total:.2f} | {people / total:,.0f} people/s |

What any run of this plan must do, each alone (best of 3), and the rate each would allow if
everything else took no time (steps 1 to 3 and reading each distinct value left out):

| alone | seconds | people/s at most |
|---|---|---|
| reading the input file, every value into a table | {floor["read"]:.2f} \
| {people / floor["read"]:,.0f} |
| deciding every row, nothing written (the result query counted) | {floor["decide"]:.2f} \
| {people / floor["decide"]:,.0f} |
| writing the {int(floor["rows"]):,} result rows ({floor["rows"] / people:.1f} per person) from a \
table already made, as text | {floor["write"]:.2f} | {people / floor["write"]:,.0f} |
| the same, its columns of few values typed as ENUMs (the cheapest way found) | \
{floor["write typed"]:.2f} | {people / floor["write typed"]:,.0f} |
| reading, deciding and the cheapest writing, together | {least:.2f} | {people / least:,.0f} |

What every command pays whatever the population, measured as a run of one person in a fresh
process (best of 3: Python, the knowledge base, DuckDB's planning of every option's query, the
files written): {fixed:.2f} s. At {people:,} people a run cannot go faster than
{people / fixed:,.0f} people/s even if each person took no time; {TARGET_RATE:,}/s needs the whole
run done in {people / TARGET_RATE:.2f} s.
"""


def section(args: argparse.Namespace, runs: list[tuple[str, int, float, int]]) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rate = {engine: n / seconds for engine, n, seconds, _ in runs[:3]}
    ratio = rate["duckdb"] / rate["python"]
    lines = []
    for engine, n, seconds, rss in runs:
        verdict = ""
        if engine == "duckdb":
            verdict = f">= {TARGET_RATE:,}/s: {'met' if n / seconds >= TARGET_RATE else 'not met'}"
        lines.append(f"| {engine} | {n:,} | {seconds:.2f} | {n / seconds:,.0f} | {rss:,} MB "
                     f"| {verdict} |")  # fmt: skip
    return f"""## Population screening (onconav cohort, benchmarks/cohort.py)

`.venv/bin/python benchmarks/cohort.py --people {args.people} --spark-people {args.spark_people} \
--python-people {args.python_people} --memory-people {args.memory_people}`; \
{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {when}, load \
average {os.getloadavg()[0]:.1f} at the end. Each engine is one `onconav cohort` command in a
fresh process (start-up, loading the knowledge base, reading the values, planning the query, and
for spark starting Spark in local mode, all included), Parquet in to Parquet out, every option of
the knowledge base; the peak RSS is the command's own (for spark, the Python process; Spark's JVM
is its child and not counted). The last row is the memory run: the duckdb engine on millions of
people (the first population repeated under new ids).

| engine | people | seconds | people/s | peak RSS | target |
|---|---|---|---|---|---|
{chr(10).join(lines)}
| ratio duckdb / python | | | {ratio:.0f}x | | >= {TARGET_RATIO}x: \
{"met" if ratio >= TARGET_RATIO else "not met"} |
"""


if __name__ == "__main__":
    main()
