"""The lake as Spark sees it: one temporary view per lake table over its Parquet files, with the table's declared
schema (never inferred), then the catalogue's shared views, transpiled, every view after those it reads.

The same files DuckDB reads (:func:`auditreport.lake.connection.view_sql`), read the same way:

* the columns and their types come from ``lake/tables/``: a Parquet file that lacks a column gives NULLs (DuckDB's
  ``union_by_name``); text, JSON documents as text, 32- and 64-bit integers, booleans, doubles, and the lake's
  ``TIMESTAMP`` (UTC instants without a zone) as Spark's ``TIMESTAMP_NTZ``, which is what DuckDB's ``TIMESTAMP`` is;
* partitioned tables read their ``year=``/``month=`` folders as INT columns, by the schema; nothing is inferred
  (the session also turns partition type inference off, so a folder named after an account id stays text);
* only ``*.parquet`` files are read, as DuckDB's ``**/*.parquet`` pattern does;
* the derived columns (``source_trail``) are the DuckDB expressions of the table, transpiled.
"""

from __future__ import annotations

from pathlib import Path

from ..lake import TABLES
from ..lake.connection import has_files
from ..lake.schema import Table
from .dialect import to_dialect
from .portable import non_portable

SPARK_TYPES = {"VARCHAR": "STRING", "JSON": "STRING", "INTEGER": "INT", "BIGINT": "BIGINT", "BOOLEAN": "BOOLEAN",
               "TIMESTAMP": "TIMESTAMP_NTZ", "DOUBLE": "DOUBLE"}  # fmt: skip


def spark_ddl(columns: list[tuple[str, str]]) -> str:
    """A Spark schema in DDL form (``` `name` TYPE, ...```) for lake columns declared with DuckDB type names."""
    return ", ".join(f"`{c}` {SPARK_TYPES[t]}" for c, t in columns)


def table_frame(spark, lake_root: Path, table: Table):
    """A DataFrame of ``table``'s rows in the lake at ``lake_root``, its derived columns added; empty and typed when
    the lake holds no file for it."""
    ddl = spark_ddl(table.all_columns)
    if not has_files(lake_root, table.name):
        frame = spark.createDataFrame([], ddl)
    else:
        reader = spark.read.schema(ddl).option("pathGlobFilter", "*.parquet")
        if not table.partitioned:  # files anywhere below the folder, no folder read as a column
            reader = reader.option("recursiveFileLookup", "true")
        frame = reader.parquet(str(Path(lake_root) / table.name))
    if table.derived:
        exprs = [f"CAST({to_dialect(f'SELECT {expr}', 'spark')[len('SELECT '):]} AS {SPARK_TYPES[t]}) AS `{c}`"
                 for c, t, expr in table.derived]  # fmt: skip
        frame = frame.selectExpr("*", *exprs)
    return frame


def register_lake(spark, lake_root: Path, catalogue=None) -> dict[str, str]:
    """One temporary view per lake table on ``spark``, then (with ``catalogue``) its shared views, transpiled to
    Spark SQL in creation order. Views marked ``materialize`` are cached: computed once, read by many checks.

    Returns the views that could not be created, each with why (one line naming the view's file); a view that reads
    one of them is not created either. The checks that read them are errors, the others run."""
    lake_root = Path(lake_root).resolve()
    for name, table in TABLES.items():
        table_frame(spark, lake_root, table).createOrReplaceTempView(name)
    failed: dict[str, str] = {}
    for view in (catalogue.views.values() if catalogue is not None else ()):
        broken = [name for name in view.requires if name in failed]
        try:
            if broken:
                raise ValueError(f"it reads the view {broken[0]}, which could not be created")
            outside = non_portable(view.sql)
            if outside:
                raise ValueError(f"not in the portable subset (docs/portable-sql.md): {outside[0]}")
            spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW `{view.id}` AS {to_dialect(view.body, 'spark')}")
            if view.materialize:
                spark.sql(f"CACHE TABLE `{view.id}`")
        except Exception as e:  # noqa: BLE001 - the views and checks that do not need it still run
            failed[view.id] = f"{view.path}: shared view {view.id} cannot be created on Spark: {first_line(e)}"
    return failed


def first_line(e: BaseException) -> str:
    """The first line of an error, Spark's or ours, without the class name Spark puts first."""
    lines = [ln.strip() for ln in str(e).strip().splitlines() if ln.strip()]
    return lines[0] if lines else type(e).__name__


def drop_lake(spark, catalogue=None) -> None:
    """Uncache and drop what :func:`register_lake` made (a session used for several lakes)."""
    for view in reversed(list(catalogue.views.values()) if catalogue is not None else []):
        if view.materialize:
            spark.sql(f"UNCACHE TABLE IF EXISTS `{view.id}`")
        spark.catalog.dropTempView(view.id)
    for name in TABLES:
        spark.catalog.dropTempView(name)
