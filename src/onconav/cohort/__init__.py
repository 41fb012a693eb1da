"""Population screening: every patient of a table at once (docs/cohort.md). ``run`` reads an input
table of people (Parquet, CSV, NDJSON) into DuckDB, puts the rows that cannot be read in a
quarantine, decides every option for the others with an engine (``duckdb``, ``spark`` or
``python``) and writes one row per (patient, option) and a summary; ``gaps`` runs it and lists
the facts not on record that would decide a patient's standard options, with the tests that
settle them."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb

from onconav.cohort.engines import DEFAULT_MASTER, ENGINES, run_duckdb, run_python
from onconav.cohort.gaps import Totals, write_gaps
from onconav.cohort.table import (
    FORMATS,
    CohortError,
    Loaded,
    connect,
    copy_to,
    format_of,
    load,
    restore_reasons,
)
from onconav.engine import DISCLAIMER, sources_used
from onconav.kb import KnowledgeBase
from onconav.logic import Status, column, quote

OUT_FORMATS = ("parquet", "csv", "ndjson")


@dataclass
class Run:
    """What a run did: rows read, answered and quarantined, result rows, and the summary."""

    loaded: Loaded
    results: int
    summary: dict[str, Any] = field(default_factory=dict)


def summarise(con: duckdb.DuckDBPyConnection, loaded: Loaded,
              option_ids: list[str]) -> dict[str, Any]:  # fmt: skip
    """Per option, how many patients it is offered to, needs information for, ...: every option
    of the knowledge base (``option_ids``), with zeros for one no patient is in scope for (an
    analyst counting whom each option applies to sees them); per missing fact, how many
    patients' options (and how many options in all) it would decide."""
    statuses = [s.value for s in Status]
    counts = ", ".join(f"count(*) FILTER (WHERE status = {quote(s)}) AS {column(s)}"
                       for s in statuses)  # fmt: skip
    found = {
        str(row[0]): dict(zip(statuses, (int(v) for v in row[1:]), strict=True))
        for row in con.execute(
            f"SELECT option_id, {counts} FROM result_table GROUP BY option_id"
        ).fetchall()
    }
    options = {o: found.get(o, dict.fromkeys(statuses, 0)) for o in sorted({*option_ids, *found})}
    missing = {
        str(fact): {"patients": int(patients), "options": int(n)}
        for fact, patients, n in con.execute(
            "SELECT fact, count(DISTINCT patient_id), count(*) FROM "
            "(SELECT patient_id, unnest(missing) AS fact FROM result_table) "
            "GROUP BY fact ORDER BY count(DISTINCT patient_id) DESC, fact"
        ).fetchall()
    }
    notes = {"notes": list(loaded.notes)} if loaded.notes else {}
    notes |= {"warnings": list(loaded.warnings)} if loaded.warnings else {}
    answered = "SELECT patient_id FROM result_table"
    unread = {"not_read": n} if (n := count_unread(con, loaded, answered)) else {}
    return {"rows": loaded.rows, "answered": loaded.answered, "quarantined": loaded.quarantined,
            **notes, **unread, "other_cancers": other_cancers(con, answered),
            "options": options, "missing": missing}  # fmt: skip


OTHER_CANCERS_NAMED = 20  # the names of the most common other cancers a summary gives


def other_cancers(con: duckdb.DuckDBPyConnection, answered: str) -> dict[str, Any]:
    """Of the patients answered (the ids ``answered``, SQL, gives): how many have a cancer the
    knowledge base names none of (table ``other_cancers``: answered as advanced cancer in
    general, by the general source only), and the most common such names with how many each
    (a word that is no cancer, ``banana``, stands out there)."""
    found = con.execute(
        f"SELECT site, count(*) FROM other_cancers WHERE person_id IN ({answered}) "
        "GROUP BY site ORDER BY count(*) DESC, site").fetchall()  # fmt: skip
    return {"patients": sum(int(n) for _, n in found),
            "names": {str(site): int(n) for site, n in found[:OTHER_CANCERS_NAMED]}}


