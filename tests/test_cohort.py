"""Population screening: the DuckDB, Spark and Python engines give the same status, reason code
and missing facts for every (patient, option) of thousands of generated people (unknowns, every
value of every fact, rows that cannot be read), the same as ``evaluate`` (what ``onconav options``
prints) for a sample; every row is answered or quarantined; the command's errors are one line."""

from __future__ import annotations

import csv
import json
import os
import random
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import ROOT, Run
from onconav.cohort import demo, gaps, quarantine_beside, run, summary_beside
from onconav.cohort.engines import ENGINES, profile_data
from onconav.cohort.gaps import definitions
from onconav.cohort.table import EMPTY_ROW, SEPARATOR
from onconav.engine import evaluate
from onconav.kb import KnowledgeBase, load_kb
from onconav.logic import Status, Truth, advanced_by_premise
from onconav.logic import advanced as advanced_
from onconav.profile import ProfileError, facts_of, parse_profile

KB = load_kb()
Result = set[tuple[str, str, str, str, tuple[str, ...], bool]]


def results(path: Path) -> Result:
    con = duckdb.connect()
    found = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    con.close()
    return {(p, o, s, b, tuple(m), e) for p, o, s, b, m, e in found}


def csv_results(path: Path) -> Result:
    """A result written as CSV, read as an analyst reads it: ``missing`` split at ``;``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["patient_id"], r["option_id"], r["status"], r["because"],
                 tuple(r["missing"].split(SEPARATOR)) if r["missing"] else (),
                 {"true": True, "false": False}[r["relieves"]])
                for r in csv.DictReader(handle)}  # fmt: skip


def csv_lines(path: Path) -> tuple[str, list[str]]:
    """A CSV file's header and its other lines, sorted (an engine writes its rows in any
    order)."""
    header, *lines = path.read_text(encoding="utf-8").splitlines()
    return header, sorted(lines)


def quarantined(path: Path) -> dict[int, str]:
    con = duckdb.connect()
    found = con.execute(f"SELECT row, reason FROM read_csv('{path}', header=true)").fetchall()
    con.close()
    return {int(r): str(reason) for r, reason in found}


def both(kb: KnowledgeBase, source: Path, folder: Path) -> tuple[Any, Any]:
    done = []
    for engine in ("duckdb", "python"):
        done.append(run(kb, source, folder / f"{engine}.parquet", engine=engine))
    return done[0], done[1]


def scrambled(rng: random.Random, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Words people type in place of some values (the core reads them), lists with 'none', lists
    with an item of two names and a bad name after it, a row with no value at all, and a copy of
    a row."""
    words = {"stage": ["Stage IV", "IVB", "metastatic", "stage 3"], "her2": ["HER2 3+", "neg"],
             "kras": ["G12D", "wt"], "resectable": ["yes", "no"],
             "recurrence": ["relapsed"]}  # fmt: skip
    for row in rows:
        for field, typed in words.items():
            if rng.random() < 0.1:
                row[field] = rng.choice(typed)
        if rng.random() < 0.05:
            row["symptoms"] = ["none"]
        given = row.get("symptoms")
        if isinstance(given, list) and len(given) >= 2 and all(isinstance(s, str) for s in given) \
                and rng.random() < 0.1:  # fmt: skip
            # an item the core splits at its comma, which numbers the items after it (a bad one)
            row["symptoms"] = [f"{given[0]}, {given[1]}", *given[2:], "xyzzy"]
    rows.insert(rng.randrange(1, len(rows)), {"patient_id": None})  # in CSV: a row of commas
    copied = rng.randrange(len(rows))  # a copy of a row, later: read once (the demo's repeated
    rows.insert(rng.randrange(copied + 1, len(rows) + 1), dict(rows[copied]))  # id differs)
    return rows


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is shown, not shrunk (slow)
)
@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["parquet", "csv", "ndjson"]))
def test_duckdb_and_python_give_the_same_answers_for_every_patient_and_option(
    tmp_path: Path, seed: int, fmt: str
) -> None:
    """3 examples of 1500 people (hypothesis draws the seed and the input format)."""
    folder = tmp_path / f"{seed}-{fmt}"
    folder.mkdir()
    rows = scrambled(random.Random(seed), demo.people(KB, 1500, seed=seed, bad=0.02))
    source = folder / f"people.{fmt}"
    demo.write(rows, str(source), fmt)
    fast, slow = both(KB, source, folder)
    assert fast.loaded == slow.loaded
    assert fast.loaded.rows == len(rows) == fast.loaded.answered + fast.loaded.quarantined
    assert fast.loaded.quarantined >= 5  # each kind of bad row placed at least once
    # the same rows, each for the same reasons (the engines may list them in another order)
    reasons = [{row: set(why.split("; ")) for row, why in quarantined(folder / f).items()}
               for f in ("duckdb.quarantine.csv", "python.quarantine.csv")]  # fmt: skip
    assert reasons[0] == reasons[1]
    # every quarantined row is in the quarantine file, once (answered + quarantined = rows)
    with duckdb.connect() as con:
        for engine in ("duckdb", "python"):
            (lines,) = con.execute(f"SELECT count(*) FROM read_csv('{folder}/{engine}"
                                   ".quarantine.csv', header=true)").fetchone() or (0,)  # fmt: skip
            assert lines == len(reasons[0]) == fast.loaded.quarantined, engine
    answers = results(folder / "duckdb.parquet")
    assert answers == results(folder / "python.parquet")
    assert {s for _, _, s, *_ in answers} >= {"offered", "needs_information", "not_suitable",
                                               "in_trials", "declined"}  # fmt: skip
    assert fast.summary == {**slow.summary, "quarantine": fast.summary["quarantine"],
                            "engine": "duckdb"}
    answered = {p for p, *_ in answers}
    assert len(answered) == fast.loaded.answered or all(
        r.get("cancer") is None for r in rows if r["patient_id"] not in answered
    )


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(seed=st.integers(0, 2**32 - 1))
def test_spark_gives_the_same_answers_as_duckdb_and_python(
    tmp_path: Path, spark_stopped: None, capfd: pytest.CaptureFixture[str], seed: int
) -> None:
    """1500 people (unknowns, typed words, bad rows) through all three engines, Spark in local
    mode: the same row for every (patient, option), the same quarantine, the same summary, the
    same CSV file (but the order of its rows), byte for byte. Spark writes nothing to our
    standard error (its JVM starts here, the suite's first Spark)."""
    folder = tmp_path / str(seed)
    folder.mkdir()
    rows = scrambled(random.Random(seed), demo.people(KB, 1500, seed=seed, bad=0.02))
    source = folder / "people.parquet"
    demo.write(rows, str(source), "parquet")
    fast, slow = both(KB, source, folder)
    capfd.readouterr()
    spark = run(KB, source, folder / "spark.csv", engine="spark", fmt="csv", master="local[2]")
    assert capfd.readouterr().err == ""
    assert spark.loaded == fast.loaded == slow.loaded and spark.loaded.quarantined >= 5
    answers = csv_results(folder / "spark.csv")
    assert len(answers) == spark.results > 40_000
    assert answers == results(folder / "duckdb.parquet") == results(folder / "python.parquet")
    for engine in ("duckdb", "python"):
        run(KB, source, folder / f"{engine}.csv", engine=engine, fmt="csv")
    written = [csv_lines(folder / f"{engine}.csv") for engine in ENGINES]
    assert written[0] == written[1] == written[2]
    assert any(SEPARATOR in line for line in written[0][1])  # lists of two items or more
    assert quarantined(folder / "spark.quarantine.csv") == quarantined(
        folder / "duckdb.quarantine.csv"
    )
    assert spark.summary == {**fast.summary, "quarantine": spark.summary["quarantine"],
                             "engine": "spark"}


