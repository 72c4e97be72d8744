"""engines/spark_lake.py: the lake as Spark reads it, with the lake's declared schema, never an inferred one."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.model import View
from auditreport.engines.spark_lake import drop_lake, register_lake
from auditreport.lake import TABLES


def _write_events(lake, year: int, month: int, rows: list[dict], name: str = "part-0.parquet"):
    table = TABLES["cloudtrail_events"]
    cols = [c for c, _ in table.all_columns if c in rows[0]]
    schema = pa.schema([table.arrow_schema().field(c) for c in cols])
    folder = lake / "cloudtrail_events" / f"year={year}" / f"month={month}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / name)
    return folder


def test_tables_are_read_with_the_declared_schema(spark, tmp_path):
    lake = tmp_path / "lake"
    folder = _write_events(lake, 2026, 10, [{"event_id": "e1", "event_time": dt.datetime(2026, 10, 5, 9, 41, 7),
                                             "recipient_account_id": "012345678901", "source_key": "AWSLogs/a.json.gz",
                                             "record_index": 0}])  # fmt: skip
    (folder / "notes.txt").write_text("not parquet: never read")
    register_lake(spark, lake)
    try:
        types = dict(spark.table("cloudtrail_events").dtypes)
        assert types["event_time"] == "timestamp_ntz" and types["year"] == "int" and types["month"] == "int"
        assert types["recipient_account_id"] == "string" and types["request_parameters"] == "string"  # JSON as text
        row = spark.sql("select * from cloudtrail_events").collect()[0].asDict()
        assert row["recipient_account_id"] == "012345678901"  # never a number
        assert row["event_time"] == dt.datetime(2026, 10, 5, 9, 41, 7) and (row["year"], row["month"]) == (2026, 10)
        assert row["error_code"] is None  # a column the file lacks is NULL, as DuckDB's union_by_name
        assert row["source_trail"] is None  # the derived column, transpiled: a key without a trail prefix
        assert spark.table("iam_principals").count() == 0  # no file: empty, typed
        assert dict(spark.table("iam_principals").dtypes)["create_date"] == "timestamp_ntz"
    finally:
        drop_lake(spark)


def test_the_derived_trail_column_is_duckdbs(spark, tmp_path):
    lake = tmp_path / "lake"
    _write_events(lake, 2026, 10, [{"event_id": "e1", "source_key": "org-trail/AWSLogs/o-1/111122223333/x.json.gz"}])
    register_lake(spark, lake)
    try:
        assert spark.sql("select source_trail from cloudtrail_events").collect()[0][0] == "org-trail"
    finally:
        drop_lake(spark)


def test_a_view_spark_cannot_create_is_reported_with_those_that_read_it(spark, tmp_path):
    catalogue = load_catalogue()
    bad = View(id="broken_view", description="d", requires=["cloudtrail_events"], sql="select no_such_function(1) as x",
               body="select no_such_function(1) as x", path=tmp_path / "broken_view.sql", lake_tables=["cloudtrail_events"])
    reader = View(id="reads_broken", description="d", requires=["broken_view"], sql="select * from broken_view",
                  body="select * from broken_view", path=tmp_path / "reads_broken.sql", lake_tables=["cloudtrail_events"])
    views = dict(catalogue.views) | {"broken_view": bad, "reads_broken": reader}
    failed = register_lake(spark, tmp_path / "lake", type(catalogue)(catalogue.checks, catalogue.frameworks, views,
                                                                     catalogue.directory))  # fmt: skip
    try:
        assert set(failed) == {"broken_view", "reads_broken"}
        assert failed["broken_view"].startswith(f"{tmp_path / 'broken_view.sql'}: shared view broken_view cannot be "
                                                "created on Spark: ")  # fmt: skip
        assert "\n" not in failed["broken_view"]
        assert "reads the view broken_view" in failed["reads_broken"]
        assert spark.table("cloudtrail_events_unique").count() == 0  # the catalogue's own views were made
    finally:
        drop_lake(spark)
