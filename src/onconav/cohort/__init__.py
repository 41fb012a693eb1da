"""Population screening: every patient of a table at once (docs/cohort.md). ``run`` reads an input
table of people (Parquet, CSV, NDJSON) into DuckDB, puts the rows that cannot be read in a
quarantine, decides every option for the others with an engine (``duckdb`` or ``python``) and
writes one row per (patient, option) and a summary; ``gaps`` lists the facts not on record that
would decide a patient's options, with the tests that settle them."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from onconav.cohort.engines import ENGINES, run_duckdb, run_python
from onconav.cohort.table import CohortError, Loaded, format_of, load
from onconav.kb import KnowledgeBase
from onconav.logic import Status, column, quote

OUT_FORMATS = ("parquet", "csv", "ndjson")
COPY = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true", "ndjson": "FORMAT json"}


@dataclass
class Run:
    """What a run did: rows read, answered and quarantined, result rows, and the summary."""

    loaded: Loaded
    results: int
    summary: dict[str, Any] = field(default_factory=dict)


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # ours is on stderr, and only without --quiet
    return con


def copy_to(con: duckdb.DuckDBPyConnection, query: str, path: Path, fmt: str) -> None:
    con.execute(f"COPY ({query}) TO {quote(str(path))} ({COPY[fmt]})")


def summarise(con: duckdb.DuckDBPyConnection, loaded: Loaded) -> dict[str, Any]:
    """Per option, how many patients it is offered to, needs information for, ...; per missing
    fact, how many patients' options (and how many options in all) it would decide."""
    statuses = [s.value for s in Status]
    counts = ", ".join(f"count(*) FILTER (WHERE status = {quote(s)}) AS {column(s)}"
                       for s in statuses)  # fmt: skip
    options = {
        str(row[0]): dict(zip(statuses, (int(v) for v in row[1:]), strict=True))
        for row in con.execute(
            f"SELECT option_id, {counts} FROM result_table GROUP BY option_id ORDER BY option_id"
        ).fetchall()
    }
    missing = {
        str(fact): {"patients": int(patients), "options": int(n)}
        for fact, patients, n in con.execute(
            "SELECT fact, count(DISTINCT patient_id), count(*) FROM "
            "(SELECT patient_id, unnest(missing) AS fact FROM result_table) "
            "GROUP BY fact ORDER BY count(DISTINCT patient_id) DESC, fact"
        ).fetchall()
    }
    return {"rows": loaded.rows, "answered": loaded.answered, "quarantined": loaded.quarantined,
            "options": options, "missing": missing}  # fmt: skip


def run(
    kb: KnowledgeBase,
    source: Path,
    out: Path,
    *,
    engine: str = "duckdb",
    fmt: str = "parquet",
    input_format: str | None = None,
    quarantine: Path | None = None,
    summary: Path | None = None,
    progress: Callable[[int, int], None] = lambda advance, total: None,
) -> Run:
    """Read ``source``, decide every option for every person who can be read, and write the
    result to ``out``, the quarantine (CSV: row, patient_id, reason) and the summary (JSON)."""
    if engine not in ENGINES:
        raise CohortError(f"--engine: {engine!r} is not accepted; accepted: {', '.join(ENGINES)}")
    if fmt not in OUT_FORMATS:
        raise CohortError(f"--format: {fmt!r} is not accepted; accepted: {', '.join(OUT_FORMATS)}")
    con = connect()
    try:
        loaded = load(con, source, format_of(source, input_format), kb)
        progress(0, loaded.rows)
        if engine == "duckdb":
            run_duckdb(con, kb)
        else:
            con.execute("DROP TABLE quarantine")
            run_python(con, kb, lambda n: progress(n, loaded.rows))
            (bad,) = con.execute("SELECT count(*) FROM quarantine").fetchone() or (0,)
            loaded = Loaded(loaded.rows, loaded.rows - int(bad), int(bad))
        with tempfile.TemporaryDirectory(dir=out.parent) as folder:
            written = Path(folder) / "result.parquet"  # the query runs once, into this file
            copy_to(con, "SELECT * FROM result", written, "parquet")
            if engine == "duckdb":
                progress(loaded.answered, loaded.rows)
            scan = f"read_parquet({quote(str(written))})"
            con.execute(f"CREATE VIEW result_table AS SELECT * FROM {scan}")
            if fmt == "parquet":
                written.replace(out)
                con.execute(f"CREATE OR REPLACE VIEW result_table AS SELECT * FROM "
                            f"read_parquet({quote(str(out))})")  # fmt: skip
            else:
                copy_to(con, "SELECT * FROM result_table", out, fmt)
            return _finish(con, loaded, out, quarantine, summary)
    finally:
        con.close()


