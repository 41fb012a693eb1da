"""The engines of a cohort run: ``duckdb`` (the rules compiled to SQL over the facts table, no
Python per row) and ``python`` (the per-person rules of ``onconav.logic``, the reference). Both
write the same table, one row per (patient, option in the patient's scope): ``patient_id``,
``option_id``, ``status``, ``because`` (the line of ``STATUS_RULES`` that gave the status) and
``missing`` (the facts not known that would decide it, sorted)."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from onconav.cohort.table import watched
from onconav.engine import undecided_facts
from onconav.kb import KnowledgeBase
from onconav.kb.rules import Expr, Not, Rules, Test
from onconav.logic import (
    DUCKDB,
    STATUS_RULES,
    Dialect,
    FactValue,
    Leaf,
    Status,
    Truth,
    advanced,
    advanced_sql,
    because_sql,
    column,
    decide,
    hit_sql,
    hit_truth,
    implied_sql,
    in_scope,
    leaf_sql,
    quote,
    ruled_out_sql,
    scope_sql,
    status_of_sql,
    to_sql,
)
from onconav.profile import ProfileError, facts_of, facts_table, parse_profile

ENGINES = ("duckdb", "spark", "python")
DEFAULT_MASTER = "local[*]"  # Spark's, for --engine spark
RESULT_COLUMNS = ("patient_id VARCHAR, option_id VARCHAR, status VARCHAR, because VARCHAR, "
                  "missing VARCHAR[]")  # fmt: skip
Progress = Callable[[int], None]


# --------------------------------------------------------------------------------------------
# Python: the reference
# --------------------------------------------------------------------------------------------


def missing_facts(rules: Rules, row: dict[str, FactValue], status: Status, condition: Truth,
                  out: Truth) -> list[str]:  # fmt: skip
    """The facts not known that would decide the option, as ``engine.evaluate_option`` lists
    them (sorted here)."""
    if status in (Status.not_suitable, Status.declined):
        return []
    undecided = undecided_facts(rules.when, row) if condition is Truth.UNKNOWN else []
    if out is Truth.UNKNOWN:
        unsure = {r.fact for r in rules.ruled_out if hit_truth(r, row) is Truth.UNKNOWN}
        undecided += [f for f in ("progressed_on", "cannot_have") if f in unsure]
    if advanced(row) is Truth.UNKNOWN:
        undecided.append("recurrence")
    return sorted(set(undecided))


def person_rows(patient_id: str, data: dict[str, object], kb: KnowledgeBase,
                rules: list[Rules]) -> Iterator[tuple[str, str, str, str, list[str]]]:  # fmt: skip
    """One person's rows of the result; raises ProfileError if the data cannot be read."""
    facts = facts_of(parse_profile(data, kb), kb)
    row = facts.row
    for r in rules:
        if in_scope(r.scope, facts.site, row):
            status, because, condition, out = decide(r, row)
            yield patient_id, r.option, status.value, because, missing_facts(
                r, row, status, condition, out
            )


def profile_data(record: dict[str, object]) -> dict[str, object]:
    """A row of the input (as given) as the profile data ``parse_profile`` reads."""
    data: dict[str, object] = {}
    markers = {}
    for name, value in record.items():
        if name in ("patient_id", "_row") or value is None:
            continue
        if name in ("her2", "kras"):
            markers[name] = value
        else:
            data[name] = value
    if markers:
        data["biomarkers"] = markers
    return data