def count_unread(con: duckdb.DuckDBPyConnection, loaded: Loaded, answered: str) -> dict[str, int]:
    """Of a FHIR folder, per fact: how many patients answered (the ids ``answered``, SQL,
    gives) have a result of it that their record names and onconav could not read
    (``Loaded.unread``: a report's conclusion, a test still preliminary); their gaps say
    ``not read: ...`` in ``given``. Empty for a table of people, and when there is none."""
    if not loaded.unread:
        return {}
    con.execute("CREATE OR REPLACE TEMP TABLE unread (patient_id VARCHAR, fact VARCHAR)")
    con.executemany("INSERT INTO unread VALUES (?, ?)", [u[:2] for u in loaded.unread])
    return {str(fact): int(n) for fact, n in con.execute(
        f"SELECT fact, count(DISTINCT patient_id) FROM unread WHERE patient_id IN ({answered}) "
        "GROUP BY fact ORDER BY fact").fetchall()}


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
    progress: Callable[[str, float, float], None] = lambda what, done, total: None,
    master: str | None = None,
    summarised: bool = True,
    facts_out: Path | None = None,
    ignore: tuple[str, ...] = (),
    ours: tuple[Path, ...] = (),
) -> Run:
    """Read ``source``, decide every option for every person who can be read, and write the
    result to ``out``, the quarantine (CSV: row, patient_id, reason) and the summary (JSON).
    ``master`` is Spark's (``--engine spark``; default ``local[*]``). ``progress`` is told what
    is being done, how far it got and of how much (people for the python engine, per cent of
    DuckDB's work for the others; 0 when not known). ``summarised=False``: no summary (the
    run's ``summary`` left empty; ``gaps`` has no use for it). ``facts_out``: the people
    answered, as the engines read them (the facts table: ``person_id``, ``site`` and each fact),
    also written there as Parquet (``gaps`` reads each person's cancer from it). ``ignore``:
    the input's columns not read (``--ignore-column``), named in the summary. ``ours``: what
    the caller writes too (``gaps``': its temporary folder and its output); with the run's own
    outputs, never read as part of a FHIR folder."""
    if master is not None and engine != "spark":
        raise CohortError("--master: is for --engine spark only")
    if engine not in ENGINES:
        raise CohortError(f"--engine: {engine!r} is not accepted; accepted: {', '.join(ENGINES)}")
    if fmt not in OUT_FORMATS:
        raise CohortError(f"--format: {fmt!r} is not accepted; accepted: {', '.join(OUT_FORMATS)}")
    said = FORMATS.get(out.suffix.lower())  # a file named .parquet holds Parquet
    if said is not None and said != fmt:
        raise CohortError(f"--out: {out.name!r} is {said} by its suffix, and the "
                          f"result is {fmt} (--format, or the default); give --format {said}, "
                          f"or an --out ending .{fmt}")  # fmt: skip
    said = FORMATS.get(quarantine.suffix.lower()) if quarantine else None
    if quarantine and said not in (None, "csv"):
        raise CohortError(f"--quarantine: {quarantine.name!r} is {said} by its suffix, and the "
                          "quarantine is CSV; give a file ending .csv")  # fmt: skip
    con = connect()
    try:
        progress("reading", 0, 0)  # how far is not known
        # the run's outputs, which may be in a FHIR folder read (a run before wrote them there)
        own = (*ours, out, quarantine or quarantine_beside(out), summary or summary_beside(out))
        loaded = load(con, source, format_of(source, input_format), kb, ignore, own)
        if facts_out is not None:
            copy_to(con, "SELECT * EXCLUDE (_row) FROM facts", facts_out, "parquet")
        # each person whose cancer is none the knowledge base names (answered by the general
        # source only: ``lung``, or a word that is no cancer at all, ``banana``), for the summary
        known = ", ".join(quote(c) for c in sorted(kb.vocabulary.known("cancer")))
        con.execute("CREATE TEMP TABLE other_cancers AS SELECT person_id, site FROM facts "
                    f"WHERE site NOT IN ({known})")  # fmt: skip
        # how far DuckDB has got is not known until it says (a bar at 0 % had stayed there to
        # the end of a small run, whose query DuckDB does not measure): not known until then
        progress("deciding" if engine == "python" else "preparing", 0,
                 loaded.rows if engine == "python" else 0)  # fmt: skip
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".onconav-") as folder:
            if engine != "python":  # the rows as given: read again by the python engine only
                con.execute("DROP TABLE src")
            if engine == "duckdb":
                result = run_duckdb(con, kb, lambda done: progress("preparing", done, 100))
            elif engine == "spark":
                from onconav.cohort.spark import run_spark  # PySpark only when asked for

                result = run_spark(con, kb, Path(folder), master or DEFAULT_MASTER)
            else:
                con.execute("DROP TABLE quarantine")
                result = run_python(con, kb, lambda n: progress("deciding", n, loaded.rows))
                restore_reasons(con)  # a FHIR folder's reasons, unreadable lines: as the others
                (bad,) = con.execute("SELECT count(*) FROM quarantine").fetchone() or (0,)
                loaded = replace(loaded, answered=loaded.rows - int(bad), quarantined=int(bad))
            written = Path(folder) / "result.parquet"  # the query runs once, into this file
            what = "deciding" if engine == "duckdb" else "writing"  # the query runs as written
            progress(what, 0, 0)  # not known until DuckDB says
            copy_to(con, result, written, "parquet",
                    lambda done: progress(what, done, 100))  # fmt: skip
            progress("writing", 100, 100)
            scan = f"read_parquet({quote(str(written))})"
            con.execute(f"CREATE VIEW result_table AS SELECT * FROM {scan}")
            if fmt == "parquet":
                written.replace(out)
                con.execute(f"CREATE OR REPLACE VIEW result_table AS SELECT * FROM "
                            f"read_parquet({quote(str(out))})")  # fmt: skip
            else:
                copy_to(con, "SELECT * FROM result_table", out, fmt)
            return _finish(con, loaded, out, quarantine, summary, summarised, ignore,
                           _provenance(kb, engine), list(kb.rules))  # fmt: skip
    finally:
        con.close()