def _finish(con: duckdb.DuckDBPyConnection, loaded: Loaded, out: Path,
            quarantine: Path | None, summary: Path | None) -> Run:  # fmt: skip
    """The quarantine and the summary written; what the run did."""
    (results,) = con.execute("SELECT count(*) FROM result_table").fetchone() or (0,)
    quarantine = quarantine or out.with_name(out.stem + ".quarantine.csv")
    copy_to(con, "SELECT * FROM quarantine ORDER BY row", quarantine, "csv")
    facts = summarise(con, loaded)
    facts["quarantine"] = str(quarantine)
    summary = summary or out.with_name(out.stem + ".summary.json")
    summary.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return Run(loaded, int(results), facts)


Totals = list[tuple[str, str, int, int]]


def gaps(
    kb: KnowledgeBase, source: Path, out: Path, fmt: str = "csv", input_format: str | None = None
) -> tuple[Loaded, Totals]:
    """The care gaps: for each patient, each fact not on record that would decide options of
    theirs that need information, with how many and the tests that settle it (the facts'
    ``decided_by`` in the knowledge base), the most decisive first; written to ``out``. Returns
    what was read, and per fact: (fact, tests, patients, options)."""
    con = connect()
    try:
        loaded = load(con, source, format_of(source, input_format), kb)
        run_duckdb(con, kb)
        with tempfile.TemporaryDirectory() as folder:
            written = Path(folder) / "result.parquet"  # the query runs once, into this file
            copy_to(con, "SELECT * FROM result", written, "parquet")
            return _gaps(con, kb, loaded, written, out, fmt)
    finally:
        con.close()


def _gaps(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, loaded: Loaded, written: Path,
          out: Path, fmt: str) -> tuple[Loaded, Totals]:  # fmt: skip
    """The gaps from the result written (``gaps``)."""
    rows = [{"fact": f, "label": fact.label, "tests": [kb.name_of(t) for t in fact.decided_by]}
            for f, fact in kb.facts.items()]  # fmt: skip
    con.execute("CREATE TABLE fact_tests (fact VARCHAR, label VARCHAR, tests VARCHAR[])")
    con.executemany("INSERT INTO fact_tests VALUES (?, ?, ?)",
                    [(r["fact"], r["label"], r["tests"]) for r in rows])  # fmt: skip
    con.execute(
        "CREATE TABLE gaps AS SELECT g.patient_id, g.fact, t.label, "
        "array_to_string(t.tests, '; ') AS tests, g.options, g.option_ids FROM "
        "(SELECT patient_id, fact, count(*) AS options, "
        "list(option_id ORDER BY option_id) AS option_ids FROM "
        "(SELECT patient_id, option_id, unnest(missing) AS fact FROM "
        f"read_parquet({quote(str(written))}) "
        "WHERE status = 'needs_information') GROUP BY ALL) g "
        "JOIN fact_tests t USING (fact) "
        "ORDER BY g.options DESC, g.patient_id, g.fact"
    )
    copy_to(con, "SELECT * FROM gaps", out, fmt)
    totals = [
        (str(f), str(t), int(p), int(n))
        for f, t, p, n in con.execute(
            "SELECT fact, tests, count(*), sum(options) FROM gaps GROUP BY fact, tests "
            "ORDER BY sum(options) DESC, fact"
        ).fetchall()
    ]
    return loaded, totals


__all__ = ["ENGINES", "OUT_FORMATS", "CohortError", "Run", "gaps", "run", "summarise"]
