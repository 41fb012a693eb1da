"""The engines of a cohort run: ``duckdb`` (the rules compiled to SQL over the facts table, no
Python per row) and ``python`` (the per-person rules of ``onconav.logic``, the reference). Both
write the same table, one row per (patient, option in the patient's scope): ``patient_id``,
``option_id``, ``status``, ``because`` (the line of ``STATUS_RULES`` that gave the status),
``missing`` (the facts not known that would decide it, sorted) and ``relieves`` (whether the
option is for a symptom the person has, as ``onconav options`` says ``relieves_your_symptoms``)."""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from onconav.cohort.reasons import in_column_order
from onconav.cohort.table import (
    EMPTY_ROW,
    FIRST_QUARANTINED,
    SAME_ID,
    as_given,
    id_problem,
    number_id,
    profile_data,
    watched,
)
from onconav.kb import KnowledgeBase
from onconav.kb.rules import Rules
from onconav.logic import (
    Truth,
    column,
    decide,
    in_scope,
    missing_facts,
    quote,
    relieves,
)
from onconav.profile import ProfileError, facts_of, parse_profile
from onconav.sql import results_sql

ENGINES = ("duckdb", "spark", "python")
DEFAULT_MASTER = "local[*]"  # Spark's, for --engine spark
RESULT_COLUMNS = ("patient_id VARCHAR, option_id VARCHAR, status VARCHAR, because VARCHAR, "
                  "missing VARCHAR[], relieves BOOLEAN")  # fmt: skip
Progress = Callable[[int], None]
# How often, at most, the python engine tells how many people it has answered: every this many
# seconds, as well as every ``PROGRESS_PEOPLE`` people (every 500 alone had left a run of a few
# hundred people at 0 % until its end)
PROGRESS_EVERY = 0.2
PROGRESS_PEOPLE = 500
ResultRow = tuple[str, str, str, str, list[str], bool]  # a row of RESULT_COLUMNS


# --------------------------------------------------------------------------------------------
# Python: the reference
# --------------------------------------------------------------------------------------------


def person_rows(patient_id: str, data: dict[str, object], kb: KnowledgeBase,
                rules: list[Rules]) -> Iterator[ResultRow]:  # fmt: skip
    """One person's rows of the result; raises ProfileError if the data cannot be read.
    ``relieves``: whether the option is for a symptom the person has, as ``onconav options``
    says it (``relieves_your_symptoms``: ``relieves`` TRUE)."""
    facts = facts_of(parse_profile(data, kb), kb)
    row = facts.row
    for option in rules:
        if in_scope(option.scope, facts.site, row):
            r = option.at(facts.site)
            status, because, condition, out = decide(r, row)
            missing = missing_facts(r, row, status, condition, out)
            yield (patient_id, r.option, status.value, because, sorted(missing),  # as SQL sorts
                   relieves(r, row) is Truth.TRUE)


def run_python(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, progress: Progress) -> str:
    """The ``python`` engine over table ``src``: tables ``result`` and ``quarantine``; returns
    the query of the result."""
    rules = list(kb.rules.values())
    names = [d[0] for d in con.execute("SELECT * FROM src LIMIT 0").description]
    cursor = con.cursor()
    cursor.execute("SELECT * FROM src ORDER BY _row")
    # the rows of a patient_id given more than once, as the table's reading found them (one rule)
    repeats = {int(r): (int(first), differ) for r, first, differ in
               con.execute("SELECT _row, first, differ FROM repeats").fetchall()}  # fmt: skip
    bad: list[tuple[int, str | None, str]] = []
    quarantined: set[int] = set()  # the rows in ``bad``

    answered = 0
    told = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            while batch := cursor.fetchmany(10_000):
                for values in batch:
                    answered += 1
                    # (a batch takes this engine half a minute; a small run, a second or two)
                    if answered % PROGRESS_PEOPLE == 0 or time.monotonic() - told >= PROGRESS_EVERY:
                        progress(answered)
                        told = time.monotonic()
                    record = dict(zip(names, values, strict=True))
                    number, patient = int(str(record["_row"])), record["patient_id"]
                    reasons = []
                    if all(v is None for k, v in record.items() if k != "_row"):
                        bad.append((number, None, EMPTY_ROW))  # no person: as table._join says
                        continue
                    if (wrong := id_problem(patient)) is not None:
                        reasons.append(wrong)
                        # not text: not said in the quarantine, as _join; a number of a
                        # number column that is no id as given (2.5)
                        patient = number_id(patient)
                    else:
                        patient = as_given(patient)
                    if number in repeats:  # rows that differ, or a copy of an earlier row
                        first, differ = repeats[number]
                        reasons.append(differ or f"{SAME_ID}{first}" + (
                            FIRST_QUARANTINED if first in quarantined else ""))  # fmt: skip
                    try:
                        rows = list(person_rows(str(patient), profile_data(record), kb, rules))
                    except ProfileError as error:  # in the order of the columns, as _join
                        reasons += in_column_order(error.problems, names)
                    if reasons:
                        bad.append((number, None if patient is None else str(patient),
                                    "; ".join(reasons)))  # fmt: skip
                        quarantined.add(number)
                        continue
                    for p, o, s, b, m, eases in rows:
                        out.writerow((p, o, s, b, "[" + ", ".join(m) + "]", str(eases).lower()))
                progress(answered)
        # the dialect given, not sniffed: a file with no row (no one answered) has none to sniff
        con.execute(f"CREATE TABLE result AS SELECT * FROM read_csv({quote(str(path))}, "
                    "header=false, auto_detect=false, delim=',', quote='\"', escape='\"', "
                    f"columns={{{_spec(RESULT_COLUMNS)}}})")  # fmt: skip
    con.execute("CREATE TABLE quarantine (row BIGINT, patient_id VARCHAR, reason VARCHAR)")
    if bad:  # executemany refuses an empty list
        con.executemany("INSERT INTO quarantine VALUES (?, ?, ?)", bad)
    return "SELECT * FROM result"


def _spec(columns: str) -> str:
    return ", ".join(quote(p.split()[0]) + ": " + quote(p.split()[1]) for p in columns.split(", "))


# --------------------------------------------------------------------------------------------
# DuckDB: the same, compiled
# --------------------------------------------------------------------------------------------


def run_duckdb(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase,
               report: Callable[[float], None] = lambda done: None) -> str:  # fmt: skip
    """The ``duckdb`` engine over table ``facts``: the tables of ``results_sql`` (``report`` is
    told how far, 0 to 100); returns the query of the result over the last, computed as it is
    written (never a view: DuckDB would bind the query of 97 options twice, 0.2 s a run).
    ``facts`` and the other tables are dropped once read."""
    steps, result = results_sql(kb)
    for i, (name, query) in enumerate(steps):

        def step(done: float, i: int = i) -> None:
            report(100 * (i + done / 100) / len(steps))

        watched(con, f"CREATE TEMP TABLE {column(name)} AS {query}", step)
    for name, _ in steps[:-1]:  # the result reads the last table only: the others' memory back
        con.execute(f"DROP TABLE {column(name)}")
    con.execute("DROP TABLE facts")
    return result
