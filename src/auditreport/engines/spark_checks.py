"""The check catalogue run on Spark: the same :func:`auditreport.checks.runner.run_check` (so the same ``no_data``,
``error`` and status rules, the same ``CheckResult``), over a connection that sends each statement to Spark SQL.

:class:`SparkConnection` is the small part of a DuckDB connection the check runner uses (``execute(sql, params)``,
then ``description``, ``fetchall``, ``fetchone``): the statement, in DuckDB's dialect with its parameters, is bound
and transpiled by :func:`auditreport.engines.dialect.to_dialect`, run by Spark, and its rows turned into the Python
values DuckDB gives (structs as dicts, lists as lists, timestamps as naive UTC datetimes).
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..checks.model import Check, CheckResult
from ..checks.runner import run_check
from ..period import Period
from .dialect import to_dialect
from .portable import non_portable
from .spark_lake import register_lake


class SparkCursor:
    """The rows of one statement, fetched: what the check runner reads of a DuckDB cursor."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.description = [(c, None, None, None, None, None, None) for c in columns]
        self._rows = rows

    def fetchall(self) -> list[tuple]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple | None:
        return self._rows.pop(0) if self._rows else None


class SparkConnection:
    """``execute(sql, params)`` of DuckDB SQL on a SparkSession whose lake is registered (:func:`register_lake`)."""

    def __init__(self, spark):
        self.spark = spark

    def execute(self, sql: str, params=None) -> SparkCursor:
        from py4j.protocol import Py4JJavaError

        try:
            frame = self.spark.sql(to_dialect(sql, "spark", params))
            convert = [_converter(f.dataType) for f in frame.schema.fields]
            rows = [tuple(f(v) for f, v in zip(convert, row)) for row in frame.collect()]
        except Py4JJavaError as e:  # a failed job: its message is the JVM's, at the bottom of the chain of causes
            raise SparkQueryError(_root_cause(e)) from None
        return SparkCursor(frame.columns, rows)


class SparkQueryError(RuntimeError):
    """A statement Spark accepted failed while it ran (its error class and message, one line)."""


def _root_cause(e) -> str:
    ex = e.java_exception
    while ex.getCause() is not None:
        ex = ex.getCause()
    message = " ".join(str(ex.getMessage() or "").split())
    return f"{ex.getClass().getSimpleName()}: {message}" if message else ex.getClass().getSimpleName()


def _converter(data_type):
    """A function turning what PySpark gives for a column of ``data_type`` into what DuckDB gives."""
    from pyspark.sql import types as T

    if isinstance(data_type, T.TimestampType):  # an instant: PySpark gives it in the machine's zone, naive
        return lambda v: None if v is None else v.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if isinstance(data_type, T.ArrayType):
        item = _converter(data_type.elementType)
        return lambda v: None if v is None else [item(x) for x in v]
    if isinstance(data_type, T.StructType):
        fields = [(f.name, _converter(f.dataType)) for f in data_type.fields]
        return lambda v: None if v is None else {name: f(x) for (name, f), x in zip(fields, v)}
    if isinstance(data_type, T.MapType):
        key, value = _converter(data_type.keyType), _converter(data_type.valueType)
        return lambda v: None if v is None else {key(k): value(x) for k, x in v.items()}
    return lambda v: v


def run_with_spark(master: str | None, lake_root: Path, catalogue, period: Period | None, params: dict,
                   unavailable: dict[str, str] | None = None) -> tuple[list[CheckResult], dict]:  # fmt: skip
    """A run's check stage on Spark: a session on ``master`` (:func:`~.spark_session.spark_session`), every check of
    ``catalogue``, and what ran them (for the manifest and the report). The session is stopped at the end unless it
    was running before (a caller's own)."""
    import sqlglot
    from pyspark.sql import SparkSession

    from .spark_session import DEFAULT_MASTER, spark_session

    ours = SparkSession.getActiveSession() is None
    spark = spark_session(master)
    try:
        quiet_query_errors(spark)
        engine = {"name": "spark", "master": master or DEFAULT_MASTER, "spark_version": spark.version,
                  "transpiler": f"sqlglot {sqlglot.__version__}", "ansi_mode": spark.conf.get("spark.sql.ansi.enabled")}
        return run_spark_checks(spark, lake_root, catalogue, catalogue.checks, period, params, unavailable), engine
    finally:
        if ours:
            spark.stop()


def quiet_query_errors(spark) -> None:
    """PySpark logs every failing query at ERROR, with the JVM's stack, on stderr (logger ``SQLQueryContextLogger``),
    and Spark's executor every failing task; a check that fails is reported once, in one line, by the check runner,
    with Spark's own message."""
    import logging

    logging.getLogger("SQLQueryContextLogger").disabled = True
    spark.sparkContext.setLogLevel("FATAL")


def run_spark_checks(spark, lake_root: Path, catalogue, checks: list[Check], period: Period | None, params: dict,
                     unavailable: dict[str, str] | None = None, threads: int = 2) -> list[CheckResult]:  # fmt: skip
    """Every check of ``checks`` on ``spark`` over the lake at ``lake_root``, in their order, ``threads`` submitted at
    once (a check on a month is many small Spark jobs, planned one after the other on the driver: two at a time keep
    two cores busy); the lake and ``catalogue``'s shared views registered first. A check outside the portable subset
    (:func:`~.portable.non_portable`), or that reads a shared view Spark could not create, is an error naming what."""
    failed_views = register_lake(spark, lake_root, catalogue)
    con = SparkConnection(spark)
    empty: dict[str, str] = {}

    def one(check: Check) -> CheckResult:
        broken = [failed_views[name] for name in _views_read(check.requires, catalogue) if name in failed_views]
        outside = non_portable(check.sql) if not check.load_error else []
        if broken:
            return CheckResult(check, "error", message=broken[0])
        if outside:
            return CheckResult(check, "error", message=f"{check.path}: not in the portable subset Spark runs "
                                                       f"(docs/portable-sql.md): {outside[0]}")  # fmt: skip
        return run_check(con, check, period, params, unavailable, empty)

    if threads <= 1:
        return [one(c) for c in checks]
    with ThreadPoolExecutor(threads, thread_name_prefix="auditreport-spark-check") as pool:
        return list(pool.map(one, checks))


def _views_read(names: list[str], catalogue) -> list[str]:
    """The shared views ``names`` read, directly or through other views."""
    views = catalogue.views if catalogue is not None else {}
    out: list[str] = []
    for name in names:
        if name in views and name not in out:
            out += _views_read(views[name].requires, catalogue) + [name]
    return list(dict.fromkeys(out))