def test_spark_without_java_is_one_line_exit_2(tmp_path: Path) -> None:
    """In a fresh process (an in-process session would be reused): no Java, a clear error."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java"), "PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "onconav", "cohort", str(source), "--quiet",
                           "--engine", "spark"], capture_output=True, text=True, env=env,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("onconav: error: --engine spark: Spark could not start") and (
        "Java runtime" in last
    ), done.stderr
    assert "Traceback" not in done.stderr


def test_spark_with_a_master_it_cannot_use_says_what_spark_said(tmp_path: Path) -> None:
    """A ``--master`` Spark refuses: the line names it and gives Spark's reason, not the last
    line of a Java stack trace ('at org.apache.spark.deploy.SparkSubmit.main(...)') and a
    Java runtime as the only thing to check."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    done = subprocess.run([sys.executable, "-m", "onconav", "cohort", str(source), "--quiet",
                           "--engine", "spark", "--master", "nowhere"], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("onconav: error: --engine spark: Spark could not start"), last
    assert "Spark said: " in last and "Spark said: at " not in last, last
    assert "master" in last.split("Spark said: ")[1].lower(), last
    assert last.endswith("and --master 'nowhere' a Spark master it can reach (spark://HOST:7077, "
                         "yarn, k8s://...)"), last  # fmt: skip


def test_a_sample_is_what_evaluate_gives(tmp_path: Path) -> None:
    """150 people answered by the DuckDB engine, each against ``evaluate`` (status, missing)."""
    rows = scrambled(random.Random(7), demo.people(KB, 400, seed=7, bad=0.0))
    source = tmp_path / "people.ndjson"
    demo.write(rows, str(source), "ndjson")
    run(KB, source, tmp_path / "out.parquet")
    answers = results(tmp_path / "out.parquet")
    by_patient: dict[str, set[tuple[str, str, tuple[str, ...], bool]]] = {}
    for p, o, s, _, m, e in answers:
        by_patient.setdefault(p, set()).add((o, s, m, e))
    # the first row of each answered patient (demo.people repeats a patient_id: that row is
    # quarantined, and the answers under the id are the first row's)
    firsts = {r["patient_id"]: r for r in reversed(rows) if r["patient_id"] in by_patient}
    sample = [r for r in rows if firsts.get(r["patient_id"]) is r][::2][:150]
    assert len(sample) >= 150
    for row in sample:
        result = evaluate(parse_profile(profile_data(row), KB), KB)
        expected = {(o.id, o.status.value, tuple(sorted(m.fact for m in o.missing)),
                     o.relieves_your_symptoms) for o in result.options}  # fmt: skip
        assert by_patient[row["patient_id"]] == expected, row["patient_id"]


def test_every_bad_row_is_quarantined_with_its_row_number_and_reason(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"patient_id": "a", "cancer": "stomach", "stage": "4"},
        {"patient_id": "b", "cancer": "rectum", "progressed_on": ["FOLFOX", "no-such-drug"]},
        {"patient_id": "c", "cancer": "cervix", "stage": "9"},
        {"patient_id": None, "cancer": "stomach"},
        {"patient_id": "a", "cancer": "gastric cancer", "stage": "IV"},  # row 1 as read: a copy
        {"patient_id": "f", "cancer": None},
        {"patient_id": "g", "cancer": "rectum", "stage": "IV", "kras": "G12D"},
        {"patient_id": None},  # no value at all (in CSV, a row of commas): no person
    ]
    for fmt in ("parquet", "csv", "ndjson"):
        source = tmp_path / f"people.{fmt}"
        demo.write(rows, str(source), fmt)
        for engine in ("duckdb", "python"):
            done = run(KB, source, tmp_path / f"{fmt}-{engine}.parquet", engine=engine)
            assert (done.loaded.rows, done.loaded.answered, done.loaded.quarantined) == (8, 2, 6)
            bad = quarantined(tmp_path / f"{fmt}-{engine}.quarantine.csv")
            assert sorted(bad) == [2, 3, 4, 5, 6, 8]
            assert bad[8] == EMPTY_ROW == "the row is empty: no value in any column"
            assert "progressed_on[1]" in bad[2] and "no-such-drug" in bad[2]
            assert bad[3].startswith("stage:") and bad[4] == "patient_id: missing"
            assert bad[5] == "patient_id: the same as row 1"
            # what it takes, as the command and the API say it (it was "is required" alone)
            assert bad[6] == ("cancer: is required: say where the cancer started: a place such "
                              "as stomach, rectum or cervix, or unknown")  # fmt: skip
            answers = results(tmp_path / f"{fmt}-{engine}.parquet")
            assert {p for p, *_ in answers} == {"a", "g"}


