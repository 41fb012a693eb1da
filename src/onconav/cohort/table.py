"""The input table of people read into DuckDB and made into a facts table, every row accounted
for: a row that cannot be read goes to the quarantine with its row number and the reason, and
so does a line of a CSV or NDJSON file that cannot be read as a row at all (``_rows``).

Values are read by the core's own readers (``parse_profile``, ``facts_of``), once per distinct
value of a column (per distinct pair of cancer and value, since a stage is read by the cancer),
never once per row; the rows are then joined to what their values were read as, in DuckDB, in
one pass that makes the facts table (``_join``)."""

from __future__ import annotations

import codecs
import csv
import json
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import duckdb

from onconav import words
from onconav.cohort.reasons import cut, in_column_order, reason
from onconav.kb import KnowledgeBase
from onconav.kb.vocabulary import normalise_name
from onconav.logic import column, quote
from onconav.profile import (
    MARKERS,
    MAX_PROBLEMS,
    NONE_WORDS,
    Problem,
    ProfileError,
    close_name,
    distinct_answers,
    facts_of,
    facts_table,
    parse_profile,
    split_list,
)
from onconav.reading import NotAJsonValue, why_not_json

FORMATS = {".parquet": "parquet", ".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson",
           ".json": "ndjson"}  # fmt: skip
NULL = "\x00"  # what a value not given is joined on (a key no input holds)
# Parquet compressed with zstd: a third of the size of DuckDB's default (snappy) for a run's
# result, written as fast; every current Parquet reader (Arrow, Spark, pandas, DuckDB) reads it
COPY = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true",
        "ndjson": "FORMAT json"}  # fmt: skip
# a list in a CSV file: its items joined by this, as the input's lists are read (``_split``)
SEPARATOR = "; "
# the reason of a row with no value in any column (a spreadsheet's row of only commas): no person
EMPTY_ROW = "the row is empty: no value in any column"
# the reason of a row whose patient_id an earlier row gives, the rows the same facts as read (a
# copy: only the first is read), and what is said after it when that first row is quarantined
# too: the patient is then not answered at all
SAME_ID = "patient_id: the same as row "
FIRST_QUARANTINED = ", which is quarantined too (this patient is not answered)"
# the rows of a patient_id given more than once with facts that differ are each quarantined, with
# this reason: the rows (the first ``ROWS_SAID``) and the facts that differ (``repeats``)
DIFFER = ("patient_id: given by rows {rows}, whose facts differ ({facts}): which row is right "
          "cannot be known, so none is read (this patient is not answered); give each patient "
          "one row")  # fmt: skip
ROWS_SAID = 10


def connect() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    # DuckDB's progress is read by ``watched`` for our bar (on stderr, and only without --quiet),
    # never printed by DuckDB itself
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    return con


def copy_to(con: duckdb.DuckDBPyConnection, query: str, path: Path, fmt: str,
            report: Callable[[float], None] | None = None) -> None:  # fmt: skip
    """The query's rows written to ``path``; ``report`` is told DuckDB's progress (``watched``).
    Parquet and NDJSON keep a list a list; CSV has no lists, and a list is written as text, its
    items joined by ``SEPARATOR`` (``pain; bleeding``), as an input CSV gives them; an empty
    list, or none (null), is an empty cell."""
    if fmt == "csv":
        lists = [str(name) for name, sql_type, *_ in con.execute(f"DESCRIBE {query}").fetchall()
                 if str(sql_type).endswith("[]")]  # fmt: skip
        if lists:
            joined = ", ".join(f"NULLIF(array_to_string({column(n)}, {quote(SEPARATOR)}), '') "
                               f"AS {column(n)}" for n in lists)  # fmt: skip
            query = f"SELECT * REPLACE ({joined}) FROM ({query})"
    statement = f"COPY ({query}) TO {quote(str(path))} ({COPY[fmt]})"
    if report is None:
        con.execute(statement)
    else:
        watched(con, statement, report)


