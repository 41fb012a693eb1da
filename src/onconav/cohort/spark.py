"""The ``spark`` engine: the same SQL as the ``duckdb`` engine (``onconav.sql.results_sql``),
written in Spark SQL's words for lists (``logic.SPARK``) and run by Spark, local here
(``local[*]``) or on any cluster (``--master``). The input is read, and the quarantine made, by
DuckDB as for the other engines (``table.load``); the facts table goes to Spark as Parquet, and
Spark's result comes back as Parquet. PySpark, and a Java runtime, are needed only for this engine
(``pip install 'onconav[spark]'``)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from onconav.cohort.engines import DEFAULT_MASTER, RESULT_COLUMNS
from onconav.cohort.table import CohortError, copy_to
from onconav.kb import KnowledgeBase
from onconav.logic import SPARK, quote
from onconav.sql import results_sql

# Spark reads DuckDB's double-quoted names as names and SQL's reserved words as reserved (without
# it, `t WHERE (TRUE)` is the table t named "where"; both need ANSI mode, on by default in Spark
# 4), keeps its console quiet (our progress bar is on stderr), and needs no web UI for a run.
CONF = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",
    "spark.sql.ansi.enforceReservedKeywords": "true",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.driver.memory": "2g",
}


@contextmanager
def stderr_to(log: Path) -> Iterator[None]:
    """This process's standard error (file descriptor 2) sent to ``log`` while Spark's JVM starts:
    the JVM, a child process, keeps it, so Spark's own lines (log4j's banner, Java's warnings)
    go to the log for as long as it runs, and never between our lines, with or without
    ``--quiet``; Python has its standard error back after."""
    sys.stderr.flush()
    saved = os.dup(2)
    with log.open("ab") as handle:
        os.dup2(handle.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def session(log: Path, master: str = DEFAULT_MASTER) -> Any:
    """A Spark session whose JVM writes its log to ``log``, or a CohortError saying what is
    missing (PySpark, Java), with the log's last line."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CohortError("--engine spark: PySpark is not installed; install it with "
                          "pip install 'onconav[spark]' (it needs a Java runtime, 17 or newer)"
                          ) from None  # fmt: skip
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("onconav-cohort")
    for key, value in CONF.items():
        builder = builder.config(key, value)
    if master.startswith("local"):  # nothing of this machine's Spark is reachable from others
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config(
            "spark.driver.host", "127.0.0.1"
        )
    try:
        with stderr_to(log):
            spark = builder.getOrCreate()
    except Exception as error:  # Java missing or the master unreachable: PySpark's own errors
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        # the log's last line that says something: not a line of a Java stack trace
        said = [line.strip() for line in log.read_text(errors="replace").splitlines()
                if line.strip() and not re.match(r"\s*(at |\.\.\. \d+ more)", line)]  # fmt: skip
        where = "" if master.startswith("local") else (
            f", and --master {master!r} a Spark master it can reach (spark://HOST:7077, yarn, "
            "k8s://...)")  # fmt: skip
        raise CohortError(f"--engine spark: Spark could not start ({first}"
                          + (f"; Spark said: {said[-1]}" if said else "")
                          + "); it needs a Java runtime, 17 or newer, on the PATH or in "
                          f"JAVA_HOME{where}") from None  # fmt: skip
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, folder: Path,
              master: str = DEFAULT_MASTER) -> str:  # fmt: skip
    """The ``spark`` engine over table ``facts``: returns the query of Spark's result, written as
    Parquet under ``folder`` (which must outlive the query's use). A path is read by Spark as a
    pattern (``[1]``, ``*``, ``{a}``: Hadoop's glob), so the folder's path is given to a read with
    those characters escaped (``read_path``), and Spark's result read back by DuckDB file by
    file, never by a pattern. An error of Spark's is a CohortError, its first line."""
    facts, result = folder / "facts.parquet", folder / "result"
    copy_to(con, "SELECT * FROM facts", facts, "parquet")
    steps, options = results_sql(kb, dialect=SPARK)
    spark = session(folder / "spark.log", master)
    try:
        spark.read.parquet(read_path(facts)).createOrReplaceTempView("facts")
        for name, query in steps:  # each table made once, as DuckDB makes them, then read
            spark.sql(query).write.mode("overwrite").parquet(str(folder / name))
            spark.read.parquet(read_path(folder / name)).createOrReplaceTempView(name)
        spark.sql(options).write.mode("overwrite").parquet(str(result))
    except Exception as error:  # PySpark's and Java's (Py4JJavaError): no traceback, one line
        said = str(error).strip()
        first = said.splitlines()[0] if said else type(error).__name__
        raise CohortError(f"--engine spark: Spark could not run the options' query: {first}"
                          ) from None  # fmt: skip
    files = ", ".join(quote(str(f)) for f in sorted(result.glob("*.parquet")))
    if not files:  # no part written (no one answered): the result's columns, no row
        con.execute(f"CREATE TABLE result ({RESULT_COLUMNS})")
        return "SELECT * FROM result"
    return ("SELECT patient_id, option_id, status, because, missing, relieves "
            f"FROM read_parquet([{files}])")  # fmt: skip


# the characters Hadoop reads as a pattern in a path (its GlobPattern), and the escape of each
GLOB = re.compile(r"([\\*?\[\]{}])")


def read_path(path: Path) -> str:
    """A path as Spark reads it as that path, not a pattern: ``out [1]/facts.parquet`` is read
    by Spark as ``out \\[1\\]/facts.parquet`` (a write's path is no pattern)."""
    return GLOB.sub(r"\\\1", str(path))
