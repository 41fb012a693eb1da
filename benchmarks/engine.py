"""Benchmarks of onconav: evaluation, knowledge-base loading and the ``onconav options`` command.

Usage (from the repository root)::

    .venv/bin/python benchmarks/engine.py [--profiles N] [--runs N] [--write docs/benchmarks.md]

Each measurement is printed beside a baseline measured in the same run:

1. ``evaluate(profile, kb)`` per call over N random valid profiles (fixed seed), in several
   passes from fresh derived indexes, with how many options each profile had to work out (not
   in the memo), and parts of it (resolving names, the compiled conditions).
   Baselines: ``evaluate`` with every derived index dropped before each call; for the parts, the
   same code given a knowledge base whose indexes are not used: every look-up scans ``kb.data``
   and every value test re-derives the value ancestors (see ``UnindexedKnowledgeBase``).
2. ``load_kb()`` from its snapshot beside a load from the YAML files and parsing them only.
3. ``onconav options ...`` end to end in a subprocess beside the same without the snapshot, the
   same without the paused collector, ``python -c pass`` and ``python -c "import onconav.cli"``.

Only the standard library and the project's own dependencies are used.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import json
import math
import os
import platform
import pstats
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from onconav.engine import engine_index, evaluate, in_scope
from onconav.kb.load import (
    KnowledgeBase,
    Record,
    _fact_values,
    data_files,
    load_kb,
    normalise_name,
    record_labels,
    yaml_loader,
)
from onconav.kb.model import KINDS, Fact, KBData
from onconav.logic import Vocabulary
from onconav.logic import evaluate as evaluate_condition
from onconav.profile import Profile, ProfileError, Situation, parse_profile, situation

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261123
TARGET_EVAL_US = 100.0  # median evaluate(profile, kb), microseconds
TARGET_CLI_S = 0.4  # median wall time of the whole `onconav options` command, seconds
CANCERS = ("stomach", "rectum", "cervix", "breast", "lung", "colon", "thyroid")
CLI_ARGS = [
    "options", "--cancer", "rectum", "--stage", "4", "--kras", "wild-type",
    "--symptom", "bleeding", "--format", "json",
]  # fmt: skip
CLI_PROFILE = {
    "cancer": "rectum",
    "stage": "4",
    "biomarkers": {"kras": "wild-type"},
    "symptoms": ["bleeding"],
}
RECORD_KINDS = tuple(kind for kind in KINDS if kind != "facts")
UNKNOWN = 0.35  # chance that a field is left out (unknown)
WARM_UP = 200  # untimed calls of each kind before timing


# --------------------------------------------------------------------------------------------
# Baseline: the same knowledge base with every index replaced by a scan of kb.data
# --------------------------------------------------------------------------------------------


def _records(data: KBData) -> Iterator[tuple[str, Record]]:
    for kind in RECORD_KINDS:
        for record in getattr(data, kind):
            yield kind, record


class _Scan(Mapping[str, Any]):
    """A mapping of record id to something of the record, answered by a linear scan of every
    record on every look-up (``kb.by_id`` and ``kb.kind_of`` without their dictionaries)."""

    def __init__(self, data: KBData, value: Callable[[str, Record], Any]) -> None:
        self._data = data
        self._value = value

    def __getitem__(self, key: str) -> Any:
        for kind, record in _records(self._data):
            if record.id == key:
                return self._value(kind, record)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (record.id for _, record in _records(self._data))

    def __len__(self) -> int:
        return sum(1 for _ in _records(self._data))


class _ScanFacts(Mapping[str, Fact]):
    """``kb.facts`` answered by a linear scan of ``data.facts``."""

    def __init__(self, data: KBData) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Fact:
        for fact in self._data.facts:
            if fact.id == key:
                return fact
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (fact.id for fact in self._data.facts)

    def __len__(self) -> int:
        return len(self._data.facts)


class _DerivedAncestors(Mapping[str, Mapping[str, frozenset[str]]]):
    """``kb.vocabulary.ancestors`` re-derived from ``kb.data`` each time a fact is looked up, i.e.
    for every single value test, with the loader's own derivation (``_fact_values``)."""

    def __init__(self, data: KBData) -> None:
        self._facts = _ScanFacts(data)
        self._data = data

    def __getitem__(self, key: str) -> Mapping[str, frozenset[str]]:
        return _fact_values(self._data, self._facts[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


class _ScanNames(Mapping[str, tuple[str, ...]]):
    """``kb.names`` answered by folding every record's names, on every look-up."""

    def __init__(self, data: KBData) -> None:
        self._data = data

    def _all(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for _, record in _records(self._data):
            for label in record_labels(record):
                bucket = out.setdefault(normalise_name(label), [])
                if record.id not in bucket:
                    bucket.append(record.id)
        return out

    def __getitem__(self, key: str) -> tuple[str, ...]:
        return tuple(self._all()[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class UnindexedKnowledgeBase(KnowledgeBase):
    """The same data, with no pre-built index: ``find`` folds and compares every record's names,
    ``by_id``/``kind_of``/``facts`` scan lists, the vocabulary is re-derived per test."""

    def find(self, name: str) -> list[Record]:
        key = normalise_name(name)
        hits: list[str] = []
        for _, record in _records(self.data):
            labels = record_labels(record)
            if any(normalise_name(label) == key for label in labels) and record.id not in hits:
                hits.append(record.id)
        if name in self.by_id and name not in hits:
            hits.insert(0, name)
        return [self.by_id[h] for h in hits]


def unindexed(kb: KnowledgeBase) -> UnindexedKnowledgeBase:
    data = kb.data
    return UnindexedKnowledgeBase(
        data=data,
        by_id=_Scan(data, lambda kind, record: record),
        kind_of=_Scan(data, lambda kind, record: kind),
        names=_ScanNames(data),
        vocabulary=Vocabulary(_DerivedAncestors(data)),
        facts=_ScanFacts(data),
    )


# --------------------------------------------------------------------------------------------
# Random valid profiles
# --------------------------------------------------------------------------------------------


def _spelling(kb: KnowledgeBase, fact_id: str, value: str, rng: random.Random) -> str:
    """A value as a person might write it: its id, or one of its names, aliases or its label."""
    if rng.random() < 0.5:
        return value
    record = kb.by_id.get(value)
    if record is not None and hasattr(record, "names"):
        return str(rng.choice(record.names()))
    labels = [v.label for v in kb.facts[fact_id].values if v.id == value]
    return labels[0] if labels else value


def _subset(
    kb: KnowledgeBase, fact_id: str, values: Sequence[str], rng: random.Random, most: int
) -> list[str] | None:
    if rng.random() < UNKNOWN:
        return None
    chosen = rng.sample(list(values), rng.randint(0, min(most, len(values))))
    return [_spelling(kb, fact_id, v, rng) for v in chosen]


def _maybe(rng: random.Random, choices: Sequence[Any]) -> Any:
    return None if rng.random() < UNKNOWN else rng.choice(list(choices))


def random_profile_data(kb: KnowledgeBase, rng: random.Random) -> dict[str, Any]:
    sites = [s.id for s in kb.data.sites]
    therapies = sorted(kb.vocabulary.ancestors["progressed_on"])
    prior = [v.id for v in kb.facts["prior_treatments"].values]
    planned = [v.id for v in kb.facts["planned"].values]
    symptoms = [s.id for s in kb.data.symptoms]
    data: dict[str, Any] = {
        "cancer": rng.choice(CANCERS),
        "stage": _maybe(rng, ["4", "4A", "4B", "IV", "IVB"]),
        "recurrence": _maybe(rng, ["none", "yes", "local", "distant"]),
        "resectable": _maybe(rng, [True, False]),
        "metastases": _subset(kb, "metastases", sites, rng, 3),
        "metastasis_extent": _maybe(rng, ["few", "many"]),
        "progressed_on": _subset(kb, "progressed_on", therapies, rng, 3),
        "cannot_have": _subset(kb, "cannot_have", therapies, rng, 2),
        "most_treatments_tried": _maybe(rng, [True, False]),
        "prior_treatments": _subset(kb, "prior_treatments", prior, rng, 3),
        "symptoms": _subset(kb, "symptoms", symptoms, rng, 3),
        "wants_cancer_treatment": _maybe(rng, [True, True, True, False]),
        "planned": _subset(kb, "planned", planned, rng, 2),
        "hormone_sensitive": _maybe(rng, [True, False]),
    }
    markers = {
        "her2": _maybe(rng, ["positive", "negative"]),
        "kras": _maybe(rng, ["wild-type", "mutated", "wt"]),
    }
    data["biomarkers"] = {k: v for k, v in markers.items() if v is not None}
    return {k: v for k, v in data.items() if v is not None}


def random_profiles(kb: KnowledgeBase, count: int, seed: int) -> list[Profile]:
    """``count`` valid profiles; a draw the engine would refuse is drawn again (none expected)."""
    rng = random.Random(seed)
    out: list[Profile] = []
    while len(out) < count:
        try:
            profile = parse_profile(random_profile_data(kb, rng))
            situation(profile, kb)
        except ProfileError:
            continue
        out.append(profile)
    return out


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    unit: str  # "µs", "ms" or "s"
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]  # nearest rank


@dataclass
class Row:
    measure: Measure
    baselines: list[Measure]
    notes: list[str] = field(default_factory=list)


def interleaved_us(calls: list[Callable[[Any], object]], items: Sequence[Any]) -> list[list[float]]:
    """For each item, each call timed on its own in turn (so that a disturbance of the machine
    touches every call alike), in microseconds. The garbage collector stays on, as in real use."""
    clock = time.perf_counter_ns
    out: list[list[float]] = [[] for _ in calls]
    gc.collect()
    for item in items:
        for call, times in zip(calls, out, strict=True):
            start = clock()
            call(item)
            times.append((clock() - start) / 1000)
    return out


def calibration(_: object) -> object:
    """A fixed pure-Python workload (dictionary and string work, about as long as one
    evaluation), timed right after each pass of evaluations: this machine's speed drifts by up
    to two times over minutes, so the ratio of the two says more than either alone."""
    table: dict[str, int] = {}
    for i in range(300):
        key = f"k{i % 97}"
        table[key] = table.get(key, 0) + i
    return sorted(table.items())


def count_misses(kb: KnowledgeBase, profiles: list[Profile]) -> list[tuple[int, int]]:
    """For each profile of a fresh pass (the derived indexes dropped, the same warm-up, the same
    order, as in the timed pass): how many options' answers were not kept for the values of the
    facts they read (``_by_truths`` then looks by the truths of their tests), and how many of
    those had to be worked out in full (``_outcome``). Counted in an untimed pass by wrapping
    the two functions of the engine."""
    import onconav.engine as engine

    originals = (engine._by_truths, engine._outcome)
    looked, worked = [0], [0]

    def by_truths(*args: Any) -> Any:
        looked[0] += 1
        return originals[0](*args)

    def outcome(*args: Any) -> Any:
        worked[0] += 1
        return originals[1](*args)

    kb.memo.clear()
    engine._by_truths, engine._outcome = by_truths, outcome  # type: ignore[assignment]
    try:
        for profile in profiles[:WARM_UP]:
            evaluate(profile, kb)
        out = []
        for profile in profiles:
            looked[0] = worked[0] = 0
            evaluate(profile, kb)
            out.append((looked[0], worked[0]))
    finally:
        engine._by_truths, engine._outcome = originals  # type: ignore[assignment]
    return out


def bench_evaluation(
    kb: KnowledgeBase, profiles: list[Profile], baseline_count: int, repeats: int
) -> tuple[list[Row], dict[str, Any]]:
    def compiled(item: tuple[Situation, list[Any]]) -> None:
        sit, indexed = item
        for one in indexed:
            one.when(sit.facts)

    def interpreted(vocab: Vocabulary) -> Callable[[Any], object]:
        def call(item: tuple[Situation, list[Any]]) -> None:
            sit, indexed = item
            for one in indexed:
                evaluate_condition(one.option.when, sit.facts, vocab)

        return call

    def without_indexes(profile: Profile) -> object:
        # The baseline for the whole evaluation: every index the engine and the profile derive
        # from the knowledge base (compiled conditions, name tables, memoised answers) is
        # dropped before the call, so each evaluation starts from the bare data.
        cold.memo.clear()
        return evaluate(profile, cold)

    # The whole evaluation: `repeats` passes, each from fresh derived indexes, a warm-up of
    # WARM_UP calls, then every profile once, each call timed on its own, nothing else in
    # between (other work between calls would take the processor's caches). The reference
    # workload runs as many times right after each pass.
    full: list[float] = []
    calibrated: list[float] = []
    per_pass: list[float] = []
    for _ in range(repeats):
        kb.memo.clear()
        for profile in profiles[:WARM_UP]:
            evaluate(profile, kb)
        (times,) = interleaved_us([lambda p: evaluate(p, kb)], profiles)
        (reference,) = interleaved_us([calibration], profiles)
        full += times
        calibrated += reference
        per_pass.append(statistics.median(times))
    first_pass = full[: len(profiles)]
    misses = count_misses(kb, profiles)

    # Only now the other knowledge bases, so that the passes above ran beside none.
    slow = unindexed(kb)
    for profile in profiles[:50]:  # the baseline must be the same evaluation, result for result
        if evaluate(profile, kb) != evaluate(profile, slow):
            raise SystemExit(f"baseline differs from evaluate() for {profile!r}")
    cold = load_kb()

    # The parts and the baselines, each call timed in turn with its counterpart.
    kb.memo.clear()
    index = engine_index(kb)
    prepared = []
    for profile in profiles:
        sit = situation(profile, kb)
        prepared.append((sit, [index.item(o) for o in in_scope(kb, sit)]))
    for profile in profiles[:WARM_UP]:
        evaluate(profile, kb)
    for profile in profiles[:10]:
        evaluate(profile, slow)
    items = list(zip(profiles, prepared, strict=True))
    def situation_unindexed(profile: Profile) -> object:
        cold.memo.clear()  # the name tables and resolved names the profile layer keeps
        return situation(profile, cold)

    fast = interleaved_us(
        [lambda item: situation(item[0], kb), lambda item: compiled(item[1])], items
    )
    slow_times = interleaved_us(
        [
            lambda item: without_indexes(item[0]),
            lambda item: situation_unindexed(item[0]),
            lambda item: interpreted(slow.vocabulary)(item[1]),
        ],
        items[:baseline_count],
    )
    names = [
        (f"evaluate(profile, kb), {repeats} pass(es)",
         "evaluate(profile, kb) with no derived index kept"),
        ("part: situation(profile, kb), names resolved to facts",
         "situation(profile, kb) with no derived index kept (name tables made per call)"),
        ("part: the compiled condition of every option in scope (as the engine runs it)",
         "the same conditions interpreted, vocabulary re-derived from kb.data per test"),
    ]  # fmt: skip
    rows = [
        Row(Measure(name, "µs", times), [Measure(base_name, "µs", base_times)])
        for (name, base_name), times, base_times in zip(
            names, [full, *fast], slow_times, strict=True
        )
    ]
    rows[0].baselines.append(
        Measure(
            "reference: a fixed pure-Python workload, as many calls right after each pass "
            "(machine speed)",
            "µs",
            calibrated,
        )
    )
    scope = [len(indexed) for _, indexed in prepared]
    by_misses: list[tuple[str, list[float], int]] = []
    for label, low, high in (("0", 0, 0), ("1", 1, 1), ("2 to 5", 2, 5), ("6 or more", 6, 10**9)):
        chosen = [
            (t, m[1]) for t, m in zip(first_pass, misses, strict=True) if low <= m[0] <= high
        ]
        by_misses.append((label, [t for t, _ in chosen], sum(w for _, w in chosen)))
    facts: dict[str, Any] = {
        "options_in_scope_median": statistics.median(scope),
        "options_in_scope_max": max(scope),
        "per_pass": per_pass,
        "by_misses": by_misses,
        "looked_up_total": sum(m[0] for m in misses),
        "worked_out_total": sum(m[1] for m in misses),
        "mean_us": statistics.fmean(full),
    }
    return rows, facts


def bench_load(runs: int) -> list[Row]:
    """``load_kb()`` as every command runs it (from the snapshot in the cache), beside loading
    from the YAML files (parse, validate, cross-check, index) and parsing alone."""
    files = data_files()

    def yaml_only(loader: type[Any]) -> float:
        start = time.perf_counter()
        for path in files:
            with path.open(encoding="utf-8") as handle:
                yaml.load(handle, Loader=loader)  # SafeLoader or CSafeLoader only
        return (time.perf_counter() - start) * 1000

    def load_once(snapshot: bool) -> float:
        start = time.perf_counter()
        load_kb(snapshot=snapshot)
        return (time.perf_counter() - start) * 1000

    load_once(True)  # writes the snapshot if there is none yet
    yaml_only(yaml_loader())
    kept, loads, parse_only, pure = [], [], [], []
    for _ in range(runs):  # interleaved, so drift affects all alike
        gc.collect()
        kept.append(load_once(True))
        gc.collect()
        loads.append(load_once(False))
        gc.collect()
        parse_only.append(yaml_only(yaml_loader()))
        pure.append(yaml_only(yaml.SafeLoader))
    row = Row(
        Measure("load_kb(), from the snapshot in the cache (as every command)", "ms", kept),
        [
            Measure("load_kb(snapshot=False): parse, validate, cross-check, index", "ms", loads),
            Measure(
                f"parsing the same {len(files)} files only ({yaml_loader().__name__}, as load_kb)",
                "ms",
                parse_only,
            ),
            Measure("reference: parsing with PyYAML's pure-Python SafeLoader", "ms", pure),
        ],
    )
    return [row]


def _bin(name: str) -> str:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


STAGES_CHILD = """
import gc, json, sys, time
t0 = time.perf_counter()
gc.disable()  # as the onconav command starts (onconav.__main__.run)
import onconav.cli
gc.freeze()
gc.enable()
t1 = time.perf_counter()
from onconav.engine import evaluate
from onconav.kb import load_kb
from onconav.profile import parse_profile
kb = load_kb()
t2 = time.perf_counter()
result = evaluate(parse_profile(json.loads(sys.argv[1])), kb)
t3 = time.perf_counter()
result.model_dump_json(indent=2)
t4 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2, t4 - t3]))
"""
STAGES = (
    "import onconav.cli (collection paused)",
    "load_kb()",
    "evaluate()",
    "model_dump_json(indent=2)",
)


def bench_cli(runs: int) -> tuple[list[Row], dict[str, float]]:
    """The command, the two baselines, and a child that times the command's stages in process
    (the same work as the command, without typer and printing), all run round-robin."""
    plain_main = f"import sys; from onconav.cli import main; sys.argv[1:] = {CLI_ARGS!r}; main()"
    commands = {
        "cli": [_bin("onconav"), *CLI_ARGS],
        "no-snapshot": [_bin("onconav"), *CLI_ARGS],
        "plain-main": [sys.executable, "-c", plain_main],
        "pass": [sys.executable, "-c", "pass"],
        "import": [sys.executable, "-c", "import onconav.cli"],
        "stages": [sys.executable, "-c", STAGES_CHILD, json.dumps(CLI_PROFILE)],
    }
    envs = {key: dict(os.environ) for key in commands}
    envs["no-snapshot"]["ONCONAV_NO_CACHE"] = "1"
    first = subprocess.run(commands["cli"], capture_output=True, text=True, check=True)
    json.loads(first.stdout)  # the command does its job, not an error
    for key, command in commands.items():
        subprocess.run(command, capture_output=True, check=True, env=envs[key])
    times: dict[str, list[float]] = {key: [] for key in commands}
    stages: list[list[float]] = [[] for _ in STAGES]
    for _ in range(runs):  # round robin, so drift affects all alike
        for key, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(
                command, capture_output=True, text=True, check=True, env=envs[key]
            )
            times[key].append(time.perf_counter() - start)
            if key == "stages":
                for seconds, out in zip(json.loads(done.stdout), stages, strict=True):
                    out.append(seconds)
    rows = [
        Row(
            Measure("onconav " + " ".join(CLI_ARGS), "s", times["cli"]),
            [
                Measure(
                    "the same with ONCONAV_NO_CACHE=1 (knowledge base read from YAML each time)",
                    "s",
                    times["no-snapshot"],
                ),
                Measure(
                    "the same through onconav.cli.main (collection not paused during imports, "
                    "interpreter torn down at exit)",
                    "s",
                    times["plain-main"],
                ),
                Measure('python -c "import onconav.cli" (start + import)', "s", times["import"]),
                Measure("python -c pass (interpreter start)", "s", times["pass"]),
            ],
        )
    ]
    return rows, {name: statistics.median(out) for name, out in zip(STAGES, stages, strict=True)}


# --------------------------------------------------------------------------------------------
# Where the time goes
# --------------------------------------------------------------------------------------------


def _where(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    for marker in ("site-packages/", "src/", "lib/python"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{name} ({filename}:{line})" if line else name


def run_profiled(call: Callable[[], object]) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    return pstats.Stats(profiler)


def cprofile_table(stats: pstats.Stats, sort: str, top: int) -> list[str]:
    """The ``top`` functions by own time (``tottime``) or time with callees (``cumtime``)."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = stats.total_tt  # type: ignore[attr-defined]
    index = {"tottime": 2, "cumtime": 3}[sort]
    mine = str(Path(__file__).resolve())
    ordered = sorted(
        ((f, v) for f, v in raw.items() if f[0] != mine), key=lambda kv: -kv[1][index]
    )[:top]
    lines = ["| function | calls | own time | with callees |", "|---|---:|---:|---:|"]
    for func, (_cc, nc, tt, ct, _callers) in ordered:
        name = _where(func).replace("|", "\\|")
        lines.append(
            f"| `{name}` | {nc} | {tt * 1000:.0f} ms ({tt / total:.0%}) "
            f"| {ct * 1000:.0f} ms ({ct / total:.0%}) |"
        )
    return lines


def own_share(stats: pstats.Stats, needle: str) -> float:
    """Share of the profiled time spent inside functions whose file or name holds ``needle``."""
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    inside = sum(v[2] for f, v in raw.items() if needle in f[0] or needle in f[2])
    return inside / total if total else 0.0


def import_table(top: int) -> list[str]:
    """Own import time per top-level package, from ``python -X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import onconav.cli"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    own: dict[str, int] = {}
    modules: dict[str, int] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            package = parts[2].strip().split(".")[0].removesuffix("_core")
            own[package] = own.get(package, 0) + int(parts[0])
            modules[package] = modules.get(package, 0) + 1
    total = sum(own.values())
    ordered = sorted(own.items(), key=lambda kv: -kv[1])
    lines = ["| package | modules | own import time | share |", "|---|---:|---:|---:|"]
    lines += [
        f"| `{p}` | {modules[p]} | {us / 1000:.0f} ms | {us / total:.0%} |"
        for p, us in ordered[:top]
    ]
    rest = sum(us for _, us in ordered[top:])
    lines.append(f"| everything else | | {rest / 1000:.0f} ms | {rest / total:.0%} |")
    lines.append(f"| **all** | {sum(modules.values())} | **{total / 1000:.0f} ms** | 100% |")
    return lines


def cli_split(cli: Row, stages: dict[str, float]) -> list[str]:
    start = cli.baselines[-1].median
    total = cli.measure.median
    parts = [("interpreter start (`python -c pass`, median)", start)]
    parts += [(f"`{name}` (in process, median)", stages[name]) for name in STAGES]
    rest = total - sum(seconds for _, seconds in parts)
    parts.append(("the rest, by difference: typer parsing, printing, interpreter exit", rest))
    lines = ["| part | median | share of the command |", "|---|---:|---:|"]
    lines += [f"| {name} | {sec * 1000:.1f} ms | {sec / total:.0%} |" for name, sec in parts]
    lines.append(f"| **whole command** | **{total * 1000:.0f} ms** | 100% |")
    return lines


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:,.1f} µs" if value < 10_000 else f"{value:,.0f} µs"


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| measurement | n | median | p99 | × |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        m = row.measure
        lines.append(
            f"| **{m.name}** | {len(m.samples)} | **{_fmt(m.median, m.unit)}** "
            f"| {_fmt(m.p99, m.unit)} | |"
        )
        for b in row.baselines:
            ratio = m.median / b.median if b.median else float("nan")
            label = b.name if b.name.startswith("reference") else f"baseline: {b.name}"
            lines.append(
                f"| ↳ {label} | {len(b.samples)} | {_fmt(b.median, b.unit)} "
                f"| {_fmt(b.p99, b.unit)} | {ratio:.2f}× |"
            )
    return lines


def machine(load_at_start: str) -> list[str]:
    processor = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                processor = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- machine: {platform.machine()}, processor: {processor or 'not reported'}, "
        f"{os.cpu_count()} CPUs",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"PyYAML {yaml.__version__} (libyaml {'available' if yaml.__with_libyaml__ else 'absent'})",
        f"- os: {platform.system()} {platform.release()} ({platform.platform()})",
        f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average at the start: "
        f"{load_at_start} (1, 5, 15 min; other work on the machine skews the times)",
    ]


def command_line(argv: list[str]) -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(ROOT))
    except ValueError:
        shown = str(python)
    script = Path(__file__).resolve()
    return " ".join([shown, str(script.relative_to(ROOT)), *map(shlex.quote, argv)])


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(
    args: argparse.Namespace,
    argv: list[str],
    kb: KnowledgeBase,
    eval_rows: list[Row],
    eval_facts: dict[str, float],
    load_rows: list[Row],
    cli_rows: list[Row],
    stages: dict[str, float],
    profiles: list[Profile],
) -> str:
    full, cli = eval_rows[0].measure, cli_rows[0].measure
    fresh, parse = load_rows[0].baselines[0], load_rows[0].baselines[1]
    eval_ok, cli_ok = full.median <= TARGET_EVAL_US, cli.median <= TARGET_CLI_S
    out: list[str] = [
        "# Benchmarks",
        "",
        "Generated by `benchmarks/engine.py`; regenerate with:",
        "",
        "```sh",
        command_line(argv),
        "```",
        "",
        *machine(args.load_at_start),
        f"- knowledge base {kb.version}: {len(kb.data.options)} options, "
        f"{len(data_files())} YAML files",
        "",
        "## Targets",
        "",
        "| target | measured (median) | verdict |",
        "|---|---:|---|",
        f"| evaluation: at most {TARGET_EVAL_US:.0f} µs per profile | {_fmt(full.median, 'µs')} "
        f"| {verdict(eval_ok)} |",
        f"| `onconav options` command: at most {TARGET_CLI_S} s | {_fmt(cli.median, 's')} "
        f"| {verdict(cli_ok)} |",
        "",
        "## 1. Evaluation per profile",
        "",
        f"{len(profiles)} random valid profiles (seed {args.seed}): the cancer is one of "
        f"{', '.join(CANCERS)}; every other field is left out (unknown) with probability "
        f"{UNKNOWN}, otherwise given a random value or a random subset of its accepted values, "
        "spelt as an id, a name, an alias or a label. The whole evaluation is measured in "
        f"{args.repeats} pass(es); each pass starts from fresh derived indexes (the engine's "
        f"memo emptied), warms up on the first {min(WARM_UP, len(profiles))} profiles, then "
        "times every profile once, each call on its own with `time.perf_counter_ns`; the "
        "figures pool all passes. The garbage collector stays on, as in real use. p99 is by "
        "nearest rank.",
        "",
        *table(eval_rows),
        "",
        "Median of each pass: "
        + ", ".join(_fmt(m, "µs") for m in eval_facts["per_pass"])
        + f". Options in scope per profile: median {eval_facts['options_in_scope_median']:.0f}, "
        f"at most {eval_facts['options_in_scope_max']:.0f}. The `part:` rows time pieces of "
        "`evaluate()` on their own (the situation and the options in scope computed beforehand).",
        "",
        "**Why the median and the p99 differ so much.** The engine keeps each option's answer by "
        "the values of the facts that option reads. An answer not kept for those values is "
        "looked up by the truth of each of the option's tests (and, for an option that is not "
        "suitable, the values its reason names; a reason for new values is written on the kept "
        "answer), and only if that fails worked out in full: conditions, reasons in words, what "
        "would decide it, the result model. Over the first pass, by how many options in the "
        "profile were not kept for their values "
        f"({eval_facts['looked_up_total']} in all, of which "
        f"{eval_facts['worked_out_total']} worked out in full; counted in a separate untimed "
        "pass that repeats the first one exactly):",
        "",
        "| options not kept for their values | profiles | options worked out in full "
        "| median time |",
        "|---|---:|---:|---:|",
        *[
            f"| {label} | {len(times)} | {worked} | "
            f"{_fmt(statistics.median(times), 'µs') if times else '–'} |"
            for label, times, worked in eval_facts["by_misses"]
        ],
        "",
        "**Baselines: evaluation without any pre-indexing of the knowledge base.** For the "
        "whole `evaluate()`, every index the engine and the profile derive from the knowledge "
        "base (compiled conditions, name tables, the memo of answers) is dropped before each "
        "call, so each evaluation starts from the bare loaded data; `situation()` likewise "
        "makes its name tables afresh per call. The conditions' baseline is the interpreter "
        "(`logic.evaluate`) given an `UnindexedKnowledgeBase` holding the same `kb.data`, in "
        "which none of the indexes that `load_kb()` builds is used: `find` folds and compares "
        "the names of every record, `by_id`, `kind_of` and `facts` scan the record lists, and "
        "`vocabulary.ancestors` is re-derived from `kb.data` for every value test. Whole "
        "evaluations with that knowledge base are checked equal to the indexed ones for the "
        "first 50 profiles before timing. The "
        f"baselines run on the first {len(eval_rows[0].baselines[0].samples)} profiles. `×` is "
        "the measured median divided by the baseline median. The engine memoises each option's "
        "answer by the values of the facts it depends on, so repeated situations (a cohort, a "
        "web page reloaded) cost less than these random, mostly distinct profiles.",
        "",
        "## 2. Knowledge-base load",
        "",
        f"Median of {args.runs} runs of each, interleaved. Every command calls `load_kb()`, "
        "which reads the snapshot that the first load of these files by this code left in the "
        "cache directory (a pickle, named by a hash of the data files, of onconav's loading "
        "code and of the Python and pydantic versions; the benchmark uses a cache directory of "
        "its own). The baselines load from the YAML files, and only parse them with the same "
        "YAML loader, with no validation.",
        "",
        *table(load_rows),
        "",
        f"Validation, cross-checks and indexes (a load from YAML minus parsing, medians): "
        f"≈{_fmt(fresh.median - parse.median, 'ms')}; parsing is "
        f"{parse.median / fresh.median:.0%} of a load from YAML.",
        "",
        "## 3. The `onconav options` command, end to end",
        "",
        f"Median of {args.runs} runs of each command in a subprocess (wall time, output "
        "captured), run round-robin after one warm-up run each, so that the interpreter start "
        "and the import cost are measured in the same conditions. The command is the installed "
        "`onconav` script (`onconav.__main__:command`, which pauses the garbage collector while "
        "the modules load, and ends the process without tearing the interpreter down); the "
        "snapshot of the knowledge base is in the cache after the "
        "warm-up run, as after any first use. `make benchmark` compiles onconav's bytecode "
        "first: this machine sets `PYTHONDONTWRITEBYTECODE`, and an editable install has none "
        "of its own, so otherwise every run would compile onconav's modules again.",
        "",
        *table(cli_rows),
        "",
    ]
    out += where_the_time_goes(kb, profiles, eval_ok, cli_ok, cli_rows[0], stages)
    return "\n".join(out) + "\n"


def where_the_time_goes(
    kb: KnowledgeBase,
    profiles: list[Profile],
    eval_ok: bool,
    cli_ok: bool,
    cli: Row,
    stages: dict[str, float],
) -> list[str]:
    out = ["## Where the time goes", ""]
    kb.memo.clear()  # as at the start of a timed pass: fresh indexes, then the warm-up
    for profile in profiles[:WARM_UP]:
        evaluate(profile, kb)
    sample = profiles[WARM_UP : WARM_UP + 300]
    stats = run_profiled(lambda: [evaluate(p, kb) for p in sample])
    total = stats.total_tt  # type: ignore[attr-defined]
    out += [
        f"### `evaluate()` (target {'met' if eval_ok else 'not met'})",
        "",
        f"cProfile of `evaluate()` over {len(sample)} profiles after the warm-up of a fresh "
        f"pass ({total:.2f} s under the profiler, which inflates small calls). Own time "
        "inside pydantic (model construction and validation): "
        f"{own_share(stats, 'pydantic'):.0%}; inside "
        f"`onconav/logic.py`: {own_share(stats, 'onconav/logic.py'):.0%}; inside "
        f"`onconav/engine.py`: {own_share(stats, 'onconav/engine.py'):.0%}. By own time:",
        "",
        *cprofile_table(stats, "tottime", 14),
        "",
        "By time with callees:",
        "",
        *cprofile_table(stats, "cumtime", 14),
        "",
    ]
    load_stats = run_profiled(load_kb)
    out += [
        f"### `onconav options` (target {'met' if cli_ok else 'not met'})",
        "",
        "Split of the median command time: the interpreter start from above, then the "
        "command's stages timed inside a child process that does the same work (run "
        "round-robin with the commands above, median of each stage):",
        "",
        *cli_split(cli, stages),
        "",
        'Own import time by top-level package (`python -X importtime -c "import onconav.cli"`,'
        " one run; importtime itself adds some overhead):",
        "",
        *import_table(8),
        "",
        f"cProfile of one `load_kb()` ({load_stats.total_tt:.2f} s under the "  # type: ignore[attr-defined]
        f"profiler). Own time inside PyYAML: {own_share(load_stats, 'yaml/'):.0%}; inside "
        f"pydantic: {own_share(load_stats, 'pydantic'):.0%}. By own time:",
        "",
        *cprofile_table(load_stats, "tottime", 10),
        "",
    ]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=2000, help="random profiles (2000)")
    parser.add_argument(
        "--baseline-profiles", type=int, default=500,
        help="profiles for the slow unindexed baseline (500)",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=10, help="runs of load and command (10)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="passes of the whole evaluation (3)"
    )
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed ({SEED})")
    parser.add_argument("--write", type=Path, help="write the Markdown report to this file")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if min(args.profiles, args.runs, args.baseline_profiles, args.repeats) < 1:
        parser.error("--profiles, --baseline-profiles, --runs and --repeats must be at least 1")
    # Snapshots go to a cache directory of the benchmark's own (the commands it runs inherit it).
    cache = tempfile.TemporaryDirectory(prefix="onconav-benchmark-")
    os.environ["ONCONAV_CACHE_DIR"] = cache.name
    os.environ.pop("ONCONAV_NO_CACHE", None)

    began = time.perf_counter()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    args.load_at_start = " ".join(f"{x:.2f}" for x in load) if load else "not available"
    kb = load_kb()
    profiles = random_profiles(kb, args.profiles, args.seed)
    print(f"evaluation: {len(profiles)} profiles ...", file=sys.stderr)
    eval_rows, eval_facts = bench_evaluation(
        kb, profiles, min(args.baseline_profiles, len(profiles)), args.repeats
    )
    print("knowledge-base load ...", file=sys.stderr)
    load_rows = bench_load(args.runs)
    print("onconav options ...", file=sys.stderr)
    cli_rows, stages = bench_cli(args.runs)
    print("profiling ...", file=sys.stderr)
    text = report(args, argv, kb, eval_rows, eval_facts, load_rows, cli_rows, stages, profiles)
    print(text)
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
        print(f"wrote {args.write}", file=sys.stderr)
    print(f"benchmark took {time.perf_counter() - began:.0f} s", file=sys.stderr)
    cache.cleanup()


if __name__ == "__main__":
    main()