def quarantine_beside(out: Path) -> Path:
    """Where the quarantine goes when no ``--quarantine`` is given: beside the output."""
    return out.with_name(_base(out) + ".quarantine.csv")


def summary_beside(out: Path) -> Path:
    """Where the summary goes when none is given: beside the output."""
    return out.with_name(_base(out) + ".summary.json")


def _base(out: Path) -> str:
    """The output's name without the ending of a format (``.parquet``, ``.csv``, ...); a name
    with another ending keeps it: ``screen.2026-11`` had lost ``.2026-11``, so December's run
    wrote over November's quarantine and summary."""
    return out.stem if out.suffix.lower() in FORMATS else out.name


def gaps(
    kb: KnowledgeBase,
    source: Path,
    out: Path,
    fmt: str = "csv",
    *,
    input_format: str | None = None,
    quarantine: Path | None = None,
    progress: Callable[[str, float, float], None] = lambda what, done, total: None,
    ignore: tuple[str, ...] = (),
    summary: Path | None = None,
) -> tuple[Loaded, Totals]:
    """The care gaps (docs/cohort.md#gaps): ``run`` (the duckdb engine; the quarantine beside
    ``out`` unless given), then for each patient each fact of the cancer's work-up not on record
    that would decide standard options of theirs that need information, with how many, which,
    the tests that settle it and where it is found, the most decisive first, written to
    ``out`` (``gaps.write_gaps``); and a summary (default: beside ``out``) of what the run
    read: the rows, the quarantine, a FHIR folder's ``notes`` and ``not_read``, what made the
    answers (not the run's counts per option, which gaps has no use for). Returns what was
    read, and per fact: (fact, tests, patients, options)."""
    quarantine = quarantine or quarantine_beside(out)
    # beside ``out``, which may be in the FHIR folder read: that folder's reading skips it
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".onconav-") as folder:
        result, people = Path(folder) / "result.parquet", Path(folder) / "people.parquet"
        done = run(kb, source, result, input_format=input_format, quarantine=quarantine,
                   progress=progress, summarised=False, facts_out=people,
                   ignore=ignore,
                   ours=(Path(folder), out, summary or summary_beside(out)))  # fmt: skip
        progress("gaps", 0, 0)
        totals = write_gaps(kb, result, people, out, fmt, done.loaded.unread)
        loaded = done.loaded
        with duckdb.connect() as con:
            answered = f"SELECT person_id FROM read_parquet({quote(str(people))})"
            unread = {"not_read": found} if (found := count_unread(con, loaded, answered)) else {}
        notes = {"notes": list(loaded.notes)} if loaded.notes else {}
        notes |= {"warnings": list(loaded.warnings)} if loaded.warnings else {}
        said = {"rows": loaded.rows, "answered": loaded.answered,
                "quarantined": loaded.quarantined, **notes, **unread,
                "quarantine": str(quarantine.resolve()),
                **({"ignored_columns": list(ignore)} if ignore else {}),
                **_provenance(kb, "duckdb")}  # fmt: skip
        (summary or summary_beside(out)).write_text(json.dumps(said, indent=2) + "\n",
                                                    encoding="utf-8")  # fmt: skip
        return loaded, totals


def _provenance(kb: KnowledgeBase, engine: str) -> dict[str, Any]:
    """What made a run's answers, as every answer of ``onconav options`` carries it: the
    knowledge base's version, the sources with their dates, the disclaimer; and the engine (a
    centre running a screen each month could not tell which knowledge base made a file)."""
    return {"kb_version": kb.version, "engine": engine, "disclaimer": DISCLAIMER,
            "sources": [s.model_dump() for s in sources_used(kb)]}


def _finish(con: duckdb.DuckDBPyConnection, loaded: Loaded, out: Path, quarantine: Path | None,
            summary: Path | None, summarised: bool, ignore: tuple[str, ...],
            provenance: dict[str, Any], option_ids: list[str]) -> Run:  # fmt: skip
    """The quarantine and the summary (if ``summarised``) written; what the run did."""
    (results,) = con.execute("SELECT count(*) FROM result_table").fetchone() or (0,)
    quarantine = quarantine or quarantine_beside(out)
    copy_to(con, "SELECT * FROM quarantine ORDER BY row", quarantine, "csv")
    if not summarised:
        return Run(loaded, int(results))
    facts = summarise(con, loaded, option_ids)
    facts["quarantine"] = str(quarantine.resolve())  # read from anywhere, not only from here
    if ignore:
        facts["ignored_columns"] = list(ignore)
    facts.update(provenance)
    summary = summary or summary_beside(out)
    summary.write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    return Run(loaded, int(results), facts)


__all__ = ["ENGINES", "OTHER_CANCERS_NAMED", "OUT_FORMATS", "CohortError", "Run", "Totals",
           "gaps", "other_cancers", "quarantine_beside", "run", "summarise", "summary_beside"]
