"""The ``spark`` engine: the same SQL as the ``duckdb`` engine (``onconav.sql.results_sql``),
written in Spark SQL's words for lists (``logic.SPARK``) and run by Spark, local here
(``local[*]``) or on any cluster (``--master``). The input is read, and the quarantine made, by
DuckDB as for the other engines (``table.load``); the facts table goes to Spark as Parquet, and
Spark's result comes back as Parquet. PySpark, and a Java runtime, are needed only for this engine
(``pip install 'onconav[spark]'``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import duckdb

from onconav.cohort.engines import DEFAULT_MASTER
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


def session(master: str = DEFAULT_MASTER) -> Any:
    """A Spark session, or a CohortError saying what is missing (PySpark, Java)."""
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
        spark = builder.getOrCreate()
    except Exception as error:  # Java missing or the master unreachable: PySpark's own errors
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CohortError(f"--engine spark: Spark could not start ({first}); it needs a "
                          "Java runtime, 17 or newer, on the PATH or in JAVA_HOME"
                          ) from None  # fmt: skip
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run_spark(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase, folder: Path,
              master: str = DEFAULT_MASTER) -> None:  # fmt: skip
    """The ``spark`` engine over table ``facts``: a view ``result`` over Spark's result, written
    as Parquet under ``folder`` (which must outlive the view)."""
    facts, result = folder / "facts.parquet", folder / "result"
    copy_to(con, "SELECT * FROM facts", facts, "parquet")
    steps, options = results_sql(kb, dialect=SPARK)
    spark = session(master)
    spark.read.parquet(str(facts)).createOrReplaceTempView("facts")
    for name, query in steps:  # each table made once, as DuckDB makes them, then read
        spark.sql(query).write.mode("overwrite").parquet(str(folder / name))
        spark.read.parquet(str(folder / name)).createOrReplaceTempView(name)
    spark.sql(options).write.mode("overwrite").parquet(str(result))
    con.execute("CREATE VIEW result AS SELECT patient_id, option_id, status, because, missing "
                f"FROM read_parquet({quote(str(result / '*.parquet'))})")  # fmt: skip