def run_python(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, progress: Progress) -> None:
    """The ``python`` engine over table ``src``: tables ``result`` and ``quarantine``."""
    rules = list(kb.rules.values())
    names = [d[0] for d in con.execute("SELECT * FROM src LIMIT 0").description]
    cursor = con.cursor()
    cursor.execute("SELECT * FROM src ORDER BY _row")
    seen: dict[str, int] = {}
    bad: list[tuple[int, str | None, str]] = []
    answered = 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            while batch := cursor.fetchmany(10_000):
                for values in batch:
                    record = dict(zip(names, values, strict=True))
                    number, patient = int(str(record["_row"])), record["patient_id"]
                    reasons = []
                    if patient is None:
                        reasons.append("patient_id: missing")
                    elif patient in seen:
                        reasons.append(f"patient_id: the same as row {seen[patient]}")
                    else:
                        seen[str(patient)] = number
                    try:
                        rows = list(person_rows(str(patient), profile_data(record), kb, rules))
                    except ProfileError as error:
                        reasons += [str(p) for p in error.problems]
                    if reasons:
                        bad.append((number, None if patient is None else str(patient),
                                    "; ".join(reasons)))  # fmt: skip
                        continue
                    for p, o, s, b, m in rows:
                        out.writerow((p, o, s, b, "[" + ", ".join(m) + "]"))
                answered += len(batch)
                progress(answered)
        con.execute(f"CREATE TABLE result AS SELECT * FROM read_csv({quote(str(path))}, "
                    f"header=false, columns={{{_spec(RESULT_COLUMNS)}}})")  # fmt: skip
    con.execute("CREATE TABLE quarantine (row BIGINT, patient_id VARCHAR, reason VARCHAR)")
    con.executemany("INSERT INTO quarantine VALUES (?, ?, ?)", bad)


def _spec(columns: str) -> str:
    return ", ".join(quote(p.split()[0]) + ": " + quote(p.split()[1]) for p in columns.split(", "))


# --------------------------------------------------------------------------------------------
# DuckDB: the same, compiled
# --------------------------------------------------------------------------------------------