def test_a_repeated_patient_id_whose_first_row_is_quarantined_says_so(tmp_path: Path) -> None:
    """Rows of one patient_id that are copies (the same facts as read) are read once, the first:
    a later row's reason said 'the same as row 1' also when row 1 was quarantined, as if the
    patient had been answered by it; it says that row 1 is quarantined too, by every engine."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage\nA,stomach,9\nA,stomach,9\nB,rectum,4\n"
                      "B,rectal cancer,Stage IV\nA,stomach,9\n")  # fmt: skip
    for engine in ("duckdb", "python"):
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert (done.loaded.answered, done.loaded.quarantined) == (1, 4)
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert bad[1].startswith("stage: '9' is not accepted")
        assert bad[2] == ("patient_id: the same as row 1, which is quarantined too (this patient "
                          f"is not answered); {bad[1]}")  # fmt: skip
        assert bad[4] == "patient_id: the same as row 3"
        assert bad[5] == bad[2]
        assert {p for p, *_ in results(tmp_path / f"{engine}.parquet")} == {"B"}


DIFFER = ("patient_id: given by rows {}, whose facts differ ({}): which row is right cannot be "
          "known, so none is read (this patient is not answered); give each patient one row")


def test_the_rows_of_a_patient_id_whose_facts_differ_are_each_quarantined(tmp_path: Path) -> None:
    """Rows of one patient_id whose facts differ as read (HER2 not given, then positive; negative,
    then positive): only the first had been read, h2 answered as HER2-negative (trastuzumab not
    suitable) and h1 listed as a HER2 gap, though the table says positive too. Which row is right
    cannot be known: every row of the patient is quarantined, naming its rows and the facts that
    differ, by every engine; rows that say the same in other words are copies, read once."""
    lines = ["h1,stomach,4,,", "h1,stomach,4,positive,", "h2,stomach,4,negative,",
             "h3,rectum,4,,", "h2,stomach,IV,positive,", "h2,stomach,4,negative,",
             "h4,gastric cancer,Stage IV,HER2 3+,pain", "h4,stomach,4,positive,pain"]  # fmt: skip
    lines += [f"m,{'rectum' if i == 3 else 'stomach'},4,,{'pain; nausea' if i == 11 else 'pain'}"
              for i in range(12)]  # rows 9 to 20  # fmt: skip
    source = tmp_path / "dup.csv"
    source.write_text("patient_id,cancer,stage,her2,symptoms\n" + "\n".join(lines) + "\n")
    h1, h2 = DIFFER.format("1, 2", "her2"), DIFFER.format("3, 5, 6", "her2")
    m = DIFFER.format("9, 10, 11, 12, 13, 14, 15, 16, 17, 18 and 2 more", "cancer, symptoms")
    expected = {1: h1, 2: h1, 3: h2, 5: h2, 6: h2, 8: "patient_id: the same as row 7",
                **dict.fromkeys(range(9, 21), m)}  # fmt: skip
    for engine in ("duckdb", "python"):
        done = run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        assert quarantined(tmp_path / f"{engine}.quarantine.csv") == expected, engine
        assert {p for p, *_ in results(tmp_path / f"{engine}.parquet")} == {"h3", "h4"}
        assert (done.loaded.answered, done.loaded.quarantined) == (2, 18)
    gaps(KB, source, tmp_path / "gaps.csv", "csv")
    with (tmp_path / "gaps.csv").open(encoding="utf-8", newline="") as handle:
        listed = {(r["patient_id"], r["fact"]) for r in csv.DictReader(handle)}
    assert ("h3", "kras") in listed and {p for p, _ in listed} == {"h3"}  # h1: no HER2 gap


def _as_read(row: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """What the core reads a row as (its site and facts), or None if it cannot be read."""
    try:
        facts = facts_of(parse_profile(profile_data(row), KB), KB)
    except ProfileError:
        return None
    return facts.site, facts.given


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=st.lists(st.fixed_dictionaries({
    "patient_id": st.sampled_from(["a", "b", "c"]),
    "cancer": st.sampled_from(["stomach", "gastric cancer", "rectum"]),
    "stage": st.sampled_from([None, "4", "IV", "Not tested", "9"]),
    "her2": st.sampled_from([None, "positive", "HER2 3+", "negative"]),
    "symptoms": st.sampled_from([None, ["pain"], ["pain", "nausea"], ["nausea", "pain"]]),
}), min_size=1, max_size=8))  # fmt: skip
def test_a_patient_is_answered_only_if_all_its_rows_read_the_same(
    tmp_path: Path, rows: list[dict[str, Any]]
) -> None:
    """For any rows of a few patient_ids, by every engine alike: a patient whose rows the core
    reads as the same facts is answered by its first row, the others quarantined as copies of it;
    one whose rows the core reads as different facts has every row quarantined, naming the facts
    that differ; one with a row the core cannot read is not answered."""
    source = tmp_path / "people.ndjson"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    found = []
    for engine in ("duckdb", "python"):
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        found.append((quarantined(tmp_path / f"{engine}.quarantine.csv"),
                      {p for p, *_ in results(tmp_path / f"{engine}.parquet")}))  # fmt: skip
    assert found[0] == found[1]
    bad, answered = found[0]
    for patient in {r["patient_id"] for r in rows}:
        numbers = [n for n, r in enumerate(rows, 1) if r["patient_id"] == patient]
        reads = [_as_read(rows[n - 1]) for n in numbers]
        if None in reads:
            assert patient not in answered and (len(numbers) == 1 or set(numbers) <= set(bad))
            continue
        differ = [f for f in reads[0][1] if len({str(r[1][f]) for r in reads if r}) > 1]
        if len({r[0] for r in reads if r}) > 1 and "cancer" not in differ:
            differ.insert(0, "cancer")
        if differ:
            assert patient not in answered
            said = DIFFER.format(", ".join(map(str, numbers)), ", ".join(differ))
            assert {n: bad.get(n) for n in numbers} == dict.fromkeys(numbers, said)
        else:
            assert patient in answered and numbers[0] not in bad
            assert {n: bad[n] for n in numbers[1:]} == {
                n: f"patient_id: the same as row {numbers[0]}" for n in numbers[1:]}


def test_gaps_name_the_test_that_settles_them(tmp_path: Path) -> None:
    """HER2 for stage 4 stomach cancer, KRAS for stage 4 rectal cancer, with their tests."""
    rows = [{"patient_id": "s", "cancer": "stomach", "stage": "4"},
            {"patient_id": "r", "cancer": "rectum", "stage": "4"},
            {"patient_id": "k", "cancer": "rectum", "stage": "4", "kras": "mutated"}]  # fmt: skip
    source = tmp_path / "people.csv"
    demo.write(rows, str(source), "csv")
    loaded, totals = gaps(KB, source, tmp_path / "gaps.csv", "csv")
    assert loaded.answered == 3
    con = duckdb.connect()
    found = con.execute(f"SELECT patient_id, fact, tests, options FROM "
                        f"read_csv('{tmp_path / 'gaps.csv'}', header=true)").fetchall()  # fmt: skip
    con.close()
    by = {(p, f): (t, n) for p, f, t, n in found}
    assert by[("s", "her2")][0] == "HER2 test" and by[("s", "her2")][1] >= 1
    assert by[("r", "kras")][0].startswith("KRAS") and ("k", "kras") not in by
    assert [(s, p) for _, _, p, s, _, _ in totals] == sorted(
        ((s, p) for _, _, p, s, _, _ in totals), reverse=True)


def test_a_list_in_csv_is_its_items_separated_by_semicolons(tmp_path: Path) -> None:
    """CSV has no lists: the result's ``missing`` and the gaps' ``tests`` and ``option_ids`` are
    written as their items joined by ``; ``, as an input CSV gives a list (they were DuckDB's
    text of a list, ``[a, b]``), an empty list as an empty cell; Parquet and NDJSON keep the
    lists. The same items in every format."""
    rows = [{"patient_id": "s", "cancer": "stomach", "stage": "4"},
            {"patient_id": "r", "cancer": "rectum", "stage": "4"}]  # fmt: skip
    source = tmp_path / "people.ndjson"
    demo.write(rows, str(source), "ndjson")
    for fmt in ("parquet", "csv", "ndjson"):
        run(KB, source, tmp_path / f"out.{fmt}", fmt=fmt)
        gaps(KB, source, tmp_path / f"gaps.{fmt}", fmt)
    with (tmp_path / "out.csv").open(encoding="utf-8", newline="") as handle:
        cells = [r["missing"] for r in csv.DictReader(handle)]
    assert "" in cells and any(SEPARATOR in c for c in cells)
    assert not any(c.startswith("[") or ", " in c for c in cells)
    assert csv_results(tmp_path / "out.csv") == results(tmp_path / "out.parquet")
    lines = (tmp_path / "out.ndjson").read_text(encoding="utf-8").splitlines()
    assert {tuple(json.loads(line)["missing"]) for line in lines} == {
        m for *_, m, _ in results(tmp_path / "out.parquet")}
    with (tmp_path / "gaps.csv").open(encoding="utf-8", newline="") as handle:
        written = {(r["patient_id"], r["fact"]): r for r in csv.DictReader(handle)}
    with duckdb.connect() as con:
        for name in ("gaps.parquet", "gaps.ndjson"):
            found = con.execute(f"SELECT patient_id, fact, tests, option_ids "
                                f"FROM '{tmp_path / name}'").fetchall()  # fmt: skip
            assert {(p, f): (t, ids) for p, f, t, ids in found} == {
                k: (r["tests"].split(SEPARATOR) if r["tests"] else [],
                    r["option_ids"].split(SEPARATOR)) for k, r in written.items()}, name
    assert written[("s", "her2")]["tests"] == "HER2 test"
    assert "" in {r["tests"] for r in written.values()}  # no test settles it: an empty cell
    assert SEPARATOR in written[("s", "her2")]["option_ids"]
    # what a list may hold, ids and names of the knowledge base, never holds the separator
    tests = {t for _, _, names, _ in definitions(KB)[0] for t in names}
    assert tests and not any(";" in name for name in {*KB.rules, *KB.facts, *tests})


def test_the_command_runs_on_the_demo_population(run_cli: Run, tmp_path: Path) -> None:
    people = tmp_path / "people.parquet"
    done = run_cli("cohort", "demo", "--people", "300", "--out", str(people))
    assert done.status == 0, done.stderr
    out = tmp_path / "out.csv"
    done = run_cli("cohort", str(people), "--out", str(out), "--format", "csv",
                   "--quarantine", str(tmp_path / "bad.csv"))  # fmt: skip
    assert done.status == 0, done.stderr
    summary = json.loads((tmp_path / "out.summary.json").read_text())
    bad = summary["quarantined"]
    assert f"300 rows: {300 - bad} answered, {bad} quarantined" in done.stdout and bad >= 5
    assert summary["rows"] == 300 and len(summary["options"]) > 50
    # what made the answers, as every answer of `onconav options` carries it (the summary had
    # no knowledge-base version, sources' dates or disclaimer: a review of the cohort)
    one = json.loads(run_cli("options", "--cancer", "rectum", "--format", "json").stdout)
    assert (summary["kb_version"], summary["disclaimer"]) == (one["kb_version"],
                                                              one["disclaimer"])  # fmt: skip
    assert summary["engine"] == "duckdb"
    dated = {s["id"]: s["dated"] for s in summary["sources"]}
    assert all(dated[s["id"]] == s["dated"] for s in one["sources"]) and len(dated) == 5
    assert len(quarantined(tmp_path / "bad.csv")) == bad
    assert out.read_text().startswith("patient_id")
    done = run_cli("cohort", "gaps", str(people), "--out", str(tmp_path / "gaps.parquet"))
    assert done.status == 0 and "her2\tHER2 test" in done.stdout
    # the standard output is the table alone, a TSV a pipe can read (the counts were its first
    # line): a header and one row per fact, each of six cells
    table = [line.split("\t") for line in done.stdout.splitlines()]
    assert table[0] == ["fact", "test", "patients", "settles", "options", "not_advanced"]
    assert len(table) > 2
    assert {len(row) for row in table} == {6} and all(row[2].isdigit() for row in table[1:])
    # what settles each fact, a test or where the answer is found: never "-" (review17 item 5)
    assert all(row[1] not in ("", "-") for row in table[1:]), table
    # the gaps account for every row as the run does: the same quarantine, beside the gaps
    beside = tmp_path / "gaps.quarantine.csv"
    assert f"{300 - bad} answered, {bad} quarantined ({beside})" in done.stderr
    assert quarantined(beside) == quarantined(tmp_path / "bad.csv")
    done = run_cli("cohort", "gaps", str(people), "--quarantine", str(people))
    assert done.status == 2 and "--quarantine" in done.errors()[0]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("patient_id,cancer,colour\n1,rectum,blue\n", "p.csv", "column 'colour' is not a fact"),
        ("cancer\nrectum\n", "p.csv", "has no patient_id column"),
        ("not parquet", "p.parquet", "INPUT: cannot be read as parquet"),
        ("{}", "p.txt", "has no known suffix"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    run_cli: Run, tmp_path: Path, content: str, name: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content)
    done = run_cli("cohort", str(source), "--quiet")
    assert done.status == 2
    [line] = done.errors()
    assert message in line


def test_bad_options_are_one_line_exit_2(run_cli: Run, tmp_path: Path) -> None:
    for args, message in [
        (("cohort", "x.csv", "--engine", "sparkle"), "--engine"),
        (("cohort", "README.md", "--master", "local[2]"),
         "--master: is for --engine spark only"),
        (("cohort", "/no/such.csv"), "is not a file"),
        (("cohort", "demo", "--out", "p.xlsx"), "--out: 'p.xlsx' has no known suffix; accepted: "
         ".parquet, .csv (lists ;-separated), .ndjson (also .jsonl, .json)"),
        # a folder that is not there, or one through a file, is refused
        (("cohort", "demo", "--out", str(tmp_path / "file.csv" / "p.csv")), "--out"),
        (("cohort", "demo", "--out", str(tmp_path / "no" / "p.csv")), "existing folder"),
    ]:
        (tmp_path / "file.csv").write_text("")
        done = run_cli(*args)
        assert done.status == 2, args
        [line] = done.errors()
        assert message in line


def test_a_run_that_answers_no_one_does_not_exit_0(run_cli: Run, tmp_path: Path) -> None:
    """Every row in the quarantine (a pipeline's export gone wrong: stages of another system)
    had exited 0, as a screening done (a review of the cohort): it exits 1, in one line that
    says where the reasons are, and the outputs are written to read them. One row answered is a
    run done; a table with no rows is a warning, exit 0."""
    header = "patient_id,cancer,stage\n"
    cases = [("bad", header + "p1,stomach,44\np2,stomach,9\n", 1),
             ("one", header + "p1,stomach,44\np2,stomach,4\n", 0),
             ("none", header, 0)]  # fmt: skip
    for name, content, status in cases:
        source = tmp_path / f"{name}.csv"
        source.write_text(content)
        for args in (("cohort", str(source), "--quiet"),
                     ("cohort", "gaps", str(source), "--quiet")):  # fmt: skip
            done = run_cli(*args)
            assert done.status == status, (name, args, done.stderr)
            last = ["", *done.stderr.splitlines()][-1]
            if name == "bad":
                kind = "gaps" if "gaps" in args else "options"
                assert last == ("onconav: error: no row was answered: all 2 are in the "
                                f"quarantine ({tmp_path / name}.{kind}.quarantine.csv), each "
                                "with the reason"), last
            elif name == "none":
                assert last == "onconav: warning: INPUT has no rows: no one was screened"
            else:
                assert "onconav:" not in done.stderr, done.stderr
            assert "Traceback" not in done.stderr
        assert (tmp_path / f"{name}.options.quarantine.csv").is_file()


def test_the_summary_names_the_quarantine_wherever_it_is_read(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run with relative names, the summary's quarantine path had been relative to where the
    run was started, wrong read from anywhere else (a review of the cohort): it is absolute; the
    line printed names it as given."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("patient_id,cancer,stage\np1,stomach,4\np2,stomach,9\n")
    done = run_cli("cohort", "x.csv")
    assert done.status == 0, done.stderr
    assert "1 quarantined (x.options.quarantine.csv)" in done.stdout
    summary = json.loads((tmp_path / "x.options.summary.json").read_text())
    assert summary["quarantine"] == str((tmp_path / "x.options.quarantine.csv").resolve())


@pytest.fixture
def run_cli(run: Run) -> Run:
    return run


def test_the_questions_in_the_docs_are_answered_as_written(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/cohort.md's queries, as written, on the files its commands write: the HER2 gaps are
    of stomach cancers and the KRAS gaps of rectal ones, the patients with symptoms to ask about
    are those the summary counts, the counts per option the summary's."""
    section = (ROOT / "docs" / "cohort.md").read_text().split("## Questions of a population")[1]
    queries = re.findall(r"```sql\n(.*?)```", section.split("\n## ")[0], re.S)
    assert len(queries) == 8
    people = tmp_path / "people.parquet"
    for args in (("demo", "--people", "600", "--out", str(people)), (str(people), "--quiet"),
                 ("gaps", str(people), "--quiet")):  # fmt: skip
        done = run_cli("cohort", *args)
        assert done.status == 0, done.stderr
    monkeypatch.chdir(tmp_path)  # the queries name the files as the commands wrote them
    her2, not_read, advanced, kras, symptoms, relieved, counts, by_cancer = (
        duckdb.sql(q).fetchall() for q in queries)
    assert not_read == []  # a table of people names no result it could not read (a FHIR folder's)
    summary = json.loads((tmp_path / "people.options.summary.json").read_text())
    cancers = dict(duckdb.sql("SELECT patient_id, cancer FROM 'people.parquet'").fetchall())
    for gaps_of, site in ((her2, "stomach"), (kras, "rectum")):
        assert gaps_of, site
        for patient, options, _ in gaps_of:
            assert facts_of(parse_profile({"cancer": cancers[patient]}, KB), KB).site == site
            assert options >= 1
    # never had a HER2 test: no HER2 result on record (a HER2 2+ patient was among them)
    table = duckdb.sql("SELECT * FROM 'people.parquet'")
    rows: dict[str, dict[str, Any]] = {}
    for values in table.fetchall():  # each patient's first row: the one answered
        rows.setdefault(values[0], dict(zip(table.columns, values, strict=True)))
    her2_read = {p: facts_of(parse_profile(profile_data(rows[p]), KB), KB).given["her2"]
                 for p, *_ in her2}  # fmt: skip
    assert her2_read and not any(her2_read.values()), her2_read
    # the HER2 gaps of patients on record as advanced: stage 4, come back, or spread far
    assert advanced and {p for p, *_ in advanced} < {p for p, *_ in duckdb.sql(
        "SELECT patient_id FROM 'people.gaps.csv' WHERE fact = 'her2'").fetchall()}  # fmt: skip
    for patient, *_ in advanced:
        row = facts_of(parse_profile(profile_data(rows[patient]), KB), KB).row
        assert advanced_(row) is Truth.TRUE and not advanced_by_premise(row), (patient, row)
    assert len(symptoms) == summary["missing"]["symptoms"]["patients"] > 0
    # a symptom an option could relieve: those options, as onconav options says them
    assert relieved
    for patient, options in relieved[:40]:
        said = evaluate(parse_profile(profile_data(rows[patient]), KB), KB).options
        assert options == sorted(o.id for o in said if o.relieves_your_symptoms and
                                 o.status.value in ("offered", "needs_information")), patient
    assert {o: (a, b, c) for o, a, b, c in counts} == {
        o: (n["offered"], n["needs_information"], n["not_suitable"])
        for o, n in summary["options"].items() if any(n.values())
    }
    assert list(summary["options"]) == sorted(KB.rules)
    # joined to the input, each result once, though the demo repeats patient_ids (a join to
    # every input row counted a repeated patient's results twice)
    [(repeated,)] = duckdb.sql("SELECT count(*) FROM (SELECT patient_id FROM 'people.parquet' "
                               "GROUP BY patient_id HAVING count(*) > 1)").fetchall()  # fmt: skip
    assert repeated > 0
    assert sum(n for *_, n in by_cancer) == sum(sum(n.values())
                                                for n in summary["options"].values())  # fmt: skip
    assert sum(n for _, n, _ in by_cancer) == sum(n["offered"] for n in summary["options"].values())


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_progress_is_told_each_step_and_ends_at_the_whole(tmp_path: Path, engine: str) -> None:
    """What the bar shows: reading, then how far the deciding got (per cent of DuckDB's work, or
    people), never going back within a step, and the whole at the end."""
    source = tmp_path / "people.parquet"
    demo.write(demo.people(KB, 3000, seed=5), str(source), "parquet")
    told: list[tuple[str, float, float]] = []
    done = run(KB, source, tmp_path / "out.parquet", engine=engine,
               progress=lambda what, n, total: told.append((what, n, total)))  # fmt: skip
    assert told[0] == ("reading", 0, 0) and told[-1] == ("writing", 100, 100)
    steps = [what for what, _, _ in told]
    assert steps.index("reading") < steps.index("deciding") < steps.index("writing")
    assert engine == "python" or steps.index("preparing") < steps.index("deciding")
    for what in set(steps):
        mine = [(n, total) for w, n, total in told if w == what]
        assert [n for n, _ in mine] == sorted(n for n, _ in mine), what
        assert all(0 <= n <= total for n, total in mine if total), what
    if engine == "python":
        assert ("deciding", done.loaded.rows, done.loaded.rows) in told
        # every 500 people, not only after each block of 10,000 read (the bar sat at 0 % for
        # the half minute this engine takes over a block)
        deciding = [0] + [n for what, n, _ in told if what == "deciding"]
        assert max(b - a for a, b in pairwise(deciding)) <= 500, deciding


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_a_small_runs_progress_is_told_before_its_end(
    tmp_path: Path, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run of a few hundred people sat at 0 % until its end: the python engine told how many
    it had answered every 500 people only, and the steps DuckDB does were said to be at 0 of 100
    before DuckDB said anything (it does not measure every query). The python engine now tells
    as time passes too (``PROGRESS_EVERY``, made 0 here: every person), and a step DuckDB does
    starts as not known (a total of 0: the bar moves without a share) until DuckDB says."""
    from onconav.cohort import engines

    monkeypatch.setattr(engines, "PROGRESS_EVERY", 0, raising=False)
    source = tmp_path / "people.parquet"
    demo.write(demo.people(KB, 120, seed=3), str(source), "parquet")
    told: list[tuple[str, float, float]] = []
    run(KB, source, tmp_path / "out.parquet", engine=engine,
        progress=lambda what, n, total: told.append((what, n, total)))  # fmt: skip
    if engine == "python":
        deciding = [(n, total) for what, n, total in told if what == "deciding"]
        assert any(0 < n < total for n, total in deciding), deciding
    else:
        for step in ("preparing", "deciding"):
            first = next((n, total) for what, n, total in told if what == step)
            assert first == (0, 0), (step, told)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_row_number_is_the_place_in_the_file_of_a_large_input(tmp_path: Path, fmt: str) -> None:
    """300,000 rows (several row groups, read in parallel): every bad row is quarantined under
    its own place in the file (the rows were once stored, and numbered, in any order)."""
    source = tmp_path / f"people.{fmt}"
    bad = {1, 77_777, 150_001, 299_999}
    stage = " ".join(f"WHEN {n} THEN '9'" for n in sorted(bad))
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'p' || i AS patient_id, 'rectum' AS cancer, "
        f"CASE i {stage} ELSE '4' END AS stage FROM range(1, 300_001) t(i) ORDER BY i) "
        f"TO '{source}' (FORMAT {fmt})"
    )
    con.close()
    done = run(KB, source, tmp_path / "out.parquet")
    assert done.loaded.quarantined == len(bad)
    rows = quarantined(tmp_path / "out.quarantine.csv")
    assert set(rows) == bad and all(r.startswith("stage:") for r in rows.values())
    con = duckdb.connect()
    where = tmp_path / "out.quarantine.csv"
    ids = dict(con.execute(f"SELECT row, patient_id FROM read_csv('{where}')").fetchall())
    con.close()
    assert ids == {n: f"p{n}" for n in bad}


def test_a_null_item_or_a_value_of_another_json_type_is_never_lost(tmp_path: Path) -> None:
    """NDJSON whose rows differ: a list written as one string is that one item, a string's
    quotes are not part of it, and a list with an empty (null) item, or an object where a list
    belongs, is quarantined with the core's reason; never read as 'none'. Both engines alike."""
    lines = [
        {"patient_id": "a", "cancer": "rectum", "stage": "4", "symptoms": ["bleeding"],
         "wants_cancer_treatment": "no"},
        {"patient_id": "b", "cancer": "rectum", "stage": 4, "symptoms": "bleeding",
         "wants_cancer_treatment": False},
        {"patient_id": "c", "cancer": "rectum", "stage": "4", "symptoms": {"x": 1}},
        {"patient_id": "d", "cancer": "rectum", "stage": "4", "symptoms": [None]},
        {"patient_id": "e", "cancer": "rectum", "stage": "4", "progressed_on": ["FOLFOX", None]},
        {"patient_id": "f", "cancer": "rectum", "stage": "4", "symptoms": None},
    ]  # fmt: skip
    source = tmp_path / "people.ndjson"
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    for engine in ("duckdb", "python"):
        run(KB, source, tmp_path / f"{engine}.parquet", engine=engine)
        bad = quarantined(tmp_path / f"{engine}.quarantine.csv")
        assert sorted(bad) == [3, 4, 5], (engine, bad)
        for row, field in ((4, "symptoms[0]"), (5, "progressed_on[1]")):
            line = lines[row - 1]
            with pytest.raises(ProfileError) as error:
                parse_profile(profile_data(line), KB)
            assert bad[row] == "; ".join(str(p) for p in error.value.problems), engine
            assert bad[row].startswith(field)
        by: dict[str, set[tuple[str, str, str, tuple[str, ...]]]] = {}
        for p, o, s, b, m, _ in results(tmp_path / f"{engine}.parquet"):
            by.setdefault(p, set()).add((o, s, b, m))
        assert by["a"] == by["b"] and set(by) == {"a", "b", "f"}
        expected = evaluate(parse_profile(profile_data(lines[0]), KB), KB)
        assert {(o, s) for o, s, _, _ in by["a"]} == {(o.id, o.status.value)
                                                     for o in expected.options}  # fmt: skip


def test_no_output_overwrites_the_input_or_another_output(run_cli: Run, tmp_path: Path) -> None:
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    (tmp_path / "empty.csv").write_text("")
    out = str(tmp_path / "o.parquet")
    for args, message in [
        (("cohort", str(people), "--out", str(people)), "--out: "),
        (("cohort", str(people), "--out", out, "--quarantine", out), "is the --out file"),
        (("cohort", str(people), "--out", out, "--quarantine", str(people)), "is the INPUT"),
        (("cohort", "gaps", str(people), "--out", str(people)), "is the INPUT"),
        (("cohort", str(tmp_path / "empty.csv")), "is empty"),
    ]:
        done = run_cli(*args)
        assert done.status == 2, args
        [line] = done.errors()
        assert message in line, (args, line)
    assert people.read_text() == "patient_id,cancer,stage\n1,rectum,4\n"


def test_no_output_is_written_over_a_file_there_without_force(run_cli: Run, tmp_path: Path) -> None:
    """`cohort INPUT --out FILE`, `--quarantine FILE`, the summary beside the result, and `cohort
    gaps`' alike wrote over a file that was there (an analyst's own table of people) without a
    word: each is refused, naming the file and --force, exit 2, nothing written; with --force
    every output is written again."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    mine = "patient_id,cancer\nmine,rectum\n"  # the analyst's file
    out, kept = tmp_path / "r.parquet", tmp_path / "mine.csv"
    beside = {"quarantine": tmp_path / "r.quarantine.csv", "summary": tmp_path / "r.summary.json"}
    gaps_quarantine = tmp_path / "g.quarantine.csv"
    tail = "is there already; it is not written over (give {}, or --force to replace it)"
    cases = [
        (["cohort", str(people), "--out", str(kept)], kept,
         f"--out: {kept} " + tail.format("another --out")),
        (["cohort", str(people), "--out", str(out), "--quarantine", str(kept)], kept,
         f"--quarantine: {kept} " + tail.format("another --quarantine")),
        (["cohort", str(people), "--out", str(out)], beside["quarantine"],
         f"--out: the quarantine beside it, {beside['quarantine']}, "
         + tail.format("another --out or a --quarantine FILE")),
        (["cohort", str(people), "--out", str(out)], beside["summary"],
         f"--out: the summary beside it, {beside['summary']}, " + tail.format("another --out")),
        (["cohort", "gaps", str(people), "--out", str(kept)], kept,
         f"--out: {kept} " + tail.format("another --out")),
        (["cohort", "gaps", str(people), "--out", str(tmp_path / "g.csv")], gaps_quarantine,
         f"--out: the quarantine beside it, {gaps_quarantine}, "
         + tail.format("another --out or a --quarantine FILE")),
    ]  # fmt: skip
    for command, there, said in cases:
        there.write_text(mine)
        done = run_cli(*command, "--quiet")
        assert done.status == 2, command
        assert done.errors() == [f"onconav: error: {said}"], command
        assert there.read_text() == mine
        assert set(tmp_path.iterdir()) == {people, there}, command  # nothing written
        done = run_cli(*command, "--quiet", "--force")
        assert done.status == 0, (command, done.stderr)
        assert there.read_text() != mine
        for path in tmp_path.iterdir():
            if path != people:
                path.unlink()


def test_the_summary_never_overwrites_the_input(run_cli: Run, tmp_path: Path) -> None:
    """An INPUT named c.summary.json with --out c.parquet: the summary beside the result would be
    the INPUT; refused, as the other clashes are (it was replaced by the summary)."""
    people = tmp_path / "c.summary.json"
    text = '{"patient_id": "1", "cancer": "rectum", "stage": "4"}\n'
    people.write_text(text)
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "c.parquet"), "--quiet")
    assert done.status == 2 and not (tmp_path / "c.parquet").exists()
    [line] = done.errors()
    assert line == f"onconav: error: --out: the summary beside it would be the INPUT ({people})"
    assert people.read_text() == text


def test_an_out_that_cannot_be_written_is_one_line(run_cli: Run, tmp_path: Path) -> None:
    """--out in a folder no file can be made in (/proc; a read-only share beside the INPUT) is
    one line, exit 2, for the run, gaps and demo (it was a FileNotFoundError traceback from the
    temporary folder the run makes beside --out)."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    for command in (["cohort", str(people)], ["cohort", "gaps", str(people)], ["cohort", "demo"]):
        done = run_cli(*command, "--out", "/proc/r.parquet")
        assert done.status == 2, command
        [line] = done.errors()
        assert line.startswith("onconav: error: --out: cannot write /proc/r.parquet: the folder "
                               "'/proc' cannot be written"), line


def test_an_out_in_a_folder_not_there_is_refused_as_report_refuses_it(run_cli: Run,
                                                                     tmp_path: Path) -> None:
    """--out (and --quarantine) in a folder that is not there is refused for the run, gaps and
    demo, in the words report refuses it with, and nothing is made: `--out
    /nonexistent/x.parquet --force` had made /nonexistent/ without a word (a nurse navigator's
    review: report refused such a folder, cohort and kb check made it). A path through a file
    is refused, naming the file."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    for command, option, out in (
            (["cohort", str(people), "--quiet", "--force"], "--out", "run/2026-11/r.parquet"),
            (["cohort", "run", str(people), "--quiet"], "--out", "run/r.parquet"),
            (["cohort", "gaps", str(people), "--quiet"], "--out", "gaps/g.csv"),
            (["cohort", "demo", "--people", "5", "--force"], "--out", "demo/a/b/p.parquet"),
            (["cohort", str(people), "--quiet", "--out", str(tmp_path / "r.parquet")],
             "--quarantine", "q/q.csv"),
            (["cohort", "gaps", str(people), "--quiet", "--out", str(tmp_path / "g.csv")],
             "--quarantine", "q/q.csv")):  # fmt: skip
        done = run_cli(*command, option, str(tmp_path / out))
        assert done.status == 2, (command, done.stderr)
        folder = (tmp_path / out).parent
        assert done.errors() == [f"onconav: error: {option}: cannot write {tmp_path / out} "
                                 f"(not a file in an existing folder: {str(folder)!r} is not "
                                 "there; make it first)"], command  # fmt: skip
        assert not (tmp_path / out.split("/")[0]).exists(), command
        assert not (tmp_path / "r.parquet").exists() and not (tmp_path / "g.csv").exists()
    done = run_cli("cohort", str(people), "--out", str(people / "r.parquet"))
    assert done.status == 2
    assert done.errors() == [f"onconav: error: --out: cannot write {people / 'r.parquet'} "
                             f"({str(people)!r} is a file, not a folder)"]
    done = run_cli("report", "-p", str(ROOT / "examples" / "rectal-stage4-kras-wild-type.json"),
                   "--out", str(tmp_path / "rep" / "r.html"))  # the same words  # fmt: skip
    assert done.errors() == [f"onconav: error: --out: cannot write {tmp_path / 'rep' / 'r.html'}"
                             f" (not a file in an existing folder: {str(tmp_path / 'rep')!r} is "
                             "not there; make it first)"]  # fmt: skip


def test_a_count_of_one_is_said_in_the_singular(run_cli: Run, tmp_path: Path) -> None:
    """`onconav cohort` of one person said "1 rows: 1 answered" (a nurse navigator's review):
    one row, one result, one person; more, the plural, for the run, gaps and demo alike."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,thyroid,4\n")
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "r.csv"))
    assert done.status == 0, done.stderr
    assert done.stdout.startswith("1 row: 1 answered, 0 quarantined"), done.stdout
    done = run_cli("cohort", "gaps", str(people), "--out", str(tmp_path / "g.csv"))
    assert done.status == 0, done.stderr
    assert "1 row: 1 answered, 0 quarantined" in done.stderr, done.stderr
    done = run_cli("cohort", "demo", "--people", "1", "--out", str(tmp_path / "p.csv"))
    assert done.status == 0 and "wrote 1 person to" in done.stderr, done.stderr
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n2,rectum,4\n")
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "r2.csv"))
    assert done.stdout.startswith("2 rows: 2 answered"), done.stdout
    assert re.search(r"^\d+ results -> ", done.stdout, re.M), done.stdout


