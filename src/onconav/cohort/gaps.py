"""The care gaps of a population (docs/cohort.md#gaps): for each patient, each fact not on record
that would decide options of theirs, with the tests that settle it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb

from onconav.cohort.engines import run_duckdb
from onconav.cohort.table import Loaded, connect, copy_to, format_of, load
from onconav.kb import KnowledgeBase
from onconav.logic import quote

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


__all__ = ["Totals", "gaps"]
