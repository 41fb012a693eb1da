"""How fast onconav is, each figure beside a baseline measured in the same run.

    .venv/bin/python benchmarks/bench.py [--profiles N] [--people M] [--runs R] [--write PATH]

1. evaluate() per profile (N random ones) beside a fixed pure-Python workload (machine speed);
2. result.model_dump_json() beside it; 3. one SQL query (DuckDB) for M people beside the Python
loop, which must agree; 4. load_kb() (kb.json) beside a load from the YAML, in fresh processes;
5. `onconav options ...` end to end beside `python -c pass` and `import onconav.cli`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from onconav import ProfileError, evaluate, load_kb, parse_profile
from onconav.kb import KnowledgeBase
from onconav.kb.load import ARTEFACT, data_dir, read_artefact, yaml_digest, yaml_files
from onconav.logic import column, decide, in_scope
from onconav.profile import Profile, facts_of, facts_table, table_row
from onconav.sql import statuses_sql

SEED = 20261123
CANCERS = ("stomach", "rectum", "cervix", "breast", "lung", "colon")
UNKNOWN = 0.3  # chance that a fact is left out (unknown)
MARKERS = ("her2", "kras")  # facts given under "biomarkers"
TARGET_MEDIAN, TARGET_P99, TARGET_COMMAND = 2e-3, 10e-3, 0.3  # seconds
COMMAND = ["options", "--cancer", "rectum", "--stage", "4", "--kras", "wild-type"]
TIMED = (
    "import time, onconav.kb.load as m\nt = time.perf_counter()\n{}\nprint(time.perf_counter()-t)"
)
LOAD_JSON = TIMED.format("m.load_kb()")
LOAD_YAML = TIMED.format("m.parse(m.yaml_files(m.data_dir()))")
HEAD = "| measurement | n | median | p99 |\n|---|---:|---:|---:|"
Statuses = set[tuple[str, str, str]]


def random_profile(kb: KnowledgeBase, rng: random.Random) -> dict[str, Any]:
    """A random cancer; every other fact unknown with probability UNKNOWN, else a random accepted
    value (for a list, a random subset of at most 3 of its accepted values)."""
    data: dict[str, Any] = {"cancer": rng.choice(CANCERS), "biomarkers": {}}
    for fact in kb.facts.values():
        if fact.id == "cancer" or rng.random() < UNKNOWN:
            continue
        known = sorted(kb.vocabulary.known(fact.id))
        if fact.type.value == "bool":
            value: Any = rng.choice([True, False])
        elif fact.type.value == "set":
            value = rng.sample(known, rng.randint(0, min(3, len(known))))
        else:
            value = rng.choice([v.id for v in fact.values] or known)
        (data["biomarkers"] if fact.id in MARKERS else data)[fact.id] = value
    return data


def random_profiles(kb: KnowledgeBase, count: int, seed: int) -> tuple[list[dict[str, Any]], int]:
    """``count`` valid profiles (before parsing), and how many draws were refused."""
    rng, refused = random.Random(seed), 0
    out: list[dict[str, Any]] = []
    while len(out) < count:
        data = random_profile(kb, rng)
        try:
            facts_of(parse_profile(data, kb), kb)
            out.append(data)
        except ProfileError:
            refused += 1
            if refused > count:  # the generator is broken: say why
                raise
    return out, refused


def reference() -> int:
    """A fixed pure-Python workload: the same work in every run, so its time is the machine's."""
    words = [str(i * 7919 % 10007) for i in range(3000)]
    return len(sorted(set(words))) + sum(len(w) for w in words)


def clock(call: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter_ns()
    out = call(*args, **kwargs)
    return (time.perf_counter_ns() - start) / 1e9, out


def p99(samples: list[float]) -> float:
    return sorted(samples)[math.ceil(0.99 * len(samples)) - 1]  # nearest rank


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:,.1f} µs"
    return f"{seconds * 1e3:,.2f} ms" if seconds < 1 else f"{seconds:,.3f} s"


def row(name: str, samples: list[float], bold: bool = False) -> str:
    b, median = "**" if bold else "", fmt(statistics.median(samples))
    return f"| {b}{name}{b} | {len(samples)} | {b}{median}{b} | {fmt(p99(samples))} |"


def statuses_evaluate(kb: KnowledgeBase, people: list[Profile]) -> Statuses:
    return {
        (f"p{i}", option.id, option.status.value)
        for i, profile in enumerate(people)
        for option in evaluate(profile, kb).options
    }


def statuses_decide(kb: KnowledgeBase, people: list[Profile]) -> Statuses:
    out = set()
    for i, profile in enumerate(people):
        facts = facts_of(profile, kb)
        for rules in kb.rules.values():
            if in_scope(rules.scope, facts.site, facts.row):
                out.add((f"p{i}", rules.option,
                         decide(rules.at(facts.site), facts.row)[0].value))
    return out


