"""Search in people's own words: how well it finds the answers, and how fast, beside plain BM25.

    .venv/bin/python benchmarks/search.py [--sources DIR] [--runs R] [--commands C] [--append PATH]

1. recall@3 and MRR on tests/search/questions.yaml for onconav's search and for plain BM25 over
   the same documents (no synonyms, no boost), in the same run; the same on the held-out set
   tests/search/heldout.yaml (written after the search was built);
2. one query in process (each question R times, each timed alone), both systems; building the
   index;
3. `onconav search` end to end (C runs), beside `onconav explain` and `python -c pass`.

Targets (issue 14): recall@3 at least 0.95 and 10 points above plain BM25; a query's p50 at most
5 ms in process; `onconav search` at most 0.4 s end to end.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

from bench import Parser, fmt, machine, p99, positive, processes
from loopback import publish

from onconav import load_kb
from onconav.search import Index, build_index
from onconav.search.quality import Question, load_questions, measure

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "search" / "questions.yaml"
HELD_OUT = ROOT / "tests" / "search" / "heldout.yaml"
ONCONAV = str(Path(sys.executable).with_name("onconav"))
TARGET_RECALL, TARGET_GAIN, TARGET_QUERY, TARGET_COMMAND = 0.95, 0.10, 5e-3, 0.4
QUERY = "can they put chemo straight into the liver"


def query_times(index: Index, questions: list[Question], runs: int) -> list[float]:
    for question in questions:  # warm-up
        index.search(question.q)
    out = []
    for _ in range(runs):
        for question in questions:
            started = time.perf_counter()
            index.search(question.q)
            out.append(time.perf_counter() - started)
    return out


def report(sources: Path, runs: int, commands: int, command: str) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    kb = load_kb()
    questions = load_questions(QUESTIONS)
    ours = build_index(kb, sources)
    plain = build_index(kb, sources, synonyms=False, boost=False)
    quality = measure(ours, questions)
    baseline = measure(plain, questions)
    held = load_questions(HELD_OUT)
    held_ours, held_plain = measure(ours, held), measure(plain, held)
    h = held_ours.questions
    builds = []
    for _ in range(max(3, runs)):
        started = time.perf_counter()
        build_index(kb, sources)
        builds.append(time.perf_counter() - started)
    our_times = query_times(ours, questions, runs)
    plain_times = query_times(plain, questions, runs)
    ends = processes({
        "search": [ONCONAV, "search", QUERY, "--sources", str(sources)],
        "explain": [ONCONAV, "explain", "Lonsurf", "--sources", str(sources)],
        "pass": [sys.executable, "-c", "pass"],
    }, commands)  # fmt: skip
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    gain = quality.recall_at_3 - baseline.recall_at_3

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    def line(name: str, samples: list[float], bold: bool = False) -> str:
        b = "**" if bold else ""
        return (f"| {b}{name}{b} | {len(samples)} | {b}{fmt(statistics.median(samples))}{b} | "
                f"{fmt(p99(samples))} |")  # fmt: skip

    n = quality.questions
    missed = "; ".join(f"“{q}”" for q in quality.missed) or "none"
    return "\n".join([
        "## Search in people's own words (benchmarks/search.py)",
        "",
        f"`{command}`, {now}, {machine()}, Python {sys.version.split()[0]}; load average at "
        f"the start: {load} (1, 5, 15 min; other work on the machine skews the times).",
        "",
        f"The {n} questions of `tests/search/questions.yaml` (people's words, each with the "
        "passages or entries that answer it; see docs/search.md), asked of onconav's search and "
        "of plain BM25 over the same documents and stemming without the synonyms and the boost, "
        f"in the same run. Each query timed alone, {runs} times each question, after a warm-up; "
        f"the command {commands} times in turn with its baselines, after one untimed run each; "
        "p99 by nearest rank.",
        "",
        "| target | measured | verdict |",
        "|---|---:|---|",
        f"| recall@3 at least {TARGET_RECALL:.2f} | {quality.recall_at_3:.3f} "
        f"| {verdict(quality.recall_at_3 >= TARGET_RECALL)} |",
        f"| recall@3 at least {TARGET_GAIN * 100:.0f} points above plain BM25 | "
        f"{gain * 100:+.1f} points | {verdict(gain >= TARGET_GAIN - 1e-9)} |",
        f"| a query in process, p50 at most {fmt(TARGET_QUERY)} | "
        f"{fmt(statistics.median(our_times))} "
        f"| {verdict(statistics.median(our_times) <= TARGET_QUERY)} |",
        f"| `onconav search` end to end, median at most {TARGET_COMMAND} s | "
        f"{fmt(statistics.median(ends['search']))} "
        f"| {verdict(statistics.median(ends['search']) <= TARGET_COMMAND)} |",
        "",
        "| system | recall@3 | MRR |",
        "|---|---:|---:|",
        f"| **onconav search** (synonyms from the knowledge base, boost) | "
        f"**{quality.recall_at_3:.3f}** ({round(quality.recall_at_3 * n)} of {n}) | "
        f"**{quality.mrr:.3f}** |",
        f"| baseline: plain BM25, same documents | {baseline.recall_at_3:.3f} "
        f"({round(baseline.recall_at_3 * n)} of {n}) | {baseline.mrr:.3f} |",
        f"| held-out set (`tests/search/heldout.yaml`, written after the search): onconav "
        f"search | {held_ours.recall_at_3:.3f} ({round(held_ours.recall_at_3 * h)} of {h}) | "
        f"{held_ours.mrr:.3f} |",
        f"| held-out set: plain BM25 | {held_plain.recall_at_3:.3f} "
        f"({round(held_plain.recall_at_3 * h)} of {h}) | {held_plain.mrr:.3f} |",
        "",
        f"Missed by onconav search (no answer in the first three): {missed}.",
        "",
        "| measurement | n | median | p99 |",
        "|---|---:|---:|---:|",
        line("a query, onconav search (index.search)", our_times, bold=True),
        line("baseline: a query, plain BM25", plain_times),
        line("building the index with the sources (build_index)", builds),
        line(f"`onconav search \"{QUERY}\" --sources DIR`", ends["search"], bold=True),
        line("baseline: `onconav explain Lonsurf --sources DIR`", ends["explain"]),
        line("baseline: `python -c pass`", ends["pass"]),
        "",
    ])  # fmt: skip


def main() -> None:
    parser = Parser(prog="search.py", description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources",
                        help="the source documents (../shared/sources)")  # fmt: skip
    parser.add_argument("--runs", type=positive, default=20, help="times each question (20)")
    parser.add_argument("--commands", type=positive, default=20, help="command runs (20)")
    parser.add_argument("--append", type=Path, help="append the section to this Markdown file")
    args = parser.parse_args()
    if not args.sources.is_dir():
        parser.error(f"--sources: {args.sources} is not a directory")
    command = ".venv/bin/python benchmarks/search.py " + " ".join(sys.argv[1:])
    text = report(args.sources, args.runs, args.commands, command.strip())
    publish(text, args.append)


if __name__ == "__main__":
    main()