def watched(con: duckdb.DuckDBPyConnection, statement: str, report: Callable[[float], None],
            every: float = 0.2) -> None:  # fmt: skip
    """``con.execute(statement)`` in a thread while this one tells ``report`` how far DuckDB has
    got (0 to 100) every ``every`` seconds; its error, if any, raised here. Interrupted (Ctrl-C),
    the statement is interrupted too."""
    failed: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(statement)
        except BaseException as error:  # raised again in the caller's thread
            failed.append(error)

    thread = threading.Thread(target=work, name="onconav-cohort-query", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(every)
            done = con.query_progress()
            if done >= 0:
                report(done)
    except KeyboardInterrupt:
        con.interrupt()
        thread.join()
        raise
    if failed:
        raise failed[0]


class CohortError(ValueError):
    """The input cannot be read at all (not one row of it): one line naming what and why."""


@dataclass(frozen=True)
class Loaded:
    """What was read: ``facts`` (a facts table, ``person_id`` and ``_row``), ``quarantine``
    (``row``, ``patient_id``, ``reason``), and ``src`` (the rows as given, ``_row`` from 1);
    ``notes``: what was not read that is no row (a FHIR folder's files that are not an export's,
    a reference not resolved); ``unread``, of a FHIR folder: (patient_id, fact, resources) for
    each fact with no value read whose result the record names in resources not read
    (``bulk.not_read``)."""

    rows: int
    answered: int
    quarantined: int
    notes: tuple[str, ...] = ()
    # what was left unread of the input that holds no data, told on stderr as it is (it names
    # no patient: a CSV file's columns with no name and no value, ``_unnamed``)
    warnings: tuple[str, ...] = ()
    unread: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def input_columns(kb: KnowledgeBase) -> dict[str, str]:
    """The columns an input table may have: ``patient_id`` and the facts table's facts, each with
    its kind (``id``, ``scalar`` or ``list``)."""
    kinds = {"patient_id": "id"}
    for name, sql_type, _ in facts_table(kb)[2:]:
        kinds[name] = "list" if sql_type.endswith("[]") else "scalar"
    return kinds


def format_of(path: Path, given: str | None = None, option: str = "INPUT") -> str:
    """The format of a file (``given``, or by its suffix); for the INPUT, a folder is one of FHIR
    Bulk Data NDJSON. ``option`` names the file in the error (``--out``: no folder offered)."""
    if given:
        return given
    if option == "INPUT" and path.is_dir():
        return "fhir"  # a folder of FHIR Bulk Data NDJSON (cohort/bulk.py)
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        folder = ", or a folder of FHIR Bulk Data NDJSON" if option == "INPUT" else ""
        raise CohortError(f"{option}: {path.name!r} has no known suffix; accepted: .parquet, "
                          f".csv (lists ;-separated), .ndjson (also .jsonl, .json)"
                          f"{folder}")  # fmt: skip
    return found


# The longest value of a CSV row that is read, in characters (Python's csv reader takes no longer
# one): a row with a longer value is quarantined, naming its column (``_csv_rows``)
LONGEST_VALUE = 2**31 - 1
# DuckDB's ``max_line_size`` for CSV, in bytes: longer than any line of values of at most
# LONGEST_VALUE characters, so that every row Python's reader takes, DuckDB reads (its default,
# 2,000,000 bytes, stopped the run at one clinic letter of 2 MB, in a column ignored too)
MAX_LINE_BYTES = 2**40


def _scan(path: Path, fmt: str, header: list[str]) -> str:
    """The file read by DuckDB; a CSV file as RFC 4180 says (``,``, ``"``), every value text,
    its columns named by ``header`` (its first row); an NDJSON file's keys each as their JSON
    (``maximum_depth=1``), never a type DuckDB infers from every row: a number is its text as
    written (``12345678901234567``, ``2.50``), not a DOUBLE that merges two ids past 2**53 or
    writes ``1`` as ``1.0``."""
    if fmt == "parquet":
        return f"read_parquet({quote(str(path))})"
    if fmt == "csv":
        names = "{" + ", ".join(f"{quote(n)}: 'VARCHAR'" for n in header) + "}"
        return (f"read_csv({quote(str(path))}, header=true, auto_detect=false, delim=',', "
                f"quote='\"', escape='\"', strict_mode=true, max_line_size={MAX_LINE_BYTES}, "
                f"columns={names})")  # fmt: skip
    return (f"read_json({quote(str(path))}, format='newline_delimited', sample_size=-1, "
            "maximum_depth=1)")  # fmt: skip


def _csv_header(path: Path, kinds: dict[str, str]) -> tuple[list[str], list[int]]:
    """A CSV file's first row: its column names (``kinds``: the columns a file may have), and
    the places (from 1) of its columns with no name and no value, named so as to be left unread
    (``_unnamed``); a first row that does not look like a header row stops the run
    (``_not_a_header``)."""
    try:  # a byte that is not UTF-8 past the header is its row's problem (``_csv_rows``)
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            header = next(csv.reader(handle, strict=True), [])
    except csv.Error as error:
        raise CohortError(f"INPUT: cannot be read as csv: its header row: {error}") from None
    if not header:  # a blank first line: of a file of blank lines, or before the header row
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            blank = not any(line.strip() for line in handle)
        raise CohortError(
            f"INPUT: {str(path)!r} has only blank lines; it needs a header row and rows of people"
            if blank else "INPUT: cannot be read as csv: the first line is blank; a CSV file's "
            "first line is its header row, naming its columns: remove the blank lines before it")
    if re.fullmatch(r"(?i)\s*sep=.?", ",".join(header)):  # Excel's note of the separator
        raise CohortError(
            f"INPUT: the first line, {cut(','.join(header))}, is Excel's note of the separator, "
            "not a header row; remove that line, so that the header row naming the columns "
            "(patient_id, cancer, stage, ...) is the first")
    if any(NOT_UTF8.search(name) for name in header):
        raise _not_utf8(path, "csv")
    for mark, name in ((";", "semicolons"), ("\t", "tabs")):
        if len(header) == 1 and mark in header[0]:  # European Excel's "CSV" uses ;
            raise CohortError(
                f"INPUT: the header row is separated by {name}, not commas; a CSV file's values "
                "are separated by commas (RFC 4180): save it as CSV with commas (in Excel: CSV "
                "UTF-8 (Comma delimited))"
            )
    problem = _not_a_header(header, kinds)
    if problem:
        raise CohortError(problem)
    named = _unnamed(path, header)
    _columns(named)  # a column named twice, in any case, stops here (DuckDB's words otherwise)
    return named, [i for i, name in enumerate(header, 1) if not _fact_name(name)]


# the name given to a CSV file's column with no name and no value (``_unnamed``), with its place
# (from 1): read as a column ignored, never as a fact's; ``_` before it if the file has the name
UNNAMED = "unnamed_column_"


def _unnamed(path: Path, header: list[str]) -> list[str]:
    """A CSV file's header with each column that has no name (a blank, as Excel writes a sheet's
    empty columns after the last named one: ``patient_id,cancer,stage,,``) named ``UNNAMED`` and
    its place, if no row has a value in it (a cell of spaces is none): it holds no data, and it
    is not read (``load`` says so). One with a value in any row stops the run, naming its place
    and the first line with one: its values are never dropped."""
    blank = [i for i, name in enumerate(header) if not _fact_name(name)]
    if not blank:
        return header
    filled: dict[int, int] = {}  # a column with no name -> the first line with a value in it
    limit = csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            records = csv.reader(handle)  # lenient: a row the strict reader refuses is quarantined
            next(records, None)
            line = records.line_num + 1
            for values in records:
                for i in blank:
                    if i not in filled and i < len(values) and values[i].strip():
                        filled[i] = line
                line = records.line_num + 1
    except csv.Error:  # the file's rows are each the strict reader's to say (``_csv_rows``)
        pass
    finally:
        csv.field_size_limit(limit)
    if filled:
        place, line = min(filled.items())
        index = (" (a first column with no name is the index pandas' to_csv writes: write the "
                 "file with index=False)") if place == 0 else ""  # fmt: skip
        raise CohortError(f"INPUT: column {place + 1} has no name, and holds values (line "
                          f"{line} is the first with one); name it by its fact (patient_id, "
                          f"cancer, stage, ...), or remove it{index}")  # fmt: skip
    taken = {_fact_name(name) for name in header}
    prefix = UNNAMED
    while any(t.startswith(prefix) for t in taken):
        prefix = "_" + prefix
    return [f"{prefix}{i + 1}" if i in blank else name for i, name in enumerate(header)]


def _unnamed_warning(places: list[int]) -> tuple[str, ...]:
    """What is said on stderr of a CSV file's columns with no name and no value (their places,
    ``_unnamed``): nothing if it has none."""
    if not places:
        return ()
    many = len(places) > 1
    return (f"INPUT: column{'s' if many else ''} {', '.join(map(str, places))} "
            f"{'have' if many else 'has'} no name and no value in any row (a spreadsheet's "
            f"empty column{'s' if many else ''}): not read",)  # fmt: skip


def _not_a_header(names: list[str], kinds: dict[str, str]) -> str | None:
    """Why a CSV file's first row does not look like a header row (no name in it is a fact's,
    or none is patient_id), in words that echo none of its values: in a file with no header
    row, they are a person's data (``MRN-884213,Jane Doe,stomach,4``); None if it does. A name
    close to a fact's (``stgae``) counts as that fact, for ``_columns`` to name."""
    facts = {_fact_name(n) for n in names}
    facts |= {close for fact in facts if (close := _close_fact(fact, kinds))}
    if not facts & kinds.keys():
        accepted = ", ".join(k for k, v in kinds.items() if v != "ignored")
        ndjson = " (it starts with '{', as a line of NDJSON: name such a file .ndjson)" \
            if names[0].startswith("{") else ""  # fmt: skip
        return (f"INPUT: the first line does not look like a header row{ndjson}: no name in it is "
                f"a fact's; a CSV file's first line names its columns, each by its fact "
                f"({accepted}); if the file has no header row, add one")  # fmt: skip
    if "patient_id" not in facts:
        return ("INPUT: has no patient_id column; each row needs a patient_id: name the column "
                "of the people's ids patient_id in the header row (the first line)")  # fmt: skip
    return None


def _close_fact(name: str, kinds: dict[str, str]) -> str | None:
    """The fact a name that is none is a slip of (``stgae``: stage), if one is close."""
    return close_name(name, {k: k for k, v in kinds.items() if v != "ignored"})


# other names a fact's column is given by, as words (``_held``): the one of a list's item, and
# the names an analyst's export gives it (``RAS status``, ``ER/PR``, ``FIGO``, ``prior_therapies``,
# ``metastatic_sites``: each had been offered --ignore-column, its values then dropped); the
# names of the tests that decide a fact (the knowledge base's ``decided_by``: ``FISH test``) are
# each held as it (tests/test_cohort_input.py checks every one)
ALSO_NAMED = {
    # ("spread" and "fish" alone name other things: a "spread sheet", a "fish allergy")
    "metastases": ("metastasis", "mets", "metastatic", "spread to", "sites of spread",
                   "spread sites", "places of spread"),
    "symptoms": ("symptom",),
    "her2": ("erbb2", "ish test", "fish test", "ish result", "fish result", "ihc test",
             "ihc result"),
    "kras": ("ras",),
    "stage": ("figo", "tnm", "staging"),
    "hormone_sensitive": ("hormone receptor", "hormone receptors", "hormone status",
                          "hormone sensitivity", "receptor status", "oestrogen receptor",
                          "estrogen receptor", "progesterone receptor", "er status",
                          "pr status", "hr status", "er pr", "pr er"),
    "prior_treatments": ("prior treatment", "prior therapy", "prior therapies",
                         "previous treatment", "previous treatments", "previous therapy",
                         "previous therapies", "past treatment", "past treatments",
                         "past therapy", "past therapies", "treatment history",
                         "therapy history", "treatments had"),
}  # fmt: skip


def _words(name: str) -> list[str]:
    """A name's words, in lower case: spaces, underscores, hyphens and other marks between them
    (``HER2 status``, ``her2_status``, ``Her2-Status``: her2, status)."""
    return re.findall(r"[^\W_]+", name.lower())


def _within(words: list[str], part: list[str]) -> bool:
    return any(words[i:i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _held(name: str, kinds: dict[str, str]) -> list[str]:
    """The facts a column's name that is no fact's holds as words (``HER2 status``: her2;
    ``Stage at diagnosis``: stage; ``metastasis sites``: metastases): such a column holds that
    fact, and left out its values would be dropped without a word (a HER2-positive patient
    listed as a HER2 gap). A fact whose name is part of another's found too
    (``wants cancer treatment now``: cancer) is not said; patient_id is ``_id_hint``'s."""
    said = _words(name)
    found = {fact: part for fact, kind in kinds.items() if kind not in ("id", "ignored")
             for part in map(_words, (fact, *ALSO_NAMED.get(fact, ()))) if _within(said, part)}
    return [f for f, part in found.items()
            if not any(f != g and _within(other, part) for g, other in found.items())]


# Words of a column's name that say it is about a fact, not the fact (``her2_test_date``,
# ``metastases_count``, ``symptom_onset_date``, ``recurrence_date``): such a column may be left
# out; told to be named as the fact, every row had been quarantined (a review of the change)
ABOUT_WORDS = frozenset({"date", "dates", "day", "dt", "time", "year", "count", "number", "num",
                         "notes", "note", "comment", "comments", "onset", "reason", "method",
                         "lab", "source", "code", "codon", "id", "by", "who", "where", "when"})


def _not_a_fact(name: str, kinds: dict[str, str],
                given: Iterable[str] = ()) -> tuple[str, bool]:  # fmt: skip
    """What is said of a column (an NDJSON row's key) that is no fact's, after its name, and
    whether it may be left out (``--ignore-column``): never for a name that holds a fact
    (``_held``) or is a slip of one (``_close_fact``). A fact that another column gives by its
    own name (``given``: ``cancer`` beside ``Cancer centre``) is not the one this one holds."""
    fact = _fact_name(name)
    given = set(given)  # (an iterator: read once; it had been empty after the first fact)
    held = [f for f in _held(name, kinds) if f not in given]
    about = sorted(set(_words(name)) & ABOUT_WORDS)
    if held and about:  # a date, a count or notes of the fact, not the fact: may be left out
        return (f"seems to be about {' or '.join(held)} (its {about[0]}), not "
                f"{'it' if len(held) == 1 else 'them'}: if it holds "
                f"{' or '.join(held)} itself, name it so"), True
    if held:
        return (f"seems to hold {held[0]}: name it {held[0]}" if len(held) == 1 else
                f"seems to hold {' or '.join(held)}: name it by the one it holds"), False
    if fact == "biomarkers":
        return "is not a fact: give her2 and kras each as a column of its own", False
    if plain := words.not_deciding(name):  # pd_l1, msi_status: may be left out
        return (f"is not a fact: {plain}; accepted: "
                + ", ".join(k for k, v in kinds.items() if v != "ignored")), True
    close = _close_fact(fact, kinds)
    # a slip, never to be ignored: its values would be dropped without a word; but not of a
    # fact given by a column of its own ("progressed-on" beside "progressed_on": renamed, it
    # would be that fact twice), which may be left out, as a name that holds one given
    if close and close not in given:
        return f"is not a fact; did you mean {close!r}?", False
    if close:  # (``stgae`` beside ``stage``: said as a slip too, never without a word)
        return (f"is not a fact; did you mean {close!r}? ({close} is given too: if this is a "
                "copy, leave it out); accepted: "
                + ", ".join(k for k, v in kinds.items() if v != "ignored")), True
    return ("is not a fact; accepted: "
            + ", ".join(k for k, v in kinds.items() if v != "ignored")), True


# spaces before a quote that opens a value (``C, "stomach",4``), which DuckDB's reader skips (it
# reads ``stomach``); Python's strict reader reads the text as written (`` "stomach"``)
SPACED_QUOTE = re.compile(rb'(?:^|[,\r]) +"')


def _strict_csv(path: Path, header: list[str]) -> bool:
    """Whether DuckDB reads every row of a CSV file as Python's reader, strict (RFC 4180), reads
    it: the one rule for every CSV file, whatever its other rows. DuckDB's reader is laxer: it
    takes spaces before a quoted value (``SPACED_QUOTE``) and after it (``"stomach" ,4``), and
    a row with more values than the header whose last ones are empty (``a,b,c,,``) as the
    header's; a file with such a row, or one DuckDB refuses, is read line by line
    (``_csv_rows``), and so is a file with a value longer than ``LONGEST_VALUE``. A pass of
    Python's reader, writing nothing: about a second for 300,000 rows of 21 columns (43 MB)."""
    with path.open("rb") as lines:
        if any(b'"' in line and SPACED_QUOTE.search(line) for line in lines):
            return False
    limit = csv.field_size_limit(LONGEST_VALUE)  # a longer value: csv.Error, read line by line
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            records = csv.reader(handle, strict=True)
            next(records, None)  # the header
            return all(len(values) == len(header) for values in records if values)
    except csv.Error:
        return False
    finally:
        csv.field_size_limit(limit)


# a byte that is not UTF-8, as Python reads it with errors="surrogateescape"
NOT_UTF8 = re.compile("[\udc80-\udcff]")
UTF8_FIX = "save the file as UTF-8"


# the byte order marks of UTF-32 and UTF-16 (UTF-32's first: UTF-32LE's starts as UTF-16LE's)
WIDE_TEXT = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
             (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))  # fmt: skip


def _not_utf16(path: Path, fmt: str) -> None:
    """A CSV or NDJSON file of UTF-16 (or UTF-32) text, as Excel's "Unicode Text" and
    PowerShell's redirection write it, stops the run saying so: each of its lines had been said
    to be no UTF-8 text at byte 1, or (NDJSON) no JSON object."""
    with path.open("rb") as handle:
        start = handle.read(4)
    for mark, name in WIDE_TEXT:
        if start.startswith(mark):
            excel = " (in Excel: CSV UTF-8 (Comma delimited))" if fmt == "csv" else ""
            raise CohortError(f"INPUT: cannot be read as {fmt}: the file is {name} text (it "
                              f"starts with {name}'s byte order mark), not UTF-8; "
                              f"{UTF8_FIX}{excel}")  # fmt: skip


def _not_utf8(path: Path, fmt: str) -> CohortError:
    """The error for a file that is not UTF-8 text (a Latin-1 or Windows export), naming its
    first line that is not, and the byte of that line (from 1), as a folder's lines are named."""
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                excel = " (in Excel: CSV UTF-8)" if fmt == "csv" else ""
                return CohortError(f"INPUT: cannot be read as {fmt}: line {line} is not UTF-8 "
                                   f"text (byte {error.start + 1}); {UTF8_FIX}"
                                   f"{excel}")  # fmt: skip
    return CohortError(f"INPUT: cannot be read as {fmt}: not UTF-8 text")


# A column's name that may hold the people's ids ("id", "MRN", "patient number")
_ID_NAME = re.compile(r"(?i)(?:patient|person|subject|pt)?[ _.-]?(?:id|identifier|mrn|number|no)"
                      r"|mrn|patient|person|subject")  # fmt: skip


def _id_hint(name: str) -> str:
    """Advice for a column that is no fact but may hold the people's ids: to name it patient_id
    (ignoring it, as the other advice says, leaves a table with no ids); else nothing."""
    return "; if it holds the people's ids, name it patient_id" if _ID_NAME.fullmatch(
        name.strip()) else ""  # fmt: skip


def _columns(names: Iterable[str], kinds: dict[str, str] | None = None) -> dict[str, str]:
    """The file's columns by the fact they give: ``stage`` for a column named ``stage``,
    ``Stage`` or `` STAGE `` (a column's name in any case, spaces around it ignored, as DuckDB
    matches names), ``patient_id`` for ``Patient ID`` (spaces inside it read as ``_``, as a
    report's headers are written); a fact given by two columns stops the run, and so do the names
    that are not a fact's (checked when ``kinds`` is given), each said on a line of its own
    (``_not_a_fact``)."""
    found: dict[str, str] = {}
    problems: list[str] = []
    names = list(names)
    for place, name in enumerate(names, 1):
        fact = _fact_name(name)
        if not fact:  # a spreadsheet's header ending in a comma; pandas' index, first
            index = (" (a first column with no name is the index pandas' to_csv writes: write "
                     "the file with index=False)") if place == 1 else ""  # fmt: skip
            raise CohortError(f"INPUT: column {place} has no name; name it by its fact "
                              f"(patient_id, cancer, stage, ...), or remove it{index}")  # fmt: skip
        if fact in found:
            said = f" (as {found[fact]!r} and {name!r})" if found[fact] != name else ""
            raise CohortError(f"INPUT: column {fact!r} is given twice{said}")
        renamed = re.fullmatch(r"(.+)_\d+", fact)  # DuckDB's name for a second 'Stage'
        if kinds is not None and fact not in kinds and renamed and renamed[1] in kinds \
                and renamed[1] in (_fact_name(n) for n in names):  # fmt: skip
            raise CohortError(f"INPUT: column {renamed[1]!r} is given twice, by names that "
                              "differ in case only; give it one name")  # fmt: skip
        if kinds is not None and fact not in kinds:
            said, ignorable = _not_a_fact(name, kinds, map(_fact_name, names))
            if ignorable:
                said += ("" if "patient_id" in map(_fact_name, names) else _id_hint(name)) \
                    + f"; or leave it out with --ignore-column {name!r}"  # fmt: skip
            elif "did you mean" in said:
                said += " name the column so"
            problems.append(f"INPUT: column {name!r} {said}")
        found[fact] = name
    if problems:  # every column that is no fact's, one line each
        raise CohortError("\n".join(problems))
    return found


def _fact_name(name: str) -> str:
    """The fact a column's name gives: in lower case, spaces around it ignored and spaces inside
    it read as ``_`` (``Patient ID``, `` Wants cancer treatment ``)."""
    return "_".join(name.lower().split())


# What DuckDB's JSON reader takes that JSON (Python's reader) refuses, or reads otherwise than as
# written: a comma before } or ] (``{"cancer": "stomach",}``), NaN and Infinity (in any case), and
# -0 (read as 0: ids -0 and 0 would be one). A line that may hold one (a string may too: such a
# line costs only speed) is read by Python's reader, line by line (``_ndjson_rows``), so that a
# line is read by one rule, whatever the other lines of its file are
LAX_JSON = r",\s*[}\]]|[:,\[]\s*(?:[+-]?(?i:nan|inf|infinity)|-0)\s*[,}\]]"


def _strict_objects(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Whether every line of an NDJSON file (but blank ones) is a JSON object that DuckDB reads
    as Python's reader does (none ``LAX_JSON``); False if one is not JSON at all."""
    try:
        (others,) = con.execute(
            f"SELECT count(*) FROM read_ndjson_objects({quote(str(path))}) "
            f"WHERE json_type(json) <> 'OBJECT' OR regexp_matches(json, {quote(LAX_JSON)})"
        ).fetchone() or (0,)
    except duckdb.Error:
        return False
    return int(others) == 0


def _facts_only(con: duckdb.DuckDBPyConnection, kinds: dict[str, str]) -> bool:
    """Whether the keys of table ``raw`` (an NDJSON file's, all its rows') each give a fact of
    their own: none unknown, no two of them one fact (``Cancer`` on a line, ``cancer`` on
    another)."""
    found = con.execute("SELECT column_name, column_type FROM (DESCRIBE raw)").fetchall()
    if [n for n, _ in found] == ["json"] and (str(found[0][1]) == "JSON"
                                              or str(found[0][1]).startswith("MAP(")):  # fmt: skip
        return True  # no key in any row ({}, or blank lines): DuckDB's column, said below
    facts = [_fact_name(str(n)) for n, _ in found]
    return all(f in kinds for f in facts) and len(set(facts)) == len(facts)


def _ids_as_written(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every patient_id of table ``raw`` (an NDJSON file's, each key as its JSON) is as
    written in the file: DuckDB keeps an integer's digits, however many, but reads a number
    with a fraction or an exponent as a float (``2.50`` as ``2.5``; ``12345678901234567.5``
    and ``12345678901234568.0`` as one), so a file with such an id is read line by line
    (``_ndjson_rows``, which gives each number id as its text; so is a file with ``-0``, which
    DuckDB reads as ``0``: ``LAX_JSON``)."""
    ids = [str(n) for (n,) in con.execute("SELECT column_name FROM (DESCRIBE raw)").fetchall()
           if _fact_name(str(n)) == "patient_id"]  # fmt: skip
    for name in ids:
        (floats,) = con.execute(
            f"SELECT count(*) FROM raw WHERE json_type({column(name)}) NOT IN "
            f"('VARCHAR', 'NULL', 'OBJECT', 'ARRAY', 'BOOLEAN') "
            f"AND regexp_matches(CAST({column(name)} AS VARCHAR), '[.eE]')"
        ).fetchone() or (0,)
        if floats:
            return False
    return True


def _rows(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, header: list[str],
          work: Path, kinds: dict[str, str]) -> tuple[str, str, dict[str, str]]:  # fmt: skip
    """The rows of the file, to read once into ``src``: a FROM clause, the SQL of a row's number
    (its place in the file, from 1) and the file's columns with their types.

    Parquet is read straight from the file (a row's number is DuckDB's ``file_row_number``).
    CSV and NDJSON are read into table ``raw``, in the file's order; the lines that cannot be
    read as a row (not JSON, not a JSON object, a CSV row with more or fewer values than the
    header) go to table ``unreadable`` with their row number and the reason, and the others are
    read from a copy without them, each numbered by table ``numbers`` (the copy's k-th row's
    number in the file). In NDJSON a row's keys are its own: a key that is no fact's, or one fact
    given by two keys (``stage`` and ``Stage``), quarantines that row; the others are written to
    the copy by the facts' names (``Cancer`` as ``cancer``)."""
    if fmt == "parquet":
        try:
            found = con.execute(f"DESCRIBE SELECT * FROM read_parquet({quote(str(path))})")
        except duckdb.Error as error:
            raise CohortError(f"INPUT: cannot be read as parquet: {_first_line(error)}") from None
        scan = f"read_parquet({quote(str(path))}, file_row_number=true)"
        return scan, "file_row_number + 1", {str(n): str(t) for n, t, *_ in found.fetchall()}
    # in the file's order, so that a row's number (rowid + 1) is its place in the file: read in
    # parallel without it, the rows of a large file are stored in any order
    con.execute("SET preserve_insertion_order = true")
    try:
        try:
            if (fmt == "ndjson" and not _strict_objects(con, path)) or (
                fmt == "csv" and not _strict_csv(path, header)
            ):
                raise _Unreadable
            con.execute(f"CREATE TABLE raw AS SELECT * FROM {_scan(path, fmt, header)}")
            rows, number = "raw", "rowid + 1"
            if fmt == "ndjson" and not (_facts_only(con, kinds) and _ids_as_written(con)):
                con.execute("DROP TABLE raw")  # a key each row has to be read for on its own
                raise _Unreadable
        except (duckdb.Error, _Unreadable) as error:
            # DuckDB's reason, if it gave one: what is said if the rows read line by line
            # cannot be read either (a fault of onconav's, never the name of an exception)
            said = _first_line(error) if isinstance(error, duckdb.Error) else None
            copy = work / f"readable.{fmt}"
            if fmt == "csv":
                _csv_rows(con, path, header, copy, work)
            else:
                _ndjson_rows(con, path, copy, work, kinds)
            try:
                con.execute(f"CREATE TABLE raw AS SELECT * FROM {_scan(copy, fmt, header)}")
            except duckdb.Error as again:
                said = said or _first_line(again).replace(str(copy), str(path))
                raise CohortError(f"INPUT: cannot be read as {fmt}: {said}") from None
            rows = ("(SELECT rowid + 1 AS _k, * FROM raw) raw "
                    "JOIN numbers ON numbers.k = raw._k")  # fmt: skip
            number = "numbers.row"
    finally:
        con.execute("SET preserve_insertion_order = false")
    found = con.execute("SELECT column_name, column_type FROM (DESCRIBE raw)")
    types = {str(n): str(t) for n, t in found.fetchall()}
    if fmt == "ndjson":
        (count,) = con.execute("SELECT count(*) FROM raw").fetchone() or (0,)
        if not count:  # a file of blank lines: DuckDB names a column 'json' that no line has
            raise CohortError(f"INPUT: {str(path)!r} has only blank lines; it needs rows of "
                              "people, a JSON object a line")  # fmt: skip
        if list(types) == ["json"] and types["json"].startswith("MAP("):
            types = {}  # objects with no keys ({}): DuckDB's column 'json' is none of the file's
    return rows, number, types


def _first_line(error: duckdb.Error) -> str:
    """The first line of DuckDB's error: what it says is wrong, never a class name."""
    said = str(error).strip()
    return said.splitlines()[0] if said else "DuckDB gave no reason"


class _Unreadable(Exception):
    """An NDJSON line that is not a JSON object: read again line by line (``_ndjson_rows``)."""


JSON_ARRAY = ("the file is a JSON array, not one object a line: write each person's object on a "
              "line of its own (pandas: to_json(orient='records', lines=True); jq -c '.[]')")


def _ndjson_rows(con: duckdb.DuckDBPyConnection, path: Path, copy: Path, work: Path,
                 kinds: dict[str, str]) -> None:  # fmt: skip
    """``copy``: the lines of an NDJSON file that are JSON objects; the others in table
    ``unreadable``, and each line's row number in ``numbers``. Read one line at a time, so the
    memory it takes is the longest line's, whatever the file's size. A blank line is not a row
    (as DuckDB reads NDJSON): rows are numbered 1, 2, ... over the lines that are not blank, and
    a reason names the line's own number in the file. A line that is not UTF-8 text is
    quarantined, naming its byte (from 1)."""
    bad: list[tuple[int, str | None, str]] = []
    others: dict[str, tuple[int, str, bool]] = {}  # each key that is no fact's (``_keys``)
    numbers = work / "numbers.csv"
    row = copied = 0
    first = ""  # the first line that is not blank: what the file is, if no line is a row
    with (path.open("rb") as handle, copy.open("wb") as out,
          numbers.open("w", encoding="utf-8") as rows_out):  # fmt: skip
        for line, raw in enumerate(handle, 1):  # lines end at "\n" only, as DuckDB's
            try:
                text = raw.decode("utf-8").strip(" \t\r\n\ufeff")  # a byte order mark too
            except UnicodeDecodeError as error:
                row += 1
                bad.append((row, None, f"line {line}: not UTF-8 text (byte {error.start + 1}); "
                                       f"{UTF8_FIX}"))  # fmt: skip
                continue
            if not text:
                continue
            if not first and text == "[":  # a JSON array over lines: its items end in ","
                raise CohortError(f"INPUT: cannot be read as ndjson: {JSON_ARRAY}")
            first = first or text
            row += 1
            try:
                value = json.loads(text, parse_constant=_not_json, object_pairs_hook=_once)
            except _Twice as twice:  # DuckDB refuses the whole file for it
                bad.append((row, _line_id(text), f"line {line}: {twice.args[0]!r} is given "
                                                 "twice in one object; give it once"))  # fmt: skip
                continue
            except json.JSONDecodeError as error:  # where it breaks, as a FHIR folder's line
                bad.append((row, None, f"line {line}: not JSON ({error.msg} at column "
                                       f"{error.colno})"))  # fmt: skip
                continue
            except ValueError as error:  # NaN; a number of 4,301 digits (JSON, not read)
                bad.append((row, None, f"line {line}: {why_not_json(error)}"))
                continue
            except RecursionError:  # a row of facts is an object of values and lists
                bad.append((row, None, f"line {line}: JSON nested too deeply to be read (a row "
                                       "is an object of values and lists)"))  # fmt: skip
                continue
            if not isinstance(value, dict):
                bad.append((row, None, f"line {line}: not a JSON object ({_json_kind(value)})"))
                continue
            if "\\u" in text and not _unicode(value):  # DuckDB refuses the whole file for it
                bad.append((row, _line_id(text), f"line {line}: {NOT_UNICODE}"))
                continue
            value, text, problem = _lifted(value, text)
            if not problem:
                facts, problem = _keys(value, kinds, others, line)
            if problem:
                bad.append((row, _line_id(text), f"line {line}: {problem}"))
                continue
            number_id = type(value.get(facts.get("patient_id", ""))) in (int, float)
            if number_id or any(fact != key for fact, key in facts.items()):
                text = _renamed(text, {key: fact for fact, key in facts.items()})
            out.write(text.encode("utf-8") + b"\n")
            copied += 1
            rows_out.write(f"{copied},{row}\n")
    if not copied and bad and all(UTF8_FIX in why for _, _, why in bad):
        raise _not_utf8(path, "ndjson")  # no line is: the file is in another encoding
    keyed = [why for _, _, why in bad if why.endswith("or remove it") or " is not a fact; " in why
             or why.endswith("give it once")]  # fmt: skip
    if not copied and others:  # objects with keys that are not read: each key, a line each
        raise CohortError("\n".join(
            f"INPUT: cannot be read as ndjson: no row can be read; line {line}: {cut(key)} "
            f"{said}" + (f"; or leave it out with --ignore-column {key!r}" if ignorable else "")
            for key, (line, said, ignorable) in others.items()))  # fmt: skip
    if not copied and keyed:  # objects, each with a key given twice or with no name
        raise CohortError(f"INPUT: cannot be read as ndjson: no row can be read; {keyed[0]}")
    if not copied:
        raise CohortError("INPUT: cannot be read as ndjson: " + (
            JSON_ARRAY if first.startswith("[") else
            "no line is a JSON object; an object over several lines (pretty-printed JSON) is not "
            "NDJSON: write each person's object on one line (jq -c)" if first.startswith("{")
            else "no line is a JSON object"))  # fmt: skip
    _tables_of_lines(con, bad, numbers)


def _tables_of_lines(con: duckdb.DuckDBPyConnection, bad: list[tuple[int, str | None, str]],
                     numbers: Path) -> None:  # fmt: skip
    """What ``_ndjson_rows`` and ``_csv_rows`` found, as tables: the lines that cannot be read
    (``bad``: row number, patient_id if it can be read, reason) in ``unreadable``, and
    ``numbers`` (CSV of k, row) read as table ``numbers``, its dialect given, not sniffed (a file
    of no row has nothing to sniff)."""
    if bad:
        con.executemany("INSERT INTO unreadable VALUES (?, ?, ?)", bad)
    con.execute(f"CREATE TABLE numbers AS SELECT * FROM read_csv({quote(str(numbers))}, "
                "header=false, auto_detect=false, delim=',', "
                "columns={'k': 'BIGINT', 'row': 'BIGINT'})")  # fmt: skip


def _line_id(text: str) -> str | None:
    """The patient_id of an NDJSON line that is a JSON object but cannot be read as a row (a key
    that is no fact's, a key given twice), as the quarantine gives a row's (``_quarantine_id``:
    a number as written, ``2.50``); None if it gives none, or gives it by two keys."""
    if not text.startswith("{"):  # an array of objects: no row's
        return None
    try:
        pairs = json.loads(text, object_pairs_hook=list, parse_int=str, parse_float=str)
    except RecursionError:  # past the key given twice, JSON too deep to be read
        return None
    ids = [value for key, value in pairs if _fact_name(key) == "patient_id"]
    return _quarantine_id(ids[0]) if len(ids) == 1 else None


def _quarantine_id(value: object) -> str | None:
    """A patient_id of a line quarantined whole, as the quarantine gives a row's: text, spaces
    around it cut; None if it is not text, is not UTF-8 text, is blank or says it is not known
    (``id_problem``)."""
    if not isinstance(value, str) or SURROGATE.search(value) or _says_not_known(value):
        return None
    return whole_id(value.strip())


def _keys(value: dict[str, Any], kinds: dict[str, str],
          others: dict[str, tuple[int, str, bool]] | None = None, line: int = 0,
          ) -> tuple[dict[str, str], str | None]:  # fmt: skip
    """An NDJSON row's keys by the fact each gives (as a file's columns are named, ``_columns``),
    or what is wrong with them: the keys that are no fact's (each; ``others`` is told each such
    key, the first ``line`` it is on and what ``_not_a_fact`` says of it), one fact given by two
    keys."""
    facts: dict[str, str] = {}
    problems = []
    for key in value:
        fact = _fact_name(key)
        if not fact:
            return facts, (f"a key has no name ({cut(key)}); name it by its fact (patient_id, "
                           "cancer, stage, ...), or remove it")  # fmt: skip
        if fact not in kinds:
            said = _not_a_fact(key, kinds, map(_fact_name, value))
            # as a CSV file's column is told (``_columns``): how to leave it out, if it may be;
            # to name it patient_id only if the row has none (it had been said beside one)
            hint = "" if "patient_id" in map(_fact_name, value) or not said[1] else _id_hint(key)
            problems.append(f"{cut(key)} {said[0]}{hint}" + (
                f"; or leave it out with --ignore-column {cut(key)}" if said[1] else ""))
            if others is not None:
                others.setdefault(key, (line, said[0] + hint, said[1]))
            continue
        if fact in facts:
            return facts, (f"{cut(fact)} is given twice (as {cut(facts[fact])} and {cut(key)}); "
                           "give it once")  # fmt: skip
        facts[fact] = key
    return facts, "; ".join(problems) or None


MARKERS_KEY = "biomarkers"  # the profile's object of test results (``profile.MARKERS``)


def _lifted(value: dict[str, Any], text: str) -> tuple[dict[str, Any], str, str | None]:
    """An NDJSON row with the profile's own ``biomarkers`` object (``{"her2": "positive"}``, as
    examples/*.json and the API give it) read as the profile reads it: its her2 and kras (keys
    in any case) as the row's own, each value as written; the same value also given at the top
    level is one (``distinct_answers``: ``3+`` and ``positive`` too), two that differ are a
    problem naming both. ``biomarkers`` null or a word for not known: none given. Returns the
    row, its line and the problem (None if none)."""
    key = next((k for k in value if _fact_name(k) == MARKERS_KEY), None)
    if key is None:
        return value, text, None
    inner = value[key]
    pairs = _written_pairs(text)
    if inner is None or (isinstance(inner, str) and words.not_known(inner)):
        inner, written = {}, {}
    elif not isinstance(inner, dict):
        return value, text, (f"{cut(key)}: {cut(inner)} is not an object of test results; "
                             f"give {' and '.join(MARKERS)} as keys of it, or of the row")
    else:
        written = dict(_written_pairs(pairs[key]))
    lifted = {k: v for k, v in value.items() if k != key}
    lines = {k: w for k, w in pairs.items() if k != key}
    for name, given in inner.items():
        marker = _fact_name(name)
        if marker not in MARKERS:
            return value, text, (f"{cut(f'{key}.{name}')} is not a test result; accepted: "
                                 + ", ".join(MARKERS))  # fmt: skip
        top = next((k for k in lifted if _fact_name(k) == marker), None)
        if top is not None and lifted[top] is not None and given is not None:
            same = lifted[top] == given or (isinstance(given, str) and isinstance(
                lifted[top], str) and len(distinct_answers(marker, [given, lifted[top]])) == 1)
            if not same:
                return value, text, (f"{marker} is given twice, as {cut(f'{key}.{name}')} "
                                     f"{cut(given)} and {cut(top)} {cut(lifted[top])}: which is "
                                     "right cannot be known; give it once")  # fmt: skip
            continue
        if top is not None and given is None:
            continue
        if top is not None:
            del lifted[top], lines[top]
        lifted[marker], lines[marker] = given, written[name]
    line = "{" + ", ".join(f"{json.dumps(k)}: {w}" for k, w in lines.items()) + "}"
    return lifted, line, None


def _written_pairs(text: str) -> dict[str, str]:
    """A JSON object's keys (read already: each once) with each value as written in ``text``."""
    decoder, space = json.JSONDecoder(), json.decoder.WHITESPACE  # type: ignore[attr-defined]
    pairs, at = {}, space.match(text, text.index("{") + 1).end()
    while text[at] != "}":
        key, at = decoder.raw_decode(text, at)
        at = space.match(text, space.match(text, at).end() + 1).end()  # past the ':'
        _, end = decoder.raw_decode(text, at)
        pairs[key] = text[at:end]
        at = space.match(text, end).end()
        at = space.match(text, at + 1).end() if text[at] == "," else at
    return pairs


def _renamed(text: str, names: dict[str, str]) -> str:
    """A line that is a JSON object (read already) with its keys renamed by ``names`` (key ->
    fact), each value as written in the line, never read and written again; a patient_id that
    is a number given as its text as written (``2.50``, ``1e3``: DuckDB would read ``2.5`` and
    ``1000.0``)."""
    parts = []
    for key, said in _written_pairs(text).items():
        if names[key] == "patient_id" and type(json.loads(said)) in (int, float):  # not a bool
            said = json.dumps(said)
        parts.append(f"{json.dumps(names[key])}: {said}")
    return "{" + ", ".join(parts) + "}"


# a string of a line with a ``\\u`` escape of half a character (a surrogate, ``\\udc00``) not in a
# pair: JSON's reader in Python takes it; it is no Unicode text, and DuckDB refuses it
SURROGATE = re.compile("[\ud800-\udfff]")
NOT_UNICODE = ("a string holds an escape that is no character: half of a pair (a surrogate, "
               "\\ud800 to \\udfff) alone; write the character itself, as UTF-8 text")


def _unicode(value: object) -> bool:
    """Whether every string of a JSON value (the keys of its objects too) is Unicode text: no
    surrogate (half of a ``\\u`` pair) alone."""
    if isinstance(value, str):
        return not SURROGATE.search(value)
    if isinstance(value, dict):
        return all(_unicode(k) and _unicode(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_unicode(v) for v in value)
    return True


class _Twice(ValueError):
    """A JSON object with a key given twice (``_once``)."""


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are each given once; raises ``_Twice`` (the key) otherwise."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Twice(key)
        found[key] = value
    return found


def _not_json(word: str) -> None:
    """NaN and Infinity, which Python's reader takes and JSON (and DuckDB) does not."""
    raise NotAJsonValue(f"{word} is no JSON value (JSON has no NaN or Infinity)")


def _json_kind(value: object) -> str:
    """What a JSON value that is not an object is, in words."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "null"


def _csv_problem(values: list[str], header: list[str]) -> str | None:
    """Why a CSV row (its values, not none) cannot be read as a row, or None: a value that is not
    UTF-8 text or is longer than ``LONGEST_VALUE``, naming its column; more or fewer values than
    the header (``EMPTY_ROW`` if none has a value)."""
    where = next((i for i, v in enumerate(values) if NOT_UTF8.search(v)), None)
    if where is not None:
        named = f" (column {header[where]!r})" if where < len(header) else ""
        return f"not UTF-8 text{named}; {UTF8_FIX} (in Excel: CSV UTF-8)"
    if max(map(len, values)) > LONGEST_VALUE:
        at = next(i for i, v in enumerate(values) if len(v) > LONGEST_VALUE)
        named = f"column {header[at]!r}" if at < len(header) else f"value {at + 1}"
        return (f"the value of {named} is {len(values[at])} characters long; a value of at most "
                f"{LONGEST_VALUE} characters is read")  # fmt: skip
    if len(values) == len(header):
        return None
    if not any(v.strip() for v in values):  # only commas, too few or too many
        return EMPTY_ROW
    return f"{len(values)} value{'' if len(values) == 1 else 's'}, the header has {len(header)}"


def _csv_rows(con: duckdb.DuckDBPyConnection, path: Path, header: list[str], copy: Path,
              work: Path) -> None:  # fmt: skip
    """``copy``: the rows of a CSV file that have as many values as its header; the others in
    table ``unreadable``, and each row's number in ``numbers``. A blank line is not a row (as
    DuckDB reads CSV): rows are numbered 1, 2, ... over the others, and a reason names the
    line of the file the row starts on. A row of empty values only is ``EMPTY_ROW``, whatever
    their number. A row that is not UTF-8 text is quarantined, naming its first such value's
    column; so is a row with a value longer than ``LONGEST_VALUE``, naming the limit."""
    bad: list[tuple[int, str | None, str]] = []
    broken: dict[int, int] = {}  # a row the reader could not read: its place in bad, its line
    numbers = work / "numbers.csv"
    # the patient_id of a row that cannot be read, if its column is there: said beside why
    at = next((i for i, name in enumerate(header) if _fact_name(name) == "patient_id"), None)
    # a value of any length, measured here: Python's reader refuses one past its limit, by
    # default 131,072 characters, without naming its column
    limit = csv.field_size_limit(sys.maxsize)
    try:
        with (path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle,
              copy.open("w", encoding="utf-8", newline="") as out,
              numbers.open("w", encoding="utf-8", newline="") as rows_out):  # fmt: skip
            records = csv.reader(handle, strict=True)
            writer, number_writer = csv.writer(out), csv.writer(rows_out)
            writer.writerow(next(records))
            row, copied, line = 0, 0, records.line_num + 1
            while True:
                try:
                    values = next(records)
                except StopIteration:
                    break
                except csv.Error as error:  # the reader goes on at the next line
                    row += 1
                    bad.append((row, None, f"line {line}: {_csv_error(error)}"))
                    broken[len(bad) - 1] = line
                else:
                    if values:  # a blank line is not a row
                        row += 1
                        why = _csv_problem(values, header)
                        if why is None:
                            writer.writerow(values)
                            copied += 1
                            number_writer.writerow([copied, row])
                        else:  # its patient_id, if it has one that can be read, beside why not
                            who = _quarantine_id(values[at]) if at is not None \
                                and at < len(values) else None  # fmt: skip
                            bad.append((row, who, f"line {line}: {why}"))
                line = records.line_num + 1
        if at is not None:  # a row the reader could not read: its patient_id as its line reads
            lines = _loose_lines(path, set(broken.values()))
            for i, number in broken.items():
                values = lines.get(number, [])
                # not an id that holds the line's other values (its opening quote not closed)
                if at < len(values) and not re.search(r"[,\r\n]", values[at]):
                    bad[i] = (bad[i][0], _quarantine_id(values[at]), bad[i][2])
    finally:
        csv.field_size_limit(limit)
    _tables_of_lines(con, bad, numbers)


def _csv_error(error: csv.Error) -> str:
    """What Python's CSV reader found wrong with a row, in the words of the file."""
    said = str(error)
    if said == "unexpected end of data":
        return "a quoted value is not closed before the end of the file"
    if re.fullmatch(r"'.' expected after '\"'", said):
        return ("a quoted value has more after its closing quote (a space before the comma?): "
                "a value's closing quote goes right before the comma or the end of the line, "
                "and a quote inside a value is written twice")
    if said.startswith("new-line character seen in unquoted field"):
        return "a line break inside a value that is not in quotes"
    return said


def _loose_lines(path: Path, wanted: set[int]) -> dict[int, list[str]]:
    """The values of some lines of a CSV file (by number, from 1), each line read alone and
    leniently: for the patient_id of a row the strict reader could not read."""
    out: dict[int, list[str]] = {}
    last = max(wanted, default=0)
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        for number, text in enumerate(handle, 1):
            if number > last:
                break
            if number in wanted:
                out[number] = next(csv.reader([text]), [])
    return out


# A value given as a JSON or typed value that is not text (a number, true, an object, a list in
# a list): this mark, then its JSON; read as that value (``as_given``), which the core refuses or
# reads as it does in a profile, never as the text of it ("[pain]" would be read as pain, and
# {"result": "positive"} as HER2 positive)
NOT_TEXT = "\x01"
# Text that starts with a character below chr(4) (NULL's key, NOT_TEXT, NOT_A_LIST or this
# mark, which a file may hold): this mark before it (``_text``), taken off by ``as_given``, so
# that no text is ever taken for a value not given or not text
TEXT = "\x02"
# A value of a list's column that is neither a list nor text (an object, true, a number): the
# one item of the list, this mark and its JSON; read as that value, not as an item
# (``list_given``), so that the core refuses it as it refuses it in a profile ("metastases:
# {"liver": true} is not accepted; give a list of names"; it was told as metastases[0], an item
# the row does not have)
NOT_A_LIST = "\x03"


def _text(x: str) -> str:
    """The SQL of a text ``x`` as carried in ``src``: itself, or ``TEXT`` and itself if it starts
    with a character a mark could be (``\\x00`` to ``\\x03``)."""
    return f"CASE WHEN {x} < chr(4) THEN chr({ord(TEXT)}) || {x} ELSE {x} END"


def _item(x: str, trimmed: bool = False) -> str:
    """The SQL of a JSON value ``x`` as given: its text if it is a string (``trimmed``: spaces
    around it cut, and none left no value), else marked."""
    text = f"json_extract_string({x}, '$')"
    text = f"NULLIF(trim({text}), '')" if trimmed else text
    return (f"CASE WHEN {x} IS NULL OR json_type({x}) = 'NULL' THEN NULL "
            f"WHEN json_type({x}) = 'VARCHAR' THEN {_text(text)} "
            f"ELSE chr({ord(NOT_TEXT)}) || CAST({x} AS VARCHAR) END")  # fmt: skip


def _json_value(text: str) -> object:
    """A JSON value that is no text, as Python reads it; a number Python's reader refuses (of
    more than 4,300 digits, which DuckDB reads) as its digits, which no fact accepts, so that
    the row is quarantined naming its column (it had stopped the run with a traceback)."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def as_given(item: object) -> object:
    """A value (or an item of a list) as it was given: its text (``TEXT`` taken off), or the
    value behind ``NOT_TEXT`` (``_json_value``)."""
    if isinstance(item, str) and item.startswith(NOT_TEXT):
        return _json_value(item[len(NOT_TEXT):])
    if isinstance(item, str) and item.startswith(TEXT):
        return item[len(TEXT):]
    return item


def list_given(items: list[object]) -> object:
    """A list's column as it was given: its items (``as_given``), or the value that is no list
    (``NOT_A_LIST``) that was given in its place."""
    if len(items) == 1 and isinstance(items[0], str) and items[0].startswith(NOT_A_LIST):
        return _json_value(items[0][len(NOT_A_LIST):])
    return [as_given(item) for item in items]


def profile_data(record: dict[str, object]) -> dict[str, object]:
    """A row of the input (as given) as the profile data ``parse_profile`` reads."""
    data: dict[str, object] = {}
    markers = {}
    for name, value in record.items():
        if name in ("patient_id", "_row") or value is None:
            continue
        if name in MARKERS:
            markers[name] = as_given(value)
        elif isinstance(value, list):
            data[name] = list_given(value)
        else:
            data[name] = as_given(value)
    if markers:
        data["biomarkers"] = markers
    return data


def _given(item: str, kind: str, sql_type: str, fhir: bool = False) -> str:
    """A column as given, as text (a value) or a list of texts (a list; ``;``-separated text);
    a value or an item that is not text (a number, true, an object, a list where one value is
    expected) marked, ``NOT_TEXT``, as the value it is. A ``patient_id`` is its text
    (``_patient_id``; of a FHIR folder, ``fhir``, a resource's id, text as written)."""
    col = column(item)
    if kind == "id":
        return _patient_id(col, sql_type, whole=not fhir)
    if sql_type in ("DOUBLE", "FLOAT"):  # NaN, how a number column writes a blank: no value
        col = f"(CASE WHEN NOT isnan({col}) THEN {col} END)"
    # a value of a column typed other than text: marked, as its JSON (a date's is a string,
    # which ``as_given`` reads back as that text)
    value = _item(col) if sql_type == "JSON" else \
        f"chr({ord(NOT_TEXT)}) || CAST(to_json({col}) AS VARCHAR)"  # fmt: skip
    # a list's value that is no list and no text: the value it is, in the list's place
    not_a_list = f"[chr({ord(NOT_A_LIST)}) || CAST(to_json({col}) AS VARCHAR)]"
    if kind != "list":
        if sql_type == "VARCHAR":
            return _text(f"NULLIF(trim({col}), '')")
        return _item(col, trimmed=True) if sql_type == "JSON" else value
    if sql_type == "VARCHAR[]":
        return f"list_transform({col}, lambda x: {_text('x')})"
    if sql_type.endswith("[]"):  # a list of numbers, of lists, ...: each item as its JSON
        return (f"list_transform(list_transform({col}, lambda y: to_json(y)), "
                f"lambda x: {_item('x')})")  # fmt: skip
    if sql_type == "JSON":  # NDJSON whose rows differ: a list as a list, text as text
        text = f"json_extract_string({col}, '$')"
        return (f"CASE WHEN json_type({col}) = 'ARRAY' THEN "
                f"list_transform(from_json({col}, '[\"JSON\"]'), lambda x: {_item('x')}) "
                f"WHEN json_type({col}) = 'VARCHAR' THEN {_split(text)} "
                f"WHEN {col} IS NULL OR json_type({col}) = 'NULL' THEN NULL "
                f"ELSE {not_a_list} END")  # fmt: skip
    if sql_type != "VARCHAR":  # a number, true, a struct, ...: the value it is, not an item
        return f"CASE WHEN {col} IS NOT NULL THEN {not_a_list} END"
    return _split(col)


# a patient_id that is not text (an object, a list, true): this mark and what it is, quarantined
# as ``id_problem`` says; a number is its text
_TYPED_IDS = {"BOOLEAN": "true or false", "STRUCT": "an object", "MAP": "an object",
              "UNION": "an object"}  # fmt: skip


# An integer id written as a float: ``1.0``, as pandas writes a column of integer ids that has a
# missing value (its type is then float) to CSV, NDJSON or Parquet. Read as the integer (``1``),
# in every format: the same patient as ``1`` (a row of each is said as a repeated id). Any other
# decimal text (``2.50``) is an id as written.
WHOLE_FLOAT = r"(-?[0-9]+)\.0+"


def whole_id(text: str) -> str:
    """An id's text (spaces around it cut) with ``.0`` of an integer written as a float taken
    off (``WHOLE_FLOAT``): ``1.0`` is ``1``. The SQL of it is ``_whole_id``."""
    whole = re.fullmatch(WHOLE_FLOAT, text)
    return whole[1] if whole else text


def _whole_id(text: str) -> str:
    """The SQL of ``whole_id``."""
    return f"regexp_replace({text}, {quote('^' + WHOLE_FLOAT + '$')}, '\\1')"


# the largest magnitude up to which every integer is exact in a column of FLOAT or DOUBLE
# numbers: past it, an id's last digits may have been lost when it was written
EXACT_FLOAT = {"FLOAT": 2**24, "DOUBLE": 2**53}
# what a patient_id of a column of floats that is no integer is said to be (``id_problem``)
NOT_WHOLE = "is not a whole number: "
NOT_EXACT = ("is past {}, where a number of its column's type keeps every digit: its last "
             "digits may have been lost: ")  # fmt: skip


def _patient_id(col: str, sql_type: str, whole: bool = True) -> str:
    """The SQL of a ``patient_id`` as given: its text (a number's too; an integer written as a
    float, ``1.0``, as the integer, ``whole_id``); one that is not text marked, ``NOT_TEXT``,
    with what it is in words. A column of floats (Parquet's DOUBLE or FLOAT, pandas' type for
    integer ids with one missing) gives each integer as its digits; NaN as ``nan`` (missing);
    a number with a fraction or infinity, or one too large for its digits to be exact, marked
    (``NOT_WHOLE``, ``NOT_EXACT``); a column of DECIMAL numbers the same way (exact: never
    too large). ``whole`` False: text as written (a FHIR id)."""
    as_integer = _whole_id if whole else str
    mark = f"chr({ord(NOT_TEXT)})"
    if sql_type in EXACT_FLOAT:
        return (f"CASE WHEN {col} IS NULL THEN NULL WHEN isnan({col}) THEN 'nan' "
                f"WHEN isinf({col}) OR {col} <> trunc({col}) THEN {mark} || {quote(NOT_WHOLE)} "
                f"|| CAST({col} AS VARCHAR) WHEN abs({col}) > {EXACT_FLOAT[sql_type]} THEN "
                f"{mark} || {quote(NOT_EXACT.format(EXACT_FLOAT[sql_type]))} || "
                f"CAST({col} AS VARCHAR) "
                f"ELSE CAST(CAST({col} AS BIGINT) AS VARCHAR) END")  # fmt: skip
    if sql_type == "JSON":  # NDJSON whose rows differ
        text = as_integer(f"NULLIF(trim(json_extract_string({col}, '$')), '')")
        kinds = " ".join(f"WHEN {quote(t)} THEN {quote(w)}" for t, w in
                         (("OBJECT", "an object"), ("ARRAY", "an array"),
                          ("BOOLEAN", "true or false")))  # fmt: skip
        return (f"CASE WHEN json_type({col}) IN ('OBJECT', 'ARRAY', 'BOOLEAN') THEN {mark} || "
                f"CASE json_type({col}) {kinds} END "
                f"ELSE {_text(text)} END")  # fmt: skip
    if sql_type.startswith("DECIMAL"):  # exact: a whole number is the integer (1.00 is 1), and
        # one with a fraction no id, as of a column of floats (3.50 had been patient '3.50')
        return (f"CASE WHEN {col} IS NULL THEN NULL WHEN {col} <> trunc({col}) THEN {mark} || "
                f"{quote(NOT_WHOLE)} || CAST({col} AS VARCHAR) "
                f"ELSE CAST(CAST({col} AS HUGEINT) AS VARCHAR) END")  # fmt: skip
    typed = "an array" if sql_type.endswith("]") else _TYPED_IDS.get(sql_type.split("(")[0])
    if typed is not None:
        return f"CASE WHEN {col} IS NOT NULL THEN {mark} || {quote(typed)} END"
    return _text(as_integer(f"NULLIF(trim(CAST({col} AS VARCHAR)), '')"))


# A patient_id that says it is not known is no id: the words that say so in a fact's column
# (``words.not_known``: ``NULL``, ``N/A``, ``unknown``, ``nan``, a NaN of a number column as its
# text), and ``\N``, a database's NULL written as text (PostgreSQL's and MySQL's exports)
NULL_TEXT = "\\N"
# the SQL of those ids, and perhaps a few more (``_read_values`` asks ``id_problem`` of each): the
# text in lower case without what is no letter, digit or +, as ``words.not_known`` compares it
ID_NOT_KNOWN = ("regexp_replace(lower(patient_id), '[^a-z0-9+]', '', 'g') IN ("
                + ", ".join(sorted({quote(re.sub(r"[^a-z0-9+]", "", w.lower()))
                                    for w in (*words.NOT_KNOWN, NULL_TEXT, "")}))
                + ")")  # fmt: skip
# an id that is a number in scientific notation, as Excel writes a long number in a cell not
# formatted as text into a CSV file (``1.23457E+11`` for the MRN 123456789012; a float written
# by DuckDB or JSON so too, ``1e+16``), in every format: its last digits may be lost, and two
# patients' ids may have become one ("the same as row 5"); a code such as ``1E3`` or ``2e-5``
# has no ``+`` and is an id as written
SCIENTIFIC = r"\s*[0-9](\.[0-9]+)?[eE]\+[0-9]+\s*"
ID_NOT_KNOWN = f"({ID_NOT_KNOWN} OR regexp_full_match(patient_id, {quote(SCIENTIFIC)}))"


def _says_not_known(patient_id: str) -> bool:
    """Whether a patient_id's text says it is not known, or is blank (no id)."""
    return words.not_known(patient_id) or patient_id.strip() == NULL_TEXT


def number_id(patient: str | None) -> str | None:
    """Of a ``patient_id`` of a number column that is no id (``NOT_WHOLE``, ``NOT_EXACT``), the
    number as given (``2.5``), for the quarantine's ``patient_id`` (it had been left empty);
    None for any other. ``_number_id`` is its SQL."""
    if patient is None or not patient.startswith(NOT_TEXT):
        return None
    what = patient[len(NOT_TEXT):]
    if not any(what.startswith(said.split("{")[0]) for said in (NOT_WHOLE, NOT_EXACT)):
        return None
    return what.rpartition(": ")[2]


def _number_id(col: str) -> str:
    """The SQL of ``number_id``."""
    heads = " OR ".join(f"starts_with({col}, chr({ord(NOT_TEXT)}) || {quote(said.split('{')[0])})"
                        for said in (NOT_WHOLE, NOT_EXACT))  # fmt: skip
    return f"(CASE WHEN {heads} THEN regexp_extract({col}, ': ([^:]*)$', 1) END)"


def id_problem(patient: str | None) -> str | None:
    """Why a row's ``patient_id`` (as ``_patient_id`` gives it) cannot be read, or None: none,
    not text, or text that says it is not known (``NULL``: a missing id, never a person, and a
    second ``NULL`` never "the same as" the first)."""
    if patient is None:
        return "patient_id: missing"
    if patient.startswith(NOT_TEXT):
        what = patient[len(NOT_TEXT):]
        for said in (NOT_WHOLE, NOT_EXACT):  # a number of a column of floats that is no id
            head = said.split("{")[0]
            if what.startswith(head):
                why, _, number = what.rpartition(": ")
                return (f"patient_id: {number}, in a column of numbers with fractions (float "
                        "or decimal), "
                        f"{why}; an id is a whole number or text: check the column, or give "
                        "the ids as text")  # fmt: skip
        return f"patient_id: not text ({what}); give it as text"
    given = str(as_given(patient))
    if _says_not_known(given):
        return f"patient_id: missing ({cut(given)} says it is not known)" if given.strip() \
            else "patient_id: missing"  # fmt: skip
    if re.fullmatch(SCIENTIFIC, given):
        return (f"patient_id: {cut(given)} is a number in scientific notation (as Excel writes "
                "a long number in a CSV file): its last digits may be lost, and other patients' "
                "ids may read the same; give the ids as text (in Excel, format the column as "
                "Text before the ids are entered or opened)")  # fmt: skip
    return None  # text: its value is ``as_given(patient)``


# the mark of a ``;`` that is part of a name (``_kept``): a control character, which a list's
# text holds only by mistake and the core refuses in any answer ("holds a control character");
# text that holds it is not marked (split plainly, its item still holds the mark, and the row is
# refused as the core refuses it), nor text with no closing bracket (most lists: the pieces cost
# ten times the plain split). Not one Python counts as a space (chr(28) to chr(31)): the core
# reads those as a space, so text holding one had been split here where the core did not split it
KEPT = "chr(1)"


def _kept(text: str) -> str:
    """The SQL of a list's text with each ``;`` that is part of a name marked ``KEPT``: one whose
    next bracket is a closing one (``chemotherapy (FOLFOX; FOLFIRI)``), as the core's
    ``profile.split_list`` reads it (the list had been cut inside the brackets, and both halves
    refused, where ``onconav options`` reads the item). The text in pieces, each up to and with
    the next bracket: a piece's ``;`` are kept when it ends with ``)``."""
    pieces = f"regexp_extract_all({text}, '[^()]*[()]?')"
    return (f"array_to_string(list_transform({pieces}, lambda p: CASE WHEN ends_with(p, ')') "
            f"THEN replace(p, ';', {KEPT}) ELSE p END), '')")  # fmt: skip


def _split(text: str) -> str:
    """The SQL of a list given as text: its ``;``-separated items; empty text is no list. An
    empty piece (``pain;``, ``pain;;nausea``: a spreadsheet's joined cells) is no item, as the
    core reads a comma-separated text (``profile.split_list``); text with no item in it (``;``)
    is given whole in the list's place (``NOT_A_LIST``), which the core refuses as it refuses
    ``,`` (``';' is not accepted; accepted: a list of names, or none``; given as a list's one
    item, it had been told to check the spelling of ';'). A ``;`` inside brackets
    is part of a name, as the core reads it (``_kept``)."""
    trimmed = f"trim({text})"
    pieces = (f"CASE WHEN NOT contains({trimmed}, ')') OR contains({trimmed}, {KEPT}) THEN "
              f"string_split({trimmed}, ';') ELSE list_transform(string_split("
              f"{_kept(trimmed)}, ';'), lambda s: replace(s, {KEPT}, ';')) END")  # fmt: skip
    items = f"list_filter(list_transform({pieces}, lambda s: trim(s)), lambda s: s <> '')"
    return (f"CASE WHEN trim({text}) = '' THEN NULL WHEN len({items}) = 0 THEN "
            f"[chr({ord(NOT_A_LIST)}) || CAST(to_json(trim({text})) AS VARCHAR)] "
            f"ELSE list_transform({items}, lambda t: {_text('t')}) "
            "END")  # fmt: skip


def load(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, kb: KnowledgeBase,
         ignore: tuple[str, ...] = (), ours: tuple[Path, ...] = (),
         fhir: bool = False) -> Loaded:  # fmt: skip
    """Read the input into table ``src``, then ``facts`` and ``quarantine``. The columns named
    in ``ignore`` (``--ignore-column``: an export's ``mrn``; in any case, as a column is named)
    are not read, whatever they hold; a fact's column cannot be ignored. ``ours``: the files and
    temporary folder the run writes, which a FHIR folder read may hold (``cohort FOLDER --out
    FOLDER/r.ndjson``, ``cohort gaps FOLDER --out FOLDER/gaps.csv``): not read, nor named as
    not read. ``fhir``: the table is a FHIR folder's (``_load_bulk``), whose ids are FHIR's,
    text as written (``1.0`` is a FHIR id, not an integer written as a float)."""
    kinds = input_columns(kb)
    for name in ignore:
        if _fact_name(name) == "patient_id":  # each row's key, which every row needs
            raise CohortError(f"--ignore-column: {cut(name)} is the column of each person's "
                              "id, which every row needs; it cannot be ignored")  # fmt: skip
        if _fact_name(name) in kinds or not _fact_name(name):
            raise CohortError(f"--ignore-column: {cut(name)} is "
                              + ("a fact's column; only a column that is no fact's can be "
                                 "ignored" if _fact_name(name) else "no column's name"))
    if fmt == "fhir":
        if ignore:
            raise CohortError("--ignore-column: is for a table; a FHIR folder has no columns")
        return _load_bulk(con, path, kb, ours)
    if not path.is_file():
        raise CohortError(f"INPUT: {str(path)!r} is not a file")
    if path.stat().st_size == 0:
        raise CohortError(f"INPUT: {str(path)!r} is empty; it needs a header or rows of people")
    if fmt in ("csv", "ndjson"):
        _not_utf16(path, fmt)
    # the columns a file may have: the facts' and those ignored (read by none of the parts)
    named = {**kinds, **{_fact_name(n): "ignored" for n in ignore}}
    header, unnamed = _csv_header(path, named) if fmt == "csv" else ([], [])
    named |= {_fact_name(header[i - 1]): "ignored" for i in unnamed}  # no data: not read
    con.execute("CREATE TABLE unreadable (row BIGINT, patient_id VARCHAR, reason VARCHAR)")
    with tempfile.TemporaryDirectory() as work:
        rows, number, types = _rows(con, path, fmt, header, Path(work), named)
    there = {_fact_name(n) for n in types}
    for name in ignore:  # an --ignore-column of another export, or mistyped: not said as ignored
        if _fact_name(name) not in there:
            keys = " (the keys of its rows)" if fmt == "ndjson" else ""
            shown = [cut(n) for n in types if n not in (header[i - 1] for i in unnamed)]
            raise CohortError(f"--ignore-column: {cut(name)} is not a column of INPUT; its "
                              f"columns{keys}: {', '.join(shown) or 'none'}")  # fmt: skip
    given = _columns(types, named)  # a fact -> the file's column that gives it
    if "patient_id" not in given:
        ids = [n for n in types if _id_hint(n)]
        said = f" ({cut(ids[0])}?)" if ids else ""
        raise CohortError("INPUT: has no patient_id column; each row needs a patient_id: name "
                          f"the column (an NDJSON row's key) of the people's ids patient_id{said}")
    parts = [f"{_given(given[n], kinds[n], types[given[n]], fhir)} AS {column(n)}" if n in given
             else f"CAST(NULL AS {'VARCHAR[]' if kinds[n] == 'list' else 'VARCHAR'}) AS {column(n)}"
             for n in kinds]  # fmt: skip
    try:
        con.execute(f"CREATE TABLE src AS SELECT {number} AS _row, {', '.join(parts)} FROM {rows}")
    except duckdb.Error as error:  # a Parquet file whose data (past its header) cannot be read
        raise CohortError(f"INPUT: cannot be read as {fmt}: {_first_line(error)}") from None
    con.execute("DROP TABLE IF EXISTS raw")
    con.execute("DROP TABLE IF EXISTS numbers")
    _read_values(con, kb, kinds)
    return replace(_join(con, kb, kinds), warnings=_unnamed_warning(unnamed))


def _load_bulk(con: duckdb.DuckDBPyConnection, path: Path, kb: KnowledgeBase,
               ours: tuple[Path, ...] = ()) -> Loaded:  # fmt: skip
    """A folder of FHIR Bulk Data NDJSON, flattened by ``bulk.flatten`` into an input table and
    loaded as one; the quarantine says why a patient's record or a line cannot be read."""
    from onconav.cohort import bulk  # the FHIR mapping, only for a folder

    if not path.is_dir():
        raise CohortError(f"INPUT: {str(path)!r} is not a folder of FHIR Bulk Data NDJSON")
    with tempfile.TemporaryDirectory() as work:
        try:
            flat = bulk.flatten(path, kb, Path(work), ours)
        except bulk.BulkError as error:
            raise CohortError(str(error)) from None
        if flat.people + len(flat.bad_lines) == 0:
            raise CohortError(f"INPUT: the folder {str(path)!r} holds no FHIR resources")
        loaded = load(con, flat.table, "ndjson", kb, fhir=True)
        con.execute("CREATE TABLE bulk_problems (patient_id VARCHAR, row BIGINT, reason VARCHAR)")
        if flat.unreadable or flat.bad_lines:
            con.execute("INSERT INTO bulk_problems SELECT patient_id, row, reason FROM read_json("
                        f"{quote(str(flat.problems))}, format='newline_delimited', columns="
                        "{patient_id: 'VARCHAR', row: 'BIGINT', reason: 'VARCHAR'})")  # fmt: skip
    restore_reasons(con)
    return replace(loaded, notes=tuple(flat.said()), unread=tuple(flat.unread))


def restore_reasons(con: duckdb.DuckDBPyConnection) -> None:
    """What the quarantine holds that ``src`` does not say, for an engine that makes the
    quarantine again from ``src``: the quarantine's reasons in FHIR's words for a folder of FHIR
    Bulk Data (table ``bulk_problems``, if there is one): why a patient's record cannot be read,
    and the file and line number of a line that is not a resource, in place of the reasons the
    rows' reading gives (no cancer, no patient_id); and the lines of a CSV or NDJSON file that
    cannot be read as a row at all (table ``unreadable``), unless the quarantine has them."""
    if con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'bulk_problems'"
                   ).fetchone():  # fmt: skip
        # by the row, never by the patient_id: a row whose record cannot be read, and the row of
        # a line that is not a resource (no patient_id), each with its own reason
        con.execute("UPDATE quarantine SET reason = b.reason FROM bulk_problems b "
                    "WHERE quarantine.row = b.row")  # fmt: skip
        con.execute("INSERT INTO quarantine SELECT row, patient_id, reason FROM bulk_problems "
                    "WHERE row NOT IN (SELECT row FROM quarantine)")  # fmt: skip
    if con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'unreadable'").fetchone():
        con.execute("INSERT INTO quarantine SELECT * FROM unreadable "
                    "WHERE row NOT IN (SELECT row FROM quarantine)")  # fmt: skip


def _profile(kb: KnowledgeBase, cancer: str | None, field: str, value: object) -> dict[str, Any]:
    """The profile data of one value (as given, ``as_given``) of a person with that cancer."""
    data: dict[str, Any] = {"cancer": as_given(cancer) if cancer is not None else "any"}
    value = as_given(value)
    if value is not None:
        if field in MARKERS:
            data["biomarkers"] = {field: value}
        else:
            data[field] = value
    return data


def _read(kb: KnowledgeBase, data: dict[str, Any],
          field: str) -> tuple[Any, str | None, int]:  # fmt: skip
    """A field as the core reads it, or the problems it has in words, and how many."""
    try:
        facts = facts_of(parse_profile(data, kb), kb)
    except ProfileError as error:
        return None, "; ".join(reason(p) for p in error.problems), len(error.problems)
    value = facts.given[field]
    return (sorted(value) if isinstance(value, frozenset) else value), None, 0


def _read_lists(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, field: str,
                value_type: str) -> None:  # fmt: skip
    """Table ``v_{field}``: each distinct list given, what it is read as, or why not. Each
    distinct item is read once, alone; a list is what its items are read as (each id once,
    sorted), or every problem of its items, numbered by the item's place in the list. A list of
    one word for not known (``unknown``) is not known (null). A list that holds a word for none
    or for not known beside other items, or an empty item (null), is read whole, as the core
    reads it (an error, never the list without it); so is a list with a problem and an item the
    core splits at its commas (``pain, nausea``), whose pieces the core numbers as items, so
    that each problem is numbered as the core numbers it (``pain, nausea; xyzzy``: xyzzy is
    item 2, not 1); and a value that is no list, given in the list's place (``NOT_A_LIST``),
    read as that value."""
    col = column(field)
    items = [str(i) for (i,) in con.execute(
        f"SELECT DISTINCT unnest({col}) FROM src WHERE {col} IS NOT NULL").fetchall()]  # fmt: skip
    rows = []
    for item in items:
        given = as_given(item)
        value, problem, count = _read(kb, _profile(kb, None, field, [given]), field)
        rows.append({"item": item, "value": value, "error": problem, "problems": count,
                     "none": isinstance(given, str) and normalise_name(given) in NONE_WORDS,
                     "unknown": value is None and problem is None,
                     "split": isinstance(given, str) and len(split_list(given)) > 1})  # fmt: skip
    _table(con, f"i_{field}", {"item": "VARCHAR", "value": value_type, "error": "VARCHAR",
                               "problems": "INTEGER", "none": "BOOLEAN", "unknown": "BOOLEAN",
                               "split": "BOOLEAN"}, rows)  # fmt: skip
    items_table, pattern = column(f"i_{field}"), quote(re.escape(f"{field}[0]"))
    con.execute(
        f"CREATE TABLE {column('v_' + field)} AS "
        # each distinct list numbered (k); its items are read and gathered by that number, and
        # the list joined to what they were read as once: a long list is never copied per item
        "WITH raws AS (SELECT row_number() OVER () AS k, raw FROM "
        f"(SELECT DISTINCT {col} AS raw FROM src WHERE {col} IS NOT NULL)), "
        "parts AS (SELECT k, unnest(raw) AS item, "
        "unnest(range(0, len(raw))) AS place FROM raws), "
        "lists AS (SELECT q.k, CASE WHEN bool_or(i.error IS NOT NULL) THEN NULL ELSE "
        "coalesce(list_sort(list_distinct(flatten(list(i.value)))), []) "
        # the problems of no more items than a row's reason lists: a row with more is read
        # whole (``_many_problems``), and 100,000 items not known made one reason of 16.7 MB
        f"END AS value, array_to_string(list_slice(list(regexp_replace(i.error, {pattern}, "
        f"{quote(field + '[')} || q.place || ']') ORDER BY q.place) "
        f"FILTER (WHERE i.error IS NOT NULL), 1, {MAX_PROBLEMS + 1}), '; ') AS error, "
        "sum(i.problems) AS problems, "
        "bool_or(coalesce(i.none, FALSE)) AS none, "
        "bool_or(coalesce(i.unknown, FALSE)) AS unknown, "
        "bool_or(coalesce(i.split, FALSE)) AS split "
        f"FROM parts q JOIN {items_table} i USING (item) GROUP BY q.k) "
        # a list with no item that could be read (empty, or only nulls) is no value yet
        "SELECT r.raw, CASE WHEN l.k IS NULL THEN [] WHEN l.unknown THEN NULL "
        "ELSE l.value END AS value, l.error, l.problems, "
        "(len(r.raw) > 1 AND (coalesce(l.none, FALSE) OR coalesce(l.unknown, FALSE))) "
        "OR len(list_filter(r.raw, lambda x: x IS NULL)) > 0 "
        "OR (l.error IS NOT NULL AND l.split AND len(r.raw) > 1) "
        # a value that is no list, given in the list's place: read as that value
        f"OR coalesce(starts_with(r.raw[1], chr({ord(NOT_A_LIST)})), FALSE) AS whole "
        "FROM raws r LEFT JOIN lists l USING (k)"
    )
    wholes = con.execute(f"SELECT raw FROM {column('v_' + field)} WHERE whole").fetchall()
    for (raw,) in wholes:
        value, problem, count = _read(kb, _profile(kb, None, field, list_given(raw)),
                                      field)  # fmt: skip
        con.execute(f"UPDATE {column('v_' + field)} SET value = ?, error = ?, problems = ? "
                    "WHERE raw = ?", [value, problem, count, raw])  # fmt: skip
    con.execute(f"ALTER TABLE {column('v_' + field)} DROP whole")


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, str],
           rows: Iterable[dict[str, Any]]) -> None:  # fmt: skip
    """A small table from Python rows, through a JSON lines file (typed by ``columns``)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.ndjson"
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row) + "\n")
        spec = "{" + ", ".join(f"{quote(k)}: {quote(v)}" for k, v in columns.items()) + "}"
        con.execute(f"CREATE TABLE {column(name)} AS SELECT * FROM read_json("
                    f"{quote(str(path))}, format='newline_delimited', columns={spec})")  # fmt: skip


def _read_values(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, kinds: dict[str, str]) -> None:
    """One small table per column: each distinct value given, what it is read as, or why not;
    and ``v_patient_id``: each patient_id that says it is not known or is not text, and its
    reason."""
    ids = con.execute(f"SELECT DISTINCT patient_id FROM src WHERE {ID_NOT_KNOWN} "
                      f"OR starts_with(patient_id, chr({ord(NOT_TEXT)}))").fetchall()  # fmt: skip
    _table(con, "v_patient_id", {"raw": "VARCHAR", "error": "VARCHAR"},
           [{"raw": i, "error": e} for (i,) in ids if (e := id_problem(i))])  # fmt: skip
    cancers = [c for (c,) in con.execute("SELECT DISTINCT cancer FROM src").fetchall()]
    cancer_rows: list[dict[str, str | int | list[str] | None]] = []
    for cancer in cancers:
        if cancer is None:
            cancer_rows.append({"raw": NULL, "site": None, "value": None, "spread": None,
                                "error": reason(Problem("cancer", None, (), "is required")),
                                "problems": 1})  # fmt: skip
            continue
        try:
            facts = facts_of(parse_profile({"cancer": as_given(cancer)}, kb), kb)
            # the places of spread its words name ("gastric cancer with peritoneal
            # carcinomatosis"), for a row that gives none (``_join``), as the core reads them
            spread = facts.given["metastases"]
            cancer_rows.append({"raw": cancer, "site": facts.site,
                                "value": str(facts.given["cancer"] or "") or None,
                                "spread": sorted(spread) if isinstance(spread, frozenset) else None,
                                "error": None, "problems": 0})  # fmt: skip
        except ProfileError as error:
            cancer_rows.append({"raw": cancer, "site": None, "value": None, "spread": None,
                                "error": "; ".join(reason(p) for p in error.problems),
                                "problems": len(error.problems)})  # fmt: skip
    _table(con, "v_cancer", {"raw": "VARCHAR", "site": "VARCHAR", "value": "VARCHAR",
                             "spread": "VARCHAR[]", "error": "VARCHAR",
                             "problems": "INTEGER"}, cancer_rows)  # fmt: skip
    good = {str(r["raw"]): str(r["raw"]) for r in cancer_rows if r["error"] is None}
    sql_types = {n: t for n, t, _ in facts_table(kb)}
    for field, kind in kinds.items():
        if field in ("patient_id", "cancer"):
            continue
        value_type = sql_types[field].removesuffix(" NOT NULL")
        if kind == "list":
            _read_lists(con, kb, field, value_type)
            continue
        rows = []
        pairs = con.execute(f"SELECT DISTINCT cancer, {column(field)} FROM src").fetchall()
        for cancer, raw in pairs:
            value, problem, count = _read(kb, _profile(kb, good.get(cancer), field, raw), field)
            rows.append({"cancer": NULL if cancer is None else cancer,
                         "raw": NULL if raw is None else raw, "value": value,
                         "error": problem, "problems": count})  # fmt: skip
        _table(con, f"v_{field}", {"cancer": "VARCHAR", "raw": "VARCHAR", "value": value_type,
                                   "error": "VARCHAR", "problems": "INTEGER"}, rows)  # fmt: skip


def _many_problems(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    """The reasons of the rows of ``facts`` marked ``_many``, whose values have more problems
    than the core lists (``MAX_PROBLEMS``): each such row read whole by the core, as the python
    engine reads it, and its reason the core's (the first problems and one more counting the
    rest, ``profile.at_most``), after the patient_id's problem if it has one. Few rows have so
    many problems: the others' reasons are joined in SQL (as these are, if the core found none)."""
    cursor = con.cursor()
    cursor.execute("SELECT s.* FROM src s JOIN facts f USING (_row) WHERE f._many")
    columns = [d[0] for d in cursor.description or ()]  # src's, as the python engine's
    said = []
    while batch := cursor.fetchmany(1000):
        for values in batch:
            record = dict(zip(columns, values, strict=True))
            try:
                facts_of(parse_profile(profile_data(record), kb), kb)
            except ProfileError as error:  # a repeated patient_id is said later (``_join``)
                reasons = [id_problem(record["patient_id"]),
                           *in_column_order(error.problems, columns)]  # fmt: skip
                said.append((record["_row"], "; ".join(r for r in reasons if r)))
    if said:
        con.execute("CREATE TEMP TABLE many_problems (_row BIGINT, reason VARCHAR)")
        con.executemany("INSERT INTO many_problems VALUES (?, ?)", said)
        con.execute("UPDATE facts SET _reason = m.reason FROM many_problems m "
                    "WHERE facts._row = m._row")  # fmt: skip
        con.execute("DROP TABLE many_problems")
    con.execute("ALTER TABLE facts DROP COLUMN _many")


def _join(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, kinds: dict[str, str]) -> Loaded:
    """Each row joined to what its values were read as, into the facts table with the reasons it
    cannot be read (none: ''; a row with no value at all, ``EMPTY_ROW`` alone); a patient_id
    given by more than one row is said as ``repeats`` finds; the rows with a reason are then
    moved to the quarantine."""
    cancer_key = f"coalesce(s.cancer, {quote(NULL)})"
    joins = [f"LEFT JOIN v_cancer c ON {cancer_key} = c.raw",
             "LEFT JOIN v_patient_id p ON s.patient_id = p.raw"]  # fmt: skip
    values = {"site": "c.site", "cancer": "c.value"}
    errors = ["c.error"]
    counts = ["c.problems"]
    # what each fact of a row was read as, to compare the rows of one patient_id (``repeats``):
    # the value read (``Stage IV`` and ``4`` are one), or the value as given if it cannot be read
    read = {"cancer": _as_read("c.error", "[c.site, c.value]", "s.cancer")}
    for i, (field, kind) in enumerate(kinds.items()):
        if field in ("patient_id", "cancer"):
            continue
        alias = f"v{i}"
        if kind == "list":
            joins.append(f"LEFT JOIN {column('v_' + field)} {alias} "
                         f"ON s.{column(field)} = {alias}.raw")  # fmt: skip
        else:
            joins.append(f"LEFT JOIN {column('v_' + field)} {alias} "
                         f"ON {cancer_key} = {alias}.cancer "
                         f"AND coalesce(s.{column(field)}, {quote(NULL)}) "
                         f"= {alias}.raw")  # fmt: skip
        values[field] = f"{alias}.value"
        if field == "metastases":  # none given: the places the cancer's words name, if any
            values[field] = (f"CASE WHEN s.{column(field)} IS NULL THEN c.spread "
                             f"ELSE {alias}.value END")  # fmt: skip
        errors.append(f"{alias}.error")
        counts.append(f"{alias}.problems")
        read[field] = _as_read(f"{alias}.error", f"{alias}.value", f"s.{column(field)}")
    # a patient_id given more than once (few such ids: grouped, never a window over every row);
    # ``_group``: its first row's number (an id that is not text is said to be so, not repeated;
    # one that says it is not known is none), and ``_read`` what the row's facts were read as
    mark = f"chr({ord(NOT_TEXT)})"
    repeated = ("LEFT JOIN (SELECT patient_id, min(_row) AS first FROM src WHERE patient_id NOT IN "
                "(SELECT raw FROM v_patient_id) GROUP BY patient_id HAVING count(*) > 1) again "
                "ON s.patient_id = again.patient_id")  # fmt: skip
    group = f"CASE WHEN NOT starts_with(s.patient_id, {mark}) THEN again.first END"
    id_error = ("CASE WHEN s.patient_id IS NULL THEN 'patient_id: missing' "
                "WHEN p.error IS NOT NULL THEN p.error END")  # fmt: skip
    problems = [id_error, *errors]
    empty = " AND ".join(f"s.{column(n)} IS NULL" for n in kinds)
    # a row with more problems than the core lists (MAX_PROBLEMS): its reason is then the
    # core's, the row read whole (``_many_problems``), as the python engine reads it
    many = " + ".join(f"coalesce({c}, 0)" for c in counts) + f" > {MAX_PROBLEMS}"
    # most rows have no problem: their reason, '', is known without joining the problems' words
    reason = (f"CASE WHEN {' AND '.join(f'{p} IS NULL' for p in problems)} THEN '' "
              f"WHEN {empty} THEN {quote(EMPTY_ROW)} "
              f"ELSE concat_ws('; ', {', '.join(problems)}) END")  # fmt: skip
    names = [n for n, _, _ in facts_table(kb)][1:]
    # the patient_id as given (``TEXT`` taken off, as ``as_given`` does); none if not text
    person = (f"CASE WHEN {_number_id('s.patient_id')} IS NOT NULL THEN "
              f"{_number_id('s.patient_id')} "
              f"WHEN starts_with(s.patient_id, {mark}) OR p.error IS NOT NULL THEN NULL "
              f"WHEN starts_with(s.patient_id, chr({ord(TEXT)})) THEN substr(s.patient_id, 2) "
              "ELSE s.patient_id END")  # fmt: skip
    con.execute(
        f"CREATE TABLE facts AS SELECT s._row, {person} AS person_id, "
        + ", ".join(f"{values[n]} AS {column(n)}" for n in names)
        + f", {reason} AS _reason, {group} AS _group, "
        + f"CASE WHEN {group} IS NOT NULL THEN [{', '.join(read.values())}] END AS _read, "
        + f"CASE WHEN {' AND '.join(f'{e} IS NULL' for e in errors)} THEN FALSE "
        + f"ELSE {many} END AS _many "
        + f"FROM src s {repeated} "
        + " ".join(joins)
    )
    _repeats(con, list(read))
    _many_problems(con, kb)
    # the rows of a repeated patient_id: why, before the row's own problems (the patient_id's
    # problem comes first); a copy of a first row quarantined too says so after its number
    said = (f"coalesce(r.differ, {quote(SAME_ID)} || r.first || CASE WHEN r.first_quarantined "
            f"THEN {quote(FIRST_QUARANTINED)} ELSE '' END)")  # fmt: skip
    con.execute(f"UPDATE facts SET _reason = concat_ws('; ', {said}, NULLIF(facts._reason, '')) "
                "FROM repeats r WHERE facts._row = r._row")  # fmt: skip
    con.execute("ALTER TABLE facts DROP COLUMN _group")
    con.execute("ALTER TABLE facts DROP COLUMN _read")
    con.execute("CREATE TABLE quarantine AS SELECT _row AS row, person_id AS patient_id, "
                "_reason AS reason FROM facts WHERE _reason <> '' "
                "UNION ALL SELECT * FROM unreadable ORDER BY row")  # fmt: skip
    con.execute("DELETE FROM facts WHERE _reason <> ''")
    con.execute("ALTER TABLE facts DROP COLUMN _reason")
    (rows,) = con.execute("SELECT (SELECT count(*) FROM src) + "
                          "(SELECT count(*) FROM unreadable)").fetchone() or (0,)  # fmt: skip
    (bad,) = con.execute("SELECT count(*) FROM quarantine").fetchone() or (0,)
    return Loaded(rows=int(rows), answered=int(rows) - int(bad), quarantined=int(bad))


def _as_read(error: str, value: str, given: str) -> str:
    """The SQL of what a fact of a row was read as, as text to compare: the value read (its
    JSON; null if not known), or, if it cannot be read (``error``), ``!`` and the value given."""
    return (f"CASE WHEN {error} IS NULL THEN CAST(to_json({value}) AS VARCHAR) "
            f"ELSE '!' || coalesce(CAST(to_json({given}) AS VARCHAR), '') END")  # fmt: skip


def _repeats(con: duckdb.DuckDBPyConnection, facts: list[str]) -> None:
    """Table ``repeats``: each row of ``facts`` (``_group``, ``_read``: the facts named by
    ``facts``, in order) whose patient_id a row before it gives too, and each row of a
    patient_id whose rows differ in a fact as read. ``first``: the patient_id's first row;
    ``differ``: why every row of it is quarantined (``DIFFER``: the rows and the facts that
    differ), or null if its rows are copies (only the first is read); ``first_quarantined``:
    whether that first row is quarantined for its own problems. The one rule of every engine
    (the python engine reads this table too)."""
    differs = ", ".join(f"CASE WHEN count(DISTINCT coalesce(_read[{i}], '')) > 1 THEN {quote(f)} "
                        "END" for i, f in enumerate(facts, 1))  # fmt: skip
    rows = (f"array_to_string(list_slice(g.rows, 1, {ROWS_SAID}), ', ') || CASE WHEN "
            f"len(g.rows) > {ROWS_SAID} THEN ' and ' || (len(g.rows) - {ROWS_SAID}) || ' more' "
            "ELSE '' END")  # fmt: skip
    before, middle, after = (DIFFER.split("{rows}")[0], *DIFFER.split("{rows}")[1].split("{facts}"))
    con.execute(
        "CREATE TABLE repeats AS WITH g AS (SELECT _group, list(_row ORDER BY _row) AS rows, "
        f"list_filter([{differs}], lambda x: x IS NOT NULL) AS facts, "
        "bool_or(_row = _group AND _reason <> '') AS first_quarantined "
        "FROM facts WHERE _group IS NOT NULL GROUP BY _group) "
        "SELECT f._row, g._group AS first, CASE WHEN len(g.facts) > 0 THEN "
        f"{quote(before)} || {rows} || {quote(middle)} || array_to_string(g.facts, ', ') || "
        f"{quote(after)} END AS differ, g.first_quarantined "
        "FROM facts f JOIN g USING (_group) WHERE len(g.facts) > 0 OR f._row > g._group"
    )