class Leaves:
    """Each distinct test of the rules as a column of the person's row (``_t0``, ``_t1``, ...):
    worked out once per person, however many options ask it; ``sql`` is each column's test."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.sql: dict[str, str] = {}  # column -> test
        self.fact: dict[str, str] = {}  # column -> the fact it tests
        self._columns: dict[str, str] = {}  # test -> column

    def __call__(self, test: Test) -> str:
        sql = leaf_sql(test, self.dialect)
        if sql not in self._columns:
            self._columns[sql] = name = column(f"_t{len(self._columns)}")
            self.sql[name] = sql
            self.fact[name] = test.fact
        return self._columns[sql]


def _undecided_sql(expr: Expr, path: list[str], found: dict[str, list[str]], leaf: Leaf) -> None:
    """For each fact, when knowing it would decide ``expr``: every expression on the way from
    the condition down to one of its tests is UNKNOWN (``engine.undecided_facts``)."""
    here = [*path, f"{to_sql(expr, leaf)} IS NULL"]
    if isinstance(expr, Test):
        found.setdefault(expr.fact, []).append("(" + " AND ".join(here) + ")")
    elif isinstance(expr, Not):
        _undecided_sql(expr.part, here, found, leaf)
    else:
        for part in expr.parts:
            _undecided_sql(part, here, found, leaf)


DECIDED = tuple(b for s, b in STATUS_RULES if s in (Status.not_suitable, Status.declined))


def missing_sql(rules: Rules, leaf: Leaf, dialect: Dialect) -> str:
    """``missing_facts`` as a SQL list, over a row with ``_condition``, ``_ruled_out`` and
    ``_because``."""
    found: dict[str, list[str]] = {}
    _undecided_sql(rules.when, [], found, leaf)
    whens: dict[str, list[str]] = {f: [f"({column('_condition')} IS NULL AND ({' OR '.join(c)}))"]
                                   for f, c in found.items()}  # fmt: skip
    for r in rules.ruled_out:
        if r.fact in ("progressed_on", "cannot_have"):
            unsure = f"({column('_ruled_out')} IS NULL AND {hit_sql(r, leaf)} IS NULL)"
            whens.setdefault(r.fact, []).append(unsure)
    whens.setdefault("recurrence", []).append(f"({advanced_sql(leaf)} IS NULL)")
    items = [f"CASE WHEN {' OR '.join(c)} THEN {quote(f)} END" for f, c in sorted(whens.items())]
    decided = f"{column('_because')} IN ({', '.join(quote(b) for b in DECIDED)})"
    return (f"CASE WHEN {decided} THEN {dialect.array([])} "
            f"ELSE {dialect.not_null(dialect.array(items))} END")  # fmt: skip


def results_sql(kb: KnowledgeBase, table: str = "facts",
                dialect: Dialect = DUCKDB) -> tuple[list[tuple[str, str]], str]:  # fmt: skip
    """The tables to make, in order, each (name, query), and the query of the result over them:
    (patient_id, option_id, status, because, missing) for every person of a facts table and
    every option in their scope.

    1. ``people``: the facts with the implied facts added, in order (as ``logic.statuses_sql``).
    2. ``tests_<fact>`` for each list fact: its tests (``Leaves``) worked out once per distinct
       list of the population (a test of a list is costly; a population has few distinct lists).
    3. ``decided_facts``: each person with every test of the rules as a column (``Leaves``),
       those of lists joined from step 2, the others worked out here.
    4. The result: per option, over ``decided_facts``."""
    leaf = Leaves(dialect)
    selects = []
    for r in kb.rules.values():
        inner = (f"SELECT *, {to_sql(r.when, leaf)} AS _condition, "
                 f"{ruled_out_sql(r, leaf)} AS _ruled_out "
                 f"FROM decided_facts WHERE {scope_sql(r.scope, leaf)}")  # fmt: skip
        decided = f"SELECT *, {because_sql(r, leaf)} AS _because FROM ({inner})"
        selects.append(f"SELECT person_id AS patient_id, {quote(r.option)} AS option_id, "
                       f"{status_of_sql(column('_because'))} AS status, _because AS because, "
                       f"{missing_sql(r, leaf, dialect)} AS missing FROM ({decided})")  # fmt: skip
    columns = facts_table(kb)
    names = [n for n, _, _ in columns]
    previous = f"(SELECT {', '.join(column(n) for n in names)} FROM {table})"
    for step in kb.implied:
        implied = implied_sql(step, leaf_sql_of(dialect), dialect)
        previous = ("(SELECT " + ", ".join(f"{implied} AS {column(n)}" if n == step.fact
                                           else column(n) for n in names)
                    + f" FROM {previous})")  # fmt: skip
    steps = [("people", f"SELECT * FROM {previous}")]
    lists = {n for n, sql_type, _ in columns if sql_type.endswith("[]")}
    tests, joins = [], []
    for fact in sorted({f for f in leaf.fact.values() if f in lists}):
        mine = [name for name, f in leaf.fact.items() if f == fact]
        steps.append((f"tests_{fact}", f"SELECT {column(fact)}, "
                      + ", ".join(f"{leaf.sql[name]} AS {name}" for name in mine)
                      + f" FROM (SELECT DISTINCT {column(fact)} FROM people)"))  # fmt: skip
        joins.append(f"LEFT JOIN {column('tests_' + fact)} ON people.{column(fact)} "
                     f"IS NOT DISTINCT FROM {column('tests_' + fact)}.{column(fact)}")  # fmt: skip
        tests += [f"{column('tests_' + fact)}.{name} AS {name}" for name in mine]
    tests += [f"{sql} AS {name}" for name, sql in leaf.sql.items() if leaf.fact[name] not in lists]
    steps.append(("decided_facts", f"SELECT people.person_id, people.site, {', '.join(tests)} "
                                   f"FROM people {' '.join(joins)}"))  # fmt: skip
    return steps, "\nUNION ALL\n".join(selects)


def leaf_sql_of(dialect: Dialect) -> Leaf:
    """The tests written out in full (before the table of tests exists)."""
    return lambda test: leaf_sql(test, dialect)


def run_duckdb(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase,
               report: Callable[[float], None] = lambda done: None) -> None:  # fmt: skip
    """The ``duckdb`` engine over table ``facts``: the tables of ``results_sql`` (``report`` is
    told how far, 0 to 100) and a view ``result`` over the last (computed as it is written);
    ``facts`` and the other tables are dropped once read."""
    steps, result = results_sql(kb)
    for i, (name, query) in enumerate(steps):

        def step(done: float, i: int = i) -> None:
            report(100 * (i + done / 100) / len(steps))

        watched(con, f"CREATE TEMP TABLE {column(name)} AS {query}", step)
    for name, _ in steps[:-1]:  # the result reads the last table only: the others' memory back
        con.execute(f"DROP TABLE {column(name)}")
    con.execute("DROP TABLE facts")
    con.execute("CREATE VIEW result AS " + result)
