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

from onconav.engine import undecided_facts
from onconav.kb import KnowledgeBase
from onconav.kb.rules import Expr, Not, Rules, Test
from onconav.logic import (
    ADVANCED_SQL,
    STATUS_RULES,
    FactValue,
    Status,
    Truth,
    advanced,
    column,
    decide,
    hit_truth,
    implied_sql,
    in_scope,
    quote,
    ruled_out_sql,
    scope_sql,
    status_sql,
    to_sql,
)
from onconav.profile import ProfileError, facts_of, parse_profile

ENGINES = ("duckdb", "python")
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
                progress(len(batch))
        con.execute(f"CREATE TABLE result AS SELECT * FROM read_csv({quote(str(path))}, "
                    f"header=false, columns={{{_spec(RESULT_COLUMNS)}}})")  # fmt: skip
    con.execute("CREATE TABLE quarantine (row BIGINT, patient_id VARCHAR, reason VARCHAR)")
    con.executemany("INSERT INTO quarantine VALUES (?, ?, ?)", bad)


def _spec(columns: str) -> str:
    return ", ".join(quote(p.split()[0]) + ": " + quote(p.split()[1]) for p in columns.split(", "))


# --------------------------------------------------------------------------------------------
# DuckDB: the same, compiled
# --------------------------------------------------------------------------------------------


def _undecided_sql(expr: Expr, path: list[str], found: dict[str, list[str]]) -> None:
    """For each fact, when knowing it would decide ``expr``: every expression on the way from
    the condition down to one of its tests is UNKNOWN (``engine.undecided_facts``)."""
    here = [*path, f"{to_sql(expr)} IS NULL"]
    if isinstance(expr, Test):
        found.setdefault(expr.fact, []).append("(" + " AND ".join(here) + ")")
    elif isinstance(expr, Not):
        _undecided_sql(expr.part, here, found)
    else:
        for part in expr.parts:
            _undecided_sql(part, here, found)


def missing_sql(rules: Rules) -> str:
    """``missing_facts`` as a SQL list, over a row with ``_condition``, ``_ruled_out`` and
    ``_status``."""
    found: dict[str, list[str]] = {}
    _undecided_sql(rules.when, [], found)
    whens: dict[str, list[str]] = {f: [f"({column('_condition')} IS NULL AND ({' OR '.join(c)}))"]
                                   for f, c in found.items()}  # fmt: skip
    for r in rules.ruled_out:
        if r.fact in ("progressed_on", "cannot_have"):
            col = column(r.fact)
            hit = f"(CASE WHEN {col} IS NULL THEN FALSE ELSE {to_sql(r.test)} END)"
            unsure = f"({column('_ruled_out')} IS NULL AND {hit} IS NULL)"
            whens.setdefault(r.fact, []).append(unsure)
    whens.setdefault("recurrence", []).append(f"({ADVANCED_SQL} IS NULL)")
    items = [f"CASE WHEN {' OR '.join(c)} THEN {quote(f)} END" for f, c in sorted(whens.items())]
    decided = f"{column('_status')} IN ('not_suitable', 'declined')"
    return (f"CASE WHEN {decided} THEN []::VARCHAR[] ELSE "
            f"list_filter([{', '.join(items)}]::VARCHAR[], "
            "lambda x: x IS NOT NULL) END")  # fmt: skip


def because_sql(rules: Rules) -> str:
    """The line of ``STATUS_RULES`` that gave the status: the status query, read for the line."""
    text = status_sql(rules)
    for status, because in STATUS_RULES:
        text = text.replace(f"THEN {quote(status.value)}", f"THEN {quote(because)}", 1)
    return text.replace(f"ELSE {quote(Status.offered.value)} END", f"ELSE {quote('otherwise')} END")


def results_sql(kb: KnowledgeBase, table: str = "facts") -> str:
    """(patient_id, option_id, status, because, missing) for every person of a facts table and
    every option in their scope; the implied facts added first, as ``logic.statuses_sql``."""
    steps = [f"given AS (SELECT * FROM {table})"]
    previous = "given"
    for i, step in enumerate(kb.implied, 1):
        steps.append(f"implied_{i} AS (SELECT * REPLACE ({implied_sql(step)} AS "
                     f"{column(step.fact)}) FROM {previous})")  # fmt: skip
        previous = f"implied_{i}"
    selects = []
    for r in kb.rules.values():
        inner = (f"SELECT *, {to_sql(r.when)} AS _condition, {ruled_out_sql(r)} AS _ruled_out "
                 f"FROM {previous} WHERE {scope_sql(r.scope)}")  # fmt: skip
        decided = (f"SELECT *, {status_sql(r)} AS _status, {because_sql(r)} AS _because "
                   f"FROM ({inner})")  # fmt: skip
        selects.append(f"SELECT person_id AS patient_id, {quote(r.option)} AS option_id, "
                       f"_status AS status, _because AS because, {missing_sql(r)} AS missing "
                       f"FROM ({decided})")  # fmt: skip
    return "WITH " + ",\n".join(steps) + "\n" + "\nUNION ALL\n".join(selects)


def run_duckdb(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    """The ``duckdb`` engine over table ``facts``: a view ``result`` (computed as it is written)."""
    con.execute("CREATE VIEW result AS " + results_sql(kb))