def test_a_dot_is_named_by_the_folder_it_is(run_cli: Run, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """`onconav cohort .` (a folder of FHIR Bulk Data, the one the command runs in) writes
    FOLDER.options.parquet beside it, named by the folder (it was a ValueError traceback: '.' has
    an empty name), and `cohort ..` the parent's (it wrote hidden files, '...options.parquet');
    gaps alike."""
    folder = tmp_path / "export"
    folder.mkdir()
    source = ROOT / "tests" / "fhir" / "gej-m1-her2-negative.json"
    for entry in json.loads(source.read_text())["entry"]:
        resource = entry["resource"]
        with (folder / f"{resource['resourceType']}.ndjson").open("a") as out:
            out.write(json.dumps(resource) + "\n")
    monkeypatch.chdir(folder)
    done = run_cli("cohort", ".", "--quiet")
    assert done.status == 0, done.stderr
    assert (tmp_path / "export.options.parquet").is_file()
    assert (tmp_path / "export.options.summary.json").is_file()
    done = run_cli("cohort", "gaps", ".", "--quiet")
    assert done.status == 0, done.stderr
    assert (tmp_path / "export.gaps.csv").is_file()
    inner = folder / "inner"
    inner.mkdir()
    monkeypatch.chdir(inner)
    done = run_cli("cohort", "..", "--quiet", "--force")  # the same outputs, written again
    assert done.status == 0, done.stderr
    assert (tmp_path / "export.options.parquet").is_file()
    assert not list(folder.glob(".*")) and not list(tmp_path.glob(".*"))


def test_an_out_with_no_known_suffix_needs_a_format(run_cli: Run, tmp_path: Path) -> None:
    """`cohort run --out r.txt` is refused, as `cohort gaps --out g.txt` is (it wrote Parquet
    named .txt); with --format it names the format."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    for command, out in ((["cohort"], "r.txt"), (["cohort", "gaps"], "g.txt")):
        done = run_cli(*command, str(people), "--out", str(tmp_path / out), "--quiet")
        assert done.status == 2 and not (tmp_path / out).exists(), command
        [line] = done.errors()
        assert line.startswith(f"onconav: error: --out: {out!r} has no known suffix"), line
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "r.txt"), "--format", "csv")
    assert done.status == 0 and (tmp_path / "r.txt").read_text().startswith("patient_id,")


def test_the_result_is_written_as_its_name_says(run_cli: Run, tmp_path: Path) -> None:
    """--out x.csv without --format is CSV (it was Parquet under a .csv name); a --format that
    --out's suffix contradicts is refused, never written under a name that says another format
    (Parquet in p.csv, which DuckDB's FROM 'p.csv' cannot read; --out x.jsonl was Parquet; a
    --quarantine q.parquet was CSV); --format names the format of a file whose suffix says
    none."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "o.csv"))
    assert done.status == 0, done.stderr
    assert (tmp_path / "o.csv").read_text().startswith("patient_id,option_id,status")
    for out, option in (("p.csv", ["--format", "parquet"]), ("p.parquet", ["--format", "csv"]),
                       ("p.jsonl", ["--format", "parquet"]),
                       ("p.JSON", ["--format", "csv"])):  # fmt: skip
        done = run_cli("cohort", str(people), "--out", str(tmp_path / out), *option)
        assert done.status == 2 and not (tmp_path / out).exists(), out
        [line] = done.errors()
        assert line.startswith(f"onconav: error: --out: {out!r} is ") and "give --format" in line
    for command in (["cohort"], ["cohort", "gaps"]):  # the quarantine is CSV, whatever its name
        done = run_cli(*command, str(people), "--quarantine", str(tmp_path / "q.parquet"))
        assert done.status == 2 and not (tmp_path / "q.parquet").exists()
        assert done.errors() == ["onconav: error: --quarantine: 'q.parquet' is parquet by its "
                                 "suffix, and the quarantine is CSV; give a file ending .csv"]
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "p.jsonl"), "--format", "ndjson")
    assert done.status == 0 and (tmp_path / "p.jsonl").read_text().startswith('{"patient_id"')
    # the suffixes the input's are read by say the result's format too (it was refused)
    for out in ("q.jsonl", "q.JSON", "q.ndjson"):  # one quarantine and summary beside them
        done = run_cli("cohort", str(people), "--out", str(tmp_path / out), "--force")
        assert done.status == 0, (out, done.stderr)
        assert (tmp_path / out).read_text().startswith('{"patient_id"'), out
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "p.out"), "--format", "parquet",
                   "--force")  # p.jsonl's quarantine and summary are there  # fmt: skip
    assert done.status == 0 and (tmp_path / "p.out").read_bytes().startswith(b"PAR1")
    # compressed with zstd (a third of the default's size), every column of it
    codecs = duckdb.execute("SELECT DISTINCT compression FROM parquet_metadata(?)",
                            [str(tmp_path / "p.out")]).fetchall()  # fmt: skip
    assert codecs == [("ZSTD",)]