def facts_db(kb: KnowledgeBase, people: list[Profile]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the table ``facts``, one row per person (inserted by column)."""
    columns = facts_table(kb)
    rows = [table_row(f"p{i}", facts_of(p, kb)) for i, p in enumerate(people)]
    db = duckdb.connect()
    db.execute(f"CREATE TABLE facts ({', '.join(f'{column(c)} {t}' for c, t, _ in columns)})")
    unnest = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
    db.execute(f"INSERT INTO facts SELECT {unnest}", [[r[c] for r in rows] for c, _, _ in columns])
    return db


def processes(commands: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Each command's wall time (or the time it prints, for a load), round-robin after one
    untimed run each; a command that fails stops the benchmark."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for turn in range(runs + 1):
        for name, argv in commands.items():
            took, done = clock(subprocess.run, argv, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
            if turn:
                times[name].append(float(done.stdout) if name.startswith("load") else took)
    return times


def machine() -> str:
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [x.split(":", 1)[1].strip() for x in info.splitlines() if x.startswith("model name")]
    cpu = models[0] if models else platform.processor() or "unknown"
    return f"{platform.platform()}, {os.cpu_count()} CPUs, processor: {cpu}"


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return int(text)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit status 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def main() -> None:
    parser = Parser(prog="bench.py", description="How fast onconav is, beside baselines.")
    parser.add_argument("--profiles", type=positive, default=2000, help="random profiles (2000)")
    parser.add_argument("--people", type=positive, default=2000, help="people for SQL (2000)")
    parser.add_argument("--runs", type=positive, default=30, help="runs of each process (30)")
    parser.add_argument("--write", type=Path, help="also write the report (Markdown) here")
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    kb = load_kb()
    from_json = read_artefact(data_dir() / ARTEFACT, yaml_digest(yaml_files(data_dir())))

    # 1 and 2: one profile at a time, each evaluation followed by the reference workload.
    drawn, refused = random_profiles(kb, args.profiles, SEED)
    for data in drawn[:50]:  # warm-up, untimed
        evaluate(parse_profile(data, kb), kb).model_dump_json()
        reference()
    parse_t, eval_t, json_t, ref_t = [], [], [], []
    for data in drawn:
        took, profile = clock(parse_profile, data, kb)
        parse_t.append(took)
        took, result = clock(evaluate, profile, kb)
        eval_t.append(took)
        json_t.append(clock(result.model_dump_json)[0])
        ref_t.append(clock(reference)[0])

    # 3: many people at once; the three ways must give the same statuses.
    people = [parse_profile(d, kb) for d in random_profiles(kb, args.people, SEED + 1)[0]]
    build_t, db = clock(facts_db, kb, people)
    query = statuses_sql(kb)
    python_t, expected = clock(statuses_evaluate, kb, people)
    decide_t, decided = clock(statuses_decide, kb, people)
    sql = [clock(lambda: set(db.execute(query).fetchall())) for _ in range(3)]
    sql_t, got = [t for t, _ in sql], sql[-1][1]
    if not got == expected == decided:
        sys.exit(f"SQL and Python disagree: {len(got ^ expected)} rows differ between SQL and "
                 f"evaluate(), {len(decided ^ expected)} between decide() and evaluate(); e.g. "
                 f"{sorted(got ^ expected)[:5]}")  # fmt: skip

    # 4 and 5: fresh processes.
    py = sys.executable
    times = processes({
        "load json": [py, "-c", LOAD_JSON], "load yaml": [py, "-c", LOAD_YAML],
        "command": [str(Path(py).parent / "onconav"), *COMMAND],
        "import": [py, "-c", "import onconav.cli"], "pass": [py, "-c", "pass"],
    }, args.runs)  # fmt: skip

    median, m, n, runs = statistics.median, len(people), len(drawn), args.runs
    command = median(times["command"])
    met = {True: "met", False: "**not met**"}
    per = [
        ("**SQL: statuses_sql(kb) over the table, median of 3**",
         median(sql_t)),
        ("SQL, the first of the 3 runs", sql_t[0]),
        ("building the table once: facts_of, table_row, insert", build_t),
        ("baseline: Python, evaluate(profile, kb) per person", python_t),
        ("baseline: Python, statuses only: facts_of, logic.decide per option", decide_t),
    ]
    report = "\n".join([
        "# Benchmarks", "",
        "Generated by `benchmarks/bench.py`; regenerate with `make benchmark`, that is:", "",
        "```sh", ".venv/bin/python -m compileall -q src",
        f".venv/bin/python benchmarks/bench.py --profiles {n} --people {m} --runs {runs} "
        "--write docs/benchmarks.md",
        ".venv/bin/python benchmarks/api.py --append docs/benchmarks.md  # section 6",
        ".venv/bin/python benchmarks/page.py --sources ../shared/sources --append "
        "docs/benchmarks.md  # section 7",
        ".venv/bin/python benchmarks/cds_hooks.py --append docs/benchmarks.md",
        ".venv/bin/python benchmarks/cohort.py --append docs/benchmarks.md",
        ".venv/bin/python benchmarks/search.py --sources ../shared/sources --append "
        "docs/benchmarks.md", "```", "",
        "Each section gives the command that made it (with its sizes), the machine and the "
        "date; other work on this machine (two cores, shared) slows what it measures, so each "
        "figure stands beside a baseline measured in the same run.", "",
        f"- machine: {machine()}",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"duckdb {duckdb.__version__}",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average at the start: "
        f"{load} (1, 5, 15 min; other work on the machine skews the times)",
        f"- the knowledge base at the time of the run: version {kb.version}, "
        f"{len(kb.options)} options; `load_kb()` reads "
        + ("kb.json" if from_json else "**the YAML: kb.json is not current**"), "",
        "## Targets", "", "| target | measured | verdict |", "|---|---:|---|",
        f"| evaluation, median ≤ {fmt(TARGET_MEDIAN)} | {fmt(median(eval_t))} | "
        f"{met[median(eval_t) <= TARGET_MEDIAN]} |",
        f"| evaluation, p99 ≤ {fmt(TARGET_P99)} | {fmt(p99(eval_t))} | "
        f"{met[p99(eval_t) <= TARGET_P99]} |",
        f"| `onconav options`, median ≤ {TARGET_COMMAND} s | {command:.3f} s | "
        f"{met[command <= TARGET_COMMAND]} |", "",
        "## 1. Evaluation per profile", "",
        f"{n} random valid profiles (seed {SEED}; {refused} draws refused): the cancer one of "
        f"{', '.join(CANCERS)}; any other fact unknown with probability {UNKNOWN}, else a random "
        "accepted value (a list: a random subset of at most 3, from `kb.vocabulary`). Each call "
        "timed alone (`perf_counter_ns`, garbage collector on) after a warm-up on 50 profiles; "
        "the engine keeps nothing between calls. The baseline, a fixed pure-Python workload "
        "(3000 strings made, deduplicated, sorted, summed), is timed the same way right after "
        "each evaluation: it shows the machine's speed. p99 by nearest rank.", "",
        HEAD, row("evaluate(profile, kb)", eval_t, bold=True),
        row("baseline: the fixed reference workload", ref_t),
        row("parse_profile(data, kb), before each evaluation", parse_t), "",
        "## 2. Serialisation of a result", "",
        "Each result of section 1, timed right after the evaluation that made it.", "",
        HEAD, row("result.model_dump_json()", json_t, bold=True),
        row("beside it: evaluate(profile, kb)", eval_t), "",
        "## 3. Many people: one SQL query beside the Python loop", "",
        f"{m} other random profiles (seed {SEED + 1}) as rows of an in-memory DuckDB table with "
        "the columns of `facts_table(kb)`. The query gives (person, option, status) for every "
        "person and every option in scope, fetched into Python. The Python loops run once each.",
        "",
        f"SQL, `evaluate()` and `decide()` gave the same {len(expected)} (person, option, status) "
        "rows: **agreed**.", "",
        "| measurement | total | per person |", "|---|---:|---:|",
        *(f"| {name} | {fmt(t)} | {fmt(t / m)} |" for name, t in per), "",
        "## 4. Knowledge-base load", "",
        f"Timed inside fresh processes (`python -c`) after `import onconav.kb.load`, {runs} runs "
        "of each, interleaved after an untimed one. Both pay pydantic's deferred schema build "
        "(as every command does), validate, cross-check and index the same document; `load_kb()`"
        " also hashes the YAML to check kb.json, the YAML path also imports PyYAML. p99 by "
        "nearest rank (under 100 runs, the slowest).", "",
        HEAD, row("load_kb(), from kb.json", times["load json"], bold=True),
        row("baseline: parse(yaml_files(data_dir())), from the YAML", times["load yaml"]), "",
        "## 5. The `onconav options` command, end to end", "",
        f"Wall time in a subprocess (output captured), {runs} runs of each, round-robin after an "
        "untimed one; the installed script beside the interpreter. This machine sets "
        "`PYTHONDONTWRITEBYTECODE`: `make benchmark` compiles onconav's bytecode first.", "",
        HEAD, row(f"onconav {' '.join(COMMAND)}", times["command"], bold=True),
        row('baseline: python -c "import onconav.cli" (start and import)', times["import"]),
        row("baseline: python -c pass (interpreter start)", times["pass"]),
    ]) + "\n"  # fmt: skip
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
