"""The care gaps of a population (docs/cohort.md#gaps): for each patient, each fact of the
cancer's work-up not on record that would decide a standard option of theirs, with the tests
that settle it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from onconav.cohort.table import copy_to
from onconav.kb import KnowledgeBase
from onconav.logic import quote

Totals = list[tuple[str, str, int, int]]


def definitions(kb: KnowledgeBase) -> tuple[list[tuple[str, str, list[str], str]], list[str]]:
    """What a care gap is, from the knowledge base: the facts of the work-up (``workup`` in
    facts.yaml) with their label, the names of the tests that settle them (``decided_by``) and
    where the answer is found (``find_it``); and the standard options (``Rules.standard``: a
    treatment of the cancer, not only studied)."""
    facts = [(f, fact.label, [kb.name_of(t) for t in fact.decided_by], fact.find_it)
             for f, fact in kb.facts.items() if fact.workup]  # fmt: skip
    return facts, sorted(o for o, rules in kb.rules.items() if rules.standard)


def write_gaps(kb: KnowledgeBase, result: Path, out: Path, fmt: str) -> Totals:
    """The gaps from a run's result (Parquet, ``onconav.cohort.run``) written to ``out``: a
    (patient, fact) for each fact of the work-up among the missing facts of a standard option of
    theirs that needs information. Returns per fact: (fact, tests, patients, options)."""
    with duckdb.connect() as con:
        facts, standard = definitions(kb)
        con.execute("CREATE TABLE gap_facts (fact VARCHAR, label VARCHAR, tests VARCHAR[], "
                    "find_it VARCHAR)")  # fmt: skip
        if facts:
            con.executemany("INSERT INTO gap_facts VALUES (?, ?, ?, ?)", facts)
        con.execute("CREATE TABLE standard_options (option_id VARCHAR)")
        if standard:
            con.executemany("INSERT INTO standard_options VALUES (?)", [(o,) for o in standard])
        con.execute(
            "CREATE TABLE gaps AS SELECT g.patient_id, g.fact, t.label, "
            "array_to_string(t.tests, '; ') AS tests, t.find_it, g.options, g.option_ids FROM "
            "(SELECT patient_id, fact, count(*) AS options, "
            "list(option_id ORDER BY option_id) AS option_ids FROM "
            "(SELECT patient_id, option_id, unnest(missing) AS fact FROM "
            f"read_parquet({quote(str(result))}) "
            "WHERE status = 'needs_information' "
            "AND option_id IN (SELECT option_id FROM standard_options)) GROUP BY ALL) g "
            "JOIN gap_facts t USING (fact) "
            "ORDER BY g.options DESC, g.patient_id, g.fact"
        )
        copy_to(con, "SELECT * FROM gaps", out, fmt)
        totals = con.execute(
            "SELECT fact, tests, count(*), sum(options) FROM gaps GROUP BY fact, tests "
            "ORDER BY sum(options) DESC, fact"
        ).fetchall()
        return [(str(f), str(t), int(p), int(n)) for f, t, p, n in totals]


__all__ = ["Totals", "definitions", "write_gaps"]