@pytest.mark.parametrize(("command", "folder", "said"), [
    ((), "x.quarantine.csv", "the quarantine beside it"),
    ((), "x.summary.json", "the summary beside it"),
    (("gaps",), "x.quarantine.csv", "the quarantine beside it"),
])  # fmt: skip
def test_a_folder_where_a_file_beside_the_result_goes_stops_the_run_first(
    run_cli: Run, tmp_path: Path, command: tuple[str, ...], folder: str, said: str
) -> None:
    """A folder named as the quarantine or the summary beside --out: the run failed with a
    traceback once the result was written, and left it without them (a review of the cohort).
    It is one line before the run, naming the folder, and nothing is written."""
    people = tmp_path / "people.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n")
    (tmp_path / folder).mkdir()
    out = tmp_path / ("x.csv" if command else "x.parquet")
    done = run_cli("cohort", *command, str(people), "--out", str(out), "--quiet")
    assert done.status == 2 and not out.exists()
    [line] = done.errors()
    assert f"--out: {said}, {tmp_path / folder}, is a folder" in line, line


def test_the_files_beside_a_result_keep_every_part_of_its_name(
    run_cli: Run, tmp_path: Path
) -> None:
    """`--out screen.2026-11 --format csv` wrote screen.quarantine.csv and screen.summary.json:
    the name's last part was taken for a format's ending, and December's run (screen.2026-12)
    wrote over November's quarantine and summary. Only a format's ending is left out."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage\n1,rectum,4\n2,rectum,9\n")
    for month in ("2026-11", "2026-12"):
        done = run_cli("cohort", str(people), "--format", "csv", "--quiet",
                       "--out", str(tmp_path / f"screen.{month}"))  # fmt: skip
        assert done.status == 0, done.stderr
        assert (tmp_path / f"screen.{month}.quarantine.csv").is_file()
        assert (tmp_path / f"screen.{month}.summary.json").is_file()
    assert not (tmp_path / "screen.quarantine.csv").exists()
    assert quarantine_beside(tmp_path / "r.parquet") == tmp_path / "r.quarantine.csv"
    assert summary_beside(tmp_path / "r.CSV") == tmp_path / "r.summary.json"


def test_the_demo_population_gives_every_value_of_every_fact() -> None:
    """``onconav cohort demo`` says it gives every value of every fact: each value of the
    knowledge base's vocabulary (and yes and no) is given by a row that is answered, and read
    by the core, each fact's own values are among the answered rows' (HER2 equivocal was not:
    the ISH question never came up in the demo's gaps)."""
    for n, seed in ((1000, 13), (600, 5)):
        rows = demo.people(KB, n, seed=seed)
        given: set[tuple[str, object]] = set()
        read: set[tuple[str, object]] = set()
        for row in rows:
            try:
                facts = facts_of(parse_profile(profile_data(row), KB), KB)
            except ProfileError:
                continue
            for fact, value in row.items():
                given |= {(fact, v) for v in (value if isinstance(value, list) else [value])}
            for fact, value in facts.given.items():
                read |= {(fact, v) for v in (value if isinstance(value, frozenset) else [value])}
        assert not [p for p in demo.every_value(KB) if p not in given], (n, seed)
        own = {(f, v.id) for f, fact in KB.facts.items() for v in fact.values} | {
            (f, b) for f, fact in KB.facts.items() if fact.type.value == "bool"
            for b in (True, False)}  # fmt: skip
        assert ("her2", "equivocal") in own
        assert not own - read, (n, seed, own - read)


def test_the_summary_counts_every_option_with_zeros(tmp_path: Path) -> None:
    """The summary's ``options`` had left out the options no patient is in scope for (90 of 97
    in a 6-row run): an analyst counting whom each option applies to did not see the zeros.
    Every option of the knowledge base is there; those with no result row count zero."""
    source = tmp_path / "two.csv"
    source.write_text("patient_id,cancer,stage\n1,stomach,4\n2,stomach,4\n")
    out = tmp_path / "two.parquet"
    done = run(KB, source, out)
    options = done.summary["options"]
    assert list(options) == sorted(KB.rules)
    with duckdb.connect() as con:
        results = dict(con.execute(f"SELECT option_id, count(*) FROM '{out}' "
                                   "GROUP BY option_id").fetchall())  # fmt: skip
    assert {o: sum(n.values()) for o, n in options.items()} == {
        o: results.get(o, 0) for o in KB.rules}
    assert 0 < len(results) < len(KB.rules)
    assert set(next(iter(options.values()))) == {s.value for s in Status}


def test_an_input_named_as_a_command_is_read_as_input(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A FHIR export folder named ``demo`` or ``gaps``, given with an option only a run takes
    (``onconav cohort demo --quiet``), had been taken for the command ("No such option:
    --quiet"); it is read as INPUT, as ``onconav cohort run demo`` reads it. Given with what the
    command takes, or with no folder of that name, the command runs."""
    monkeypatch.chdir(tmp_path)
    for name in ("demo", "gaps"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Patient.ndjson").write_text(
            json.dumps({"resourceType": "Patient", "id": "p1"}) + "\n")
        done = run_cli("cohort", name, "--quiet", "--engine", "python")
        assert done.status == 1, done.stderr  # read: its one patient has no cancer
        assert "No such option" not in done.stderr
        assert (tmp_path / f"{name}.options.summary.json").exists()
    done = run_cli("cohort", "demo", "--people", "3", "--out", "p.parquet")
    assert done.status == 0 and (tmp_path / "p.parquet").exists(), done.stderr
    done = run_cli("cohort", "gaps", "demo", "--quiet")
    assert (tmp_path / "demo.gaps.csv").exists(), done.stderr


def test_a_cancer_named_with_its_spread_is_answered_alike_by_both_engines(tmp_path: Path) -> None:
    """"gastric cancer with peritoneal carcinomatosis" gives the places of spread when none are
    given (the profile's reading); a places answer given wins. Both engines answer alike, as
    ``onconav options`` does (the duckdb engine had read the list column alone: the spread was
    lost to it)."""
    source = tmp_path / "people.csv"
    source.write_text("patient_id,cancer,stage,metastases\n"
                      "a,gastric cancer with peritoneal carcinomatosis,4,\n"
                      "b,gastric cancer with peritoneal carcinomatosis,4,liver\n"
                      "c,gastric cancer,4,\n", "utf-8")  # fmt: skip
    answers = []
    for engine in ("duckdb", "python"):
        run(KB, source, tmp_path / f"{engine}.csv", engine=engine, fmt="csv")
        answers.append(sorted((tmp_path / f"{engine}.csv").read_text("utf-8").splitlines()))
    assert answers[0] == answers[1]
    with (tmp_path / "duckdb.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # the spread is known for a (the peritoneum) and b (the liver), not for c: asked of c only
    asks = {r["patient_id"] for r in rows if "metastases" in r["missing"]}
    assert "c" in asks and not asks & {"a", "b"}, asks
    from onconav.engine import evaluate
    from onconav.profile import parse_profile

    for pid, places in (("a", None), ("b", ["liver"])):  # as ``onconav options`` answers them
        person = {"cancer": "gastric cancer with peritoneal carcinomatosis", "stage": "4"}
        one = evaluate(parse_profile({**person, "metastases": places} if places else person,
                                     KB), KB)  # fmt: skip
        assert {(r["option_id"], r["status"]) for r in rows if r["patient_id"] == pid} == {
            (o.id, o.status.value) for o in one.options}, pid


def test_quiet_says_nothing_but_warnings_and_errors(run_cli: Run, tmp_path: Path) -> None:
    """``--quiet`` is for a pipeline: no bar and no lines of counts (review17 item 13: the run
    printed its two lines, gaps its counts on stderr); the gaps' table is its output and
    stays; a warning (a column with no name and no value) and an error still show."""
    people = tmp_path / "in.csv"
    people.write_text("patient_id,cancer,stage,\n1,stomach,4,\n2,stomach,9,\n")
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "r.csv"), "--quiet")
    assert done.status == 0 and done.stdout == "", done.stdout
    assert [line for line in done.stderr.splitlines()
            if not line.startswith("onconav: warning:")] == [], done.stderr  # fmt: skip
    assert "warning" in done.stderr
    done = run_cli("cohort", "gaps", str(people), "--out", str(tmp_path / "g.csv"), "--quiet")
    assert done.status == 0 and done.stdout.startswith("fact\ttest\t"), done.stdout
    assert [line for line in done.stderr.splitlines()
            if not line.startswith("onconav: warning:")] == [], done.stderr  # fmt: skip
    people.write_text("patient_id,cancer,stage\n1,stomach,9\n")
    done = run_cli("cohort", str(people), "--out", str(tmp_path / "r2.csv"), "--quiet")
    assert done.status == 1 and "no row was answered" in done.stderr and done.stdout == ""
